import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Files on issues: stored in PostgreSQL once per SHA-256, typed by their bytes, served only as
/// downloads, seen exactly by those who see the issue, audited; streamed through the API and the CLI.
@Suite struct AttachmentTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 3_000)

    func attach(
        _ client: any TestClientProtocol, _ env: TestEnvironment, _ number: Int, _ filename: String, _ bytes: [UInt8],
        as caller: TestIdentities.Caller = .vendorA, contentType: String = "application/octet-stream", query: String = ""
    ) async throws -> TestResponse {
        let name = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? filename
        return try await env.send(
            client, .post, "/v1/issues/\(number)/attachments?filename=\(name)\(query)", as: caller,
            headers: [.contentType: contentType], body: ByteBuffer(bytes: bytes))
    }

    @Test func attachedFilesAreTypedByTheirBytesAndServedAsDownloads() async throws {
        try await withApp { client, env in
            let issue = try await env.issue()
            // The client says HTML; the bytes say PNG.
            var response = try await attach(client, env, issue.number, "画面 キャプチャ.png", Self.png, contentType: "text/html")
            #expect(response.status == .created, "\(response.text)")
            let attachment = try response.json
            #expect(attachment["content_type"] as? String == "image/png" && attachment["size"] as? Int == Self.png.count)
            #expect(attachment["sha256"] as? String == SHA256.hash(data: Self.png).map { String(format: "%02x", $0) }.joined())
            let id = try #require(attachment["id"] as? Int)
            #expect(response.headers[.location] == "/v1/issues/\(issue.number)/attachments/\(id)")

            response = try await env.send(client, .get, "/v1/issues/\(issue.number)/attachments/\(id)", as: .observer)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == Self.png)
            #expect(response.headers[.contentType] == "image/png")
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("sandbox") == true)
            let disposition = try #require(response.headers[.contentDisposition])
            #expect(
                disposition.hasPrefix("attachment; filename=\"") && disposition.contains("filename*=UTF-8''%E7%94%BB%E9%9D%A2%20"), "\(disposition)")

            // An HTML page is served as inert text; a spec excerpt as a PDF.
            let page = Array("<html><script>alert(1)</script></html>".utf8)
            response = try await attach(client, env, issue.number, "page.html", page, contentType: "text/html")
            #expect(try response.json["content_type"] as? String == "text/plain; charset=utf-8")
            response = try await attach(client, env, issue.number, "仕様書抜粋.pdf", Array("%PDF-1.7\n...".utf8))
            #expect(try response.json["content_type"] as? String == "application/pdf")

            // The same bytes again, on another issue: a second attachment, one stored blob.
            let other = try await env.issue("別の課題")
            response = try await attach(client, env, other.number, "同じ画面.png", Self.png)
            #expect(response.status == .created)
            let blobs: Int = try await env.pool.withConnection {
                try $0.query(Query("test.blobs", "SELECT count(*)::int AS n FROM attachment_blobs")).single().decode("n")
            }
            #expect(blobs == 3)

            response = try await env.send(client, .get, "/v1/issues/\(issue.number)/attachments", as: .member)
            #expect(try response.json.items.map { $0["filename"] as? String } == ["画面 キャプチャ.png", "page.html", "仕様書抜粋.pdf"])
            // Audited, and an event of the issue.
            response = try await env.send(client, .get, "/v1/audit?entity_type=attachment", as: .admin)
            #expect(try response.json.items.count == 4, "\(response.text)")
            response = try await env.send(client, .get, "/v1/issues/\(issue.number)/events", as: .member)
            #expect(response.text.contains("attachment_added"))
        }
    }

    @Test func attachmentsAreSeenExactlyByThoseWhoSeeTheIssue() async throws {
        try await withApp { client, env in
            let restricted = try await env.restrictedIssue()
            let file = try await env.attachment(on: restricted.number, by: .vendorA, "限定.pdf", Array("%PDF-1.4 限定".utf8))
            for path in ["/v1/issues/\(restricted.number)/attachments", "/v1/issues/\(restricted.number)/attachments/\(file.id)"] {
                try expectProblem(try await env.send(client, .get, path, as: .vendorB), .notFound)
                #expect(try await env.send(client, .get, path, as: .observer).status == .ok)
            }
            var response = try await attach(client, env, restricted.number, "x.png", Self.png, as: .vendorB)
            try expectProblem(response, .notFound)
            // An attachment id of another issue is not found through this one.
            let open = try await env.issue()
            try expectProblem(try await env.send(client, .get, "/v1/issues/\(open.number)/attachments/\(file.id)", as: .admin), .notFound)
            // A comment of another issue cannot carry it.
            let comment = try await env.comment(on: restricted.number, by: .vendorA)
            response = try await attach(client, env, open.number, "x.png", Self.png, query: "&comment_id=\(comment.id)")
            try expectProblem(response, .notFound)
        }
    }

    @Test func badUploadsAreRefusedAndChangeNothing() async throws {
        try await withTestPool { pool, _ in
            try await importSampleMunicipalities(pool)
            let env = TestEnvironment(pool: pool, ids: try await TestIdentities.create(pool))
            let app = Application(router: buildRouter(AppDependencies(pool: pool, maxAttachmentSize: 10_000)), logger: TestDatabases.logger)
            try await app.test(.router) { client in
                let issue = try await env.issue()
                for (name, bytes, status) in [
                    ("../etc/passwd", Self.png, HTTPResponse.Status.badRequest), ("二行\n目.png", Self.png, .badRequest),
                    ("", Self.png, .badRequest), ("empty.png", [], .badRequest),
                    ("big.png", Self.png + [UInt8](repeating: 1, count: 10_000), .contentTooLarge),
                ] {
                    let response = try await attach(client, env, issue.number, name, bytes)
                    try expectProblem(response, status)
                }
                // Too large without a declared length (chunked): refused while it streams.
                let response = try await client.execute(
                    uri: "/v1/issues/\(issue.number)/attachments?filename=big.bin", method: .post,
                    headers: env.headers(.vendorA, [.contentType: "application/octet-stream", .transferEncoding: "chunked"]),
                    body: ByteBuffer(bytes: [UInt8](repeating: 2, count: 20_000))
                ) { $0 }
                try expectProblem(response, .contentTooLarge)
                try expectProblem(try await attach(client, env, issue.number, "x.png", Self.png, query: "&colour=red"), .badRequest, field: "colour")
                let stored: Int = try await pool.withConnection {
                    try $0.query(Query("test.count", "SELECT (SELECT count(*) FROM attachments) + (SELECT count(*) FROM attachment_blobs) AS n"))
                        .single().decode("n")
                }
                #expect(stored == 0)
            }
        }
    }

    /// 20 MB through the real CLI and daemon: up with a progress bar and an Idempotency-Key
    /// (spooled to disk, hashed on the way), down streamed chunk by chunk, identical.
    @Test func twentyMegabytesThroughTheCLI() async throws {
        try await CLITests().withDaemon { _, env, cli in
            let issue = try await env.issue()
            let directory = FileManager.default.temporaryDirectory.appending(path: "cli-attach-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let bytes = try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: 20_000_000)
            let file = directory.appending(path: "議事資料.bin")
            try bytes.write(to: file)

            var result = try await cli(.vendorA).run(["issue", "attach", String(issue.number), file.path])
            #expect(result.status == 0 && result.text.contains("20000000 bytes"), "\(result.text)\(result.stderr)")
            result = try await cli(.observer).run(["issue", "attachments", String(issue.number)])
            #expect(result.text.contains("議事資料.bin"), "\(result.text)")
            let copy = directory.appending(path: "copy.bin")
            result = try await cli(.observer).run(["issue", "download", String(issue.number), "1", "-o", copy.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try Data(contentsOf: copy) == bytes)
        }
    }
}
