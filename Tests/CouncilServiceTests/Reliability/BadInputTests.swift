import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The bad-input sweep of the reliability suite: every route that takes a body gets oversized,
/// malformed, deeply nested, non-UTF-8 and mistyped bodies; every list route gets out-of-range
/// pagination; every text field gets SQL metacharacters, Japanese and emoji. Each bad request
/// must be a problem+json 4xx and leave the database exactly as it was.
@Suite struct BadInputTests {
    typealias Probes = AuthorizationMatrixTests

    /// A digest of every table (but the tokens' last-used times, which reads update).
    static func digest(_ pool: DatabasePool) async throws -> String {
        try await pool.withConnection { connection in
            try connection.query(
                Query(
                    "test.digest",
                    """
                    SELECT string_agg(c.relname || '=' || (xpath('/row/d/text()', query_to_xml(
                               format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) AS d FROM %I t', c.relname),
                               false, true, '')))[1]::text, ';' ORDER BY c.relname) AS digest
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'api_tokens'
                    """)
            ).single().decode("digest")
        }
    }

    struct Case {
        let name: String
        let contentType: String
        let bytes: [UInt8]
        let status: HTTPResponse.Status
    }

    static func jsonCases() -> [Case] {
        let huge = Array(#"{"title":""#.utf8) + [UInt8](repeating: 0x61, count: Request.maxJSONBody) + Array(#""}"#.utf8)
        return [
            Case(name: "oversized", contentType: "application/json", bytes: huge, status: .contentTooLarge),
            Case(name: "truncated", contentType: "application/json", bytes: Array(#"{"title": "#.utf8), status: .badRequest),
            Case(
                name: "deeply nested", contentType: "application/json",
                bytes: [UInt8](repeating: 0x5B, count: 200_000) + [UInt8](repeating: 0x5D, count: 200_000), status: .badRequest),
            Case(
                name: "deeply nested object", contentType: "application/json",
                bytes: Array(String(repeating: #"{"a":"#, count: 50_000).utf8) + Array("1".utf8) + [UInt8](repeating: 0x7D, count: 50_000),
                status: .badRequest),
            Case(
                name: "invalid UTF-8", contentType: "application/json", bytes: Array(#"{"title":""#.utf8) + [0xFF, 0xFE, 0xC3] + Array(#""}"#.utf8),
                status: .badRequest),
            Case(name: "not an object", contentType: "application/json", bytes: Array("[1,2,3]".utf8), status: .badRequest),
            Case(name: "wrong content type", contentType: "text/plain", bytes: Array("{}".utf8), status: .unsupportedMediaType),
        ]
    }

    /// A file in the type the route takes (a CSV, a mail report) that is too large, unreadable or empty.
    static func fileCases(_ type: String) -> [Case] {
        [
            Case(name: "oversized", contentType: type, bytes: [UInt8](repeating: 0x41, count: 16 * 1024 * 1024 + 1), status: .contentTooLarge),
            Case(name: "neither UTF-8 nor CP932", contentType: type, bytes: [0xFF, 0xFF, 0x0A, 0x80, 0xFF], status: .unprocessableContent),
            Case(name: "empty", contentType: type, bytes: [], status: .badRequest),
            Case(name: "wrong content type", contentType: "application/json", bytes: Array("{}".utf8), status: .unsupportedMediaType),
        ]
    }

    /// An attachment takes any bytes of any type; only its size and emptiness can be wrong.
    static func streamedCases(limit: Int) -> [Case] {
        [
            Case(
                name: "oversized", contentType: "application/octet-stream", bytes: [UInt8](repeating: 0x41, count: limit + 1),
                status: .contentTooLarge),
            Case(name: "empty", contentType: "application/octet-stream", bytes: [], status: .badRequest),
        ]
    }

    @Test func malformedBodiesAre4xxAndChangeNothing() async throws {
        try await withApp { client, env in
            let table = buildRouteTable(AppDependencies(pool: env.pool))
            var sent = 0
            for endpoint in table.endpoints {
                guard let probe = Probes.probes[endpoint.operationID], let makeBody = probe.body,
                    let allowed = probe.expected[.admin], (200..<300).contains(allowed.code)
                else { continue }
                let path = try await probe.path(env, .admin)
                let type = try makeBody(env, .admin).contentType
                let cases =
                    type == "application/json"
                    ? Self.jsonCases() : endpoint.options.contains(.streamed) ? Self.streamedCases(limit: endpoint.maxBody) : Self.fileCases(type)
                for bad in cases {
                    for withKey in [false, true] {
                        var headers = env.headers(.admin)
                        headers[.contentType] = bad.contentType
                        if probe.ifMatch { headers[.ifMatch] = try await Probes.etag(client, path, env) }
                        if withKey && endpoint.method == .post { headers[Idempotency.header] = UUID().uuidString }
                        // The second time as a Japanese reader, who is told why in Japanese.
                        if withKey { headers[.acceptLanguage] = "ja" }
                        let before = try await Self.digest(env.pool)
                        try await client.execute(uri: path, method: endpoint.method, headers: headers, body: ByteBuffer(bytes: bad.bytes)) {
                            response in
                            #expect(
                                response.status == bad.status,
                                "\(endpoint.operationID) \(bad.name): \(response.status.code) \(response.text.prefix(200))")
                            #expect(
                                response.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(endpoint.operationID) \(bad.name)")
                            if withKey { Self.expectJapanese(response.text, "\(endpoint.operationID) \(bad.name)") }
                        }
                        #expect(try await Self.digest(env.pool) == before, "\(endpoint.operationID) \(bad.name) changed the database")
                        sent += 1
                    }
                }
            }
            #expect(sent >= 150)
        }
    }

    @Test func outOfRangeQueryValuesAre4xx() async throws {
        try await withApp { client, env in
            let table = buildRouteTable(AppDependencies(pool: env.pool))
            var paginated = 0
            for endpoint in table.endpoints where endpoint.method == .get {
                guard let probe = Probes.probes[endpoint.operationID], probe.expected[.admin] == .ok else { continue }
                let path = try await probe.path(env, .admin)
                let before = try await Self.digest(env.pool)
                func status(_ query: String, japanese: Bool = false) async throws -> (HTTPResponse.Status, String) {
                    let separator = path.contains("?") ? "&" : "?"
                    var headers = env.headers(.admin)
                    if japanese { headers[.acceptLanguage] = "ja" }
                    return try await client.execute(uri: path + separator + query, method: .get, headers: headers) {
                        ($0.status, $0.text)
                    }
                }
                // A route that reads its query refuses what it does not know, including non-UTF-8
                // names (routes that take no parameters, such as /health/live, ignore the query).
                guard try await status("bogus=1").0 == .badRequest else { continue }
                var bad = ["%FF%FE=1", "%00=1", "limit=1&limit=2"]
                if try await status("limit=1").0 == .ok {
                    paginated += 1
                    bad += [
                        "limit=-1", "limit=0", "limit=99999999999999999999999", "limit=abc", "limit=", "limit=%FF",
                        "limit=1e3", "limit=%EF%BC%91", "offset=-5", "offset=18446744073709551616",
                    ]
                }
                for query in bad {
                    let (code, text) = try await status(query)
                    #expect(code == .badRequest, "\(endpoint.operationID) ?\(query): \(code.code) \(text.prefix(200))")
                    Self.expectJapanese(try await status(query, japanese: true).1, "\(endpoint.operationID) ?\(query)")
                }
                #expect(try await Self.digest(env.pool) == before, "\(endpoint.operationID): a refused read changed the database")
            }
            #expect(paginated >= 8)
            // Cursors and free text on the issue list.
            let before = try await Self.digest(env.pool)
            for query in [
                "cursor=!!!", "cursor=AAAAAAAAAAAA", "cursor=eyJ4IjoxfQ", "cursor=%FF%00", "q=%FF%FE", "q=%00",
                "due_before=2026-02-30", "updated_since=yesterday", "municipality=011001", "vendor=-1", "state=new,,triaged",
            ] {
                try await client.execute(uri: "/v1/issues?" + query, method: .get, headers: env.headers(.admin)) { response in
                    #expect(response.status == .badRequest, "?\(query): \(response.status.code) \(response.text.prefix(200))")
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                var japanese = env.headers(.admin)
                japanese[.acceptLanguage] = "ja"
                try await client.execute(uri: "/v1/issues?" + query, method: .get, headers: japanese) { response in
                    Self.expectJapanese(response.text, "?\(query)")
                }
            }
            #expect(try await Self.digest(env.pool) == before)
        }
    }

    /// A problem for a Japanese reader: its detail and every item's detail say why in Japanese.
    static func expectJapanese(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let body = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            Issue.record("\(what): not a problem: \(text.prefix(200))", sourceLocation: sourceLocation)
            return
        }
        let details = [body["detail"] as? String ?? ""] + (body["errors"] as? [[String: Any]] ?? []).map { $0["detail"] as? String ?? "" }
        for detail in details {
            #expect(JapaneseWords.contains(detail), "\(what): \(detail)", sourceLocation: sourceLocation)
        }
    }

    static let nasty = [
        #"'; DROP TABLE issues; -- "quoted" \ back\slash %_ wildcards $1 ::text"#,
        "住民記録システムの帳票🎌 𠮷野家 ①② 髙橋 👨‍👩‍👧",
        "<script>alert(1)</script> ${jndi:x} {{7*7}} \u{202E}rtl",
        // Spreadsheet formulas and Markdown structure: exports and the handout must keep them text.
        #"=HYPERLINK("http://evil.example","詳細") | # 見出し"#,
        "@SUM(1+1)\n### 二行目\r三行目 | 列",
    ]

    /// Every string field of every JSON body the admin may send, in turn: stored and echoed as
    /// sent (text is NFC-normalized, so the samples are NFC already; CR becomes LF), or refused with a 4xx that
    /// changes nothing. A NUL character, which PostgreSQL text cannot hold, is always a 4xx.
    @Test func textFieldsKeepMetacharactersJapaneseAndEmojiOrRefuseCleanly() async throws {
        try await withApp { client, env in
            let table = buildRouteTable(AppDependencies(pool: env.pool))
            var stored = 0, refused = 0
            for endpoint in table.endpoints {
                guard let probe = Probes.probes[endpoint.operationID], let makeBody = probe.body,
                    let allowed = probe.expected[.admin], (200..<300).contains(allowed.code)
                else { continue }
                let body = try makeBody(env, .admin)
                guard body.contentType == "application/json",
                    let object = try JSONSerialization.jsonObject(with: Data(body.bytes.readableBytesView)) as? [String: Any]
                else { continue }
                for key in object.keys.sorted() where object[key] is String {
                    for text in Self.nasty + ["nul\u{0}inside"] {
                        var changed = object
                        changed[key] =
                            key.hasSuffix("email")
                            ? "x\(stored)@example.jp" : text + (key == "name" || key == "title" ? " \(UUID().uuidString.prefix(8))" : "")
                        let path = try await probe.path(env, .admin)
                        var headers = env.headers(.admin)
                        headers[.contentType] = "application/json"
                        if probe.ifMatch { headers[.ifMatch] = try await Probes.etag(client, path, env) }
                        let before = try await Self.digest(env.pool)
                        let sentText = changed[key] as! String
                        let (status, answer) = try await client.execute(
                            uri: path, method: endpoint.method, headers: headers,
                            body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: changed))
                        ) { ($0.status, $0.text) }
                        #expect(status.code < 500, "\(endpoint.operationID).\(key): \(status.code) \(answer.prefix(200))")
                        if (200..<300).contains(status.code) {
                            #expect(!sentText.contains("\u{0}"), "\(endpoint.operationID).\(key) accepted a NUL")
                            if !key.hasSuffix("email") {
                                // Kept as typed (①, 髙 and emoji included); only line endings become LF.
                                let echoed = Self.strings(in: answer)
                                #expect(
                                    echoed.contains(JapaneseText.typedTrimmed(sentText)),
                                    "\(endpoint.operationID).\(key) did not echo \(sentText): \(answer.prefix(300))")
                            }
                            stored += 1
                        } else {
                            #expect(answer.contains("\"status\""), "\(endpoint.operationID).\(key) answered without a problem")
                            #expect(try await Self.digest(env.pool) == before, "\(endpoint.operationID).\(key) refused but changed the database")
                            refused += 1
                        }
                    }
                }
            }
            #expect(stored >= 20 && refused >= 10, "stored \(stored), refused \(refused)")
            try await Self.expectExportsKeepTextAsText(client, env)
        }
    }

    /// After the sweep has stored formula-like and multi-line text wherever it was accepted: no
    /// exported CSV cell starts a formula, and every handout keeps the text out of its structure.
    static func expectExportsKeepTextAsText(_ client: any TestClientProtocol, _ env: TestEnvironment) async throws {
        var paths = ["/v1/issues/export", "/v1/adoptions/export", "/v1/development-status/export"]
        let meetings = try await env.send(client, .get, "/v1/meetings", as: .admin).json.items.compactMap { $0["id"] as? Int }
        #expect(!meetings.isEmpty)
        paths += meetings.map { "/v1/meetings/\($0)/export" }
        var exported: [String: Int] = [:]
        for path in paths {
            let response = try await env.send(client, .get, path, as: .admin)
            #expect(response.status == .ok, "\(path)")
            let records = try CSVReader.records(in: String(response.text.drop { $0 == "\u{FEFF}" }))
            exported[path.hasPrefix("/v1/meetings") ? "meetings" : path, default: 0] += records.count - 1
            for cell in records.flatMap(\.fields) {
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(cell.unicodeScalars.first.map(Character.init)), "\(path): \(cell)")
            }
        }
        #expect(exported.count == 4 && exported.values.allSatisfy { $0 > 0 }, "exports without rows: \(exported)")
        for id in meetings {
            let handout = try await env.send(client, .get, "/v1/meetings/\(id)/handout", as: .admin).text
            #expect(!handout.replacingOccurrences(of: "\\<", with: "").contains("<"), "handout \(id): \(handout)")
            let headings = handout.split(separator: "\n").filter { $0.hasPrefix("#") }.map { $0.split(separator: " ")[0] }
            #expect(Set(headings).isSubset(of: ["#", "##", "###"]) && headings.filter { $0 == "#" }.count == 1, "handout \(id): \(handout)")
        }
    }

    /// Every string anywhere in a JSON answer.
    static func strings(in json: String) -> Set<String> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) else { return [] }
        var found: Set<String> = []
        func walk(_ value: Any) {
            switch value {
            case let text as String: found.insert(text)
            case let array as [Any]: array.forEach(walk)
            case let dictionary as [String: Any]: dictionary.values.forEach(walk)
            default: break
            }
        }
        walk(object)
        return found
    }
}
