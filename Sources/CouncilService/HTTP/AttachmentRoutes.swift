import Foundation
import HTTPTypes
import Hummingbird

/// Files on issues: the body of the upload is the file itself (any Content-Type; the type is
/// sniffed), its name in `?filename=`. Downloads stream the stored chunks and are always served as
/// attachments that the browser may not sniff.
struct AttachmentRoutes: Sendable {
    let store: AttachmentStore
    /// The largest file accepted (`COUNCIL_MAX_ATTACHMENT_MB`, 20 MB by default).
    let maxSize: Int

    static let defaultMaxSize = 20_000_000

    func upload(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let parameters = try QueryParameters(request, allowed: ["filename", "comment_id"])
        guard let filename = try parameters.string("filename") else {
            throw Problem.invalid("filename", Reason("is required (?filename=…)", ja: "必須です（?filename=…）"))
        }
        let name = try Attachment.validFilename(filename)
        let commentID = try parameters.id("comment_id")
        try await store.requireMayAttach(number, by: try context.caller())
        // With an Idempotency-Key the body is on disk already (hashed on its way).
        let upload: SpooledUpload
        if let spooled = context.spooledUpload {
            upload = spooled
        } else {
            upload = try await SpooledUpload.read(request.body, limit: maxSize)
        }
        guard upload.size > 0 else { throw Problem.invalid("body", SheetReason.emptyFile) }
        let attachment = try await store.add(
            number, commentID: commentID, filename: name, upload: upload, by: try context.caller(), try context.auditActor())
        var response = try Response.json(attachment, status: .created)
        response.headers[.location] = "/v1/issues/\(number)/attachments/\(attachment.id)"
        return response
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(Items(items: try await store.list(try context.id("number"), for: try context.caller())))
    }

    func download(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let (attachment, chunks) = try await store.find(try context.id("number"), id: try context.id("id"), for: try context.caller())
        let store = self.store
        let body = ResponseBody(contentLength: attachment.size) { writer in
            for index in 0..<chunks {
                try await writer.write(ByteBuffer(bytes: try await store.chunk(sha256: attachment.sha256, index: index)))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: attachment.contentType, .contentDisposition: Self.disposition(attachment.filename),
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                // Even a file a browser were made to open shows as inert text in a sandbox.
                .contentSecurityPolicy: "sandbox; default-src 'none'",
                .eTag: "\"\(attachment.sha256)\"", .cacheControl: "private, no-cache",
            ],
            body: body)
    }

    /// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII name for old clients, the real
    /// (Japanese) one per RFC 6266 for the rest; quotes and control characters never reach a header.
    static func disposition(_ filename: String) -> String {
        let ascii = String(filename.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(0x80)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
