import CouncilDatabase
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// `Idempotency-Key` on POST: the first request with a key runs and its (successful) answer is
/// kept; the same key with the same request replays that answer without doing anything again;
/// the same key with a different request is a 422. Failed requests keep nothing, so a
/// corrected retry with the same key runs normally.
///
/// "The same request" is the same method, URI, content type and body; a JSON body compares with
/// its keys sorted, since clients (Foundation's among them) may serialize one object in another
/// order on a retry. The body is read under the route's limit as it streams in, and JSON is
/// canonicalized only within the JSON limit (1 MiB) and depth bound. A replay passes the route's
/// policy again and is served only while the caller's rights are those of the first request;
/// an answer that carried a secret (a new token) is never stored, so its replay is a 409.
struct Idempotency: Sendable {
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!
    let store: IdempotencyStore

    func handle(_ request: Request, _ context: CouncilRequestContext, _ endpoint: Endpoint, next: Endpoint.Handler) async throws -> Response {
        guard let key = request.headers[Self.header], let principal = context.principal else { return try await next(request, context) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem.invalid(
                "Idempotency-Key",
                Reason("give 1 to 255 visible ASCII characters (a UUID is ideal)", ja: "表示できるASCII文字1〜255文字で指定してください（UUIDが最適です）"))
        }
        var request = request, context = context
        let (hash, spooled) = try await Self.hashBody(&request, limit: endpoint.maxBody, streamed: endpoint.options.contains(.streamed))
        context.spooledUpload = spooled
        let claim = IdempotencyStore.Identity(account: principal.accountID, key: key, rights: Self.rights(principal))
        let existing = try await store.lookup(claim, requestHash: hash)
        guard case .free = existing else { return try Self.answer(existing) }
        return try await run(request, context, claim, hash, secret: endpoint.options.contains(.secretResponse), next: next)
    }

    /// The answer for a key already taken.
    private static func answer(_ claim: IdempotencyStore.Claim) throws -> Response {
        switch claim {
        case .replay(let stored):
            var response = Response(status: .init(code: stored.status), body: .init(byteBuffer: ByteBuffer(bytes: stored.body ?? Data())))
            if let contentType = stored.contentType { response.headers[.contentType] = contentType }
            if let location = stored.location { response.headers[.location] = location }
            if let etag = stored.etag { response.headers[.eTag] = etag }
            response.headers[Self.replayedHeader] = "true"
            return response
        case .secretAlreadyShown:
            throw Problem(
                .idempotencySecretShown,
                Reason(
                    "the request with this Idempotency-Key succeeded and its secret was shown once; it is not shown again",
                    ja: "このIdempotency-Keyの要求は成功し、秘密は一度だけ表示しました。もう一度は表示しません"),
                errors: [.init(field: "Idempotency-Key", Reason.keyUsed)])
        case .rightsChanged:
            throw Problem(
                .idempotencyRightsChanged,
                Reason(
                    "your rights changed since the first request with this Idempotency-Key; its answer is not replayed",
                    ja: "このIdempotency-Keyの最初の要求の後にあなたの権限が変わりました。その応答は再送しません"),
                errors: [.init(field: "Idempotency-Key", Reason.keyUsed)])
        case .mismatch:
            throw Problem.unprocessable(
                "Idempotency-Key",
                Reason(
                    "was already used for a different request; use a new key for a new request",
                    ja: "別の要求に使われています。新しい要求には新しいキーを使ってください"))
        case .inProgress, .free:
            // `.free` here: the request that took the key a moment ago failed and let it go.
            var problem = Problem(
                .idempotencyInProgress,
                Reason(
                    "the first request with this Idempotency-Key is still running; retry shortly",
                    ja: "このIdempotency-Keyの最初の要求がまだ処理中です。少し待ってやり直してください"),
                errors: [.init(field: "Idempotency-Key", Reason("in progress", ja: "処理中"))])
            problem.headers[.retryAfter] = "1"
            throw problem
        }
    }

    /// Runs a request whose key was free, claiming it in the handler's own first transaction;
    /// keeps its answer (or, for a secret, only that it succeeded).
    private func run(
        _ request: Request, _ context: CouncilRequestContext, _ claim: IdempotencyStore.Identity, _ hash: Data, secret: Bool,
        next: Endpoint.Handler
    ) async throws -> Response {
        let response: Response
        let preamble = TransactionPreamble { try IdempotencyStore.claim(claim, requestHash: hash, on: $0) }
        do {
            response = try await TransactionPreamble.$current.withValue(preamble) { try await next(request, context) }
        } catch is IdempotencyStore.ClaimTaken {
            // A concurrent request with the key claimed it first; nothing of this one was kept.
            return try Self.answer(try await store.lookup(claim, requestHash: hash))
        } catch {
            try? await store.release(claim)
            throw error
        }
        guard (200..<300).contains(response.status.code) else {
            try? await store.release(claim)
            return response
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        var replayable = response
        replayable.body = .init(byteBuffer: collector.buffer)
        do {
            try await store.complete(
                claim, requestHash: hash,
                response: .init(
                    status: Int(response.status.code), contentType: response.headers[.contentType],
                    location: response.headers[.location], etag: response.headers[.eTag],
                    body: secret ? nil : Data(collector.buffer.readableBytesView)))
        } catch {
            // The change is made; only the replay copy is lost. The key frees itself later.
            context.logger.warning("could not keep the response for Idempotency-Key: \(error)")
        }
        return replayable
    }
}

extension Idempotency {
    /// Reads the body up to `limit` (stopping there), puts the bytes back for the handler, and
    /// hashes the request line with the body (a JSON body in canonical form).
    /// A `streamed` body (a file) goes to disk on its way, hashed as it passes; the spool is
    /// handed back for the handler.
    static func hashBody(_ request: inout Request, limit: Int, streamed: Bool = false) async throws -> (Data, SpooledUpload?) {
        var hasher = SHA256()
        for part in [request.method.rawValue, request.uri.description, request.headers[.contentType] ?? ""] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        if streamed {
            // A file goes to disk on its way to the handler, hashed as it passes.
            let spooled = try await SpooledUpload.read(request.body, limit: limit)
            request.body = spooled.body
            hasher.update(data: Data(spooled.sha256))
            return (Data(hasher.finalize()), spooled)
        }
        var body = ByteBuffer()
        for try await chunk in request.body {
            guard body.readableBytes + chunk.readableBytes <= limit else { throw Problem.tooLarge(limit) }
            var chunk = chunk
            body.writeBuffer(&chunk)
        }
        request.body = .init(buffer: body)
        hasher.update(data: try canonical(body, contentType: request.headers[.contentType]))
        return (Data(hasher.finalize()), nil)
    }

    /// The body as compared between retries: JSON (within the JSON limits) with its keys sorted.
    static func canonical(_ body: ByteBuffer, contentType: String?) throws -> Data {
        let data = Data(body.readableBytesView)
        guard contentType?.lowercased().hasPrefix("application/json") == true, body.readableBytes <= Request.maxJSONBody else { return data }
        try Request.requireBoundedDepth(body)
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let canonical = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        else {
            return data
        }
        return canonical
    }

    /// What the caller's rights were: a replay is served only while they are the same.
    static func rights(_ principal: Principal) -> String {
        [
            String(principal.organizationID), principal.organizationKind.rawValue, principal.role.rawValue, String(principal.orgAdmin),
            principal.prefectures.map(\.rawValue).joined(separator: ","),
        ].joined(separator: "|")
    }
}

/// Gathers a response body so it can be stored and sent.
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for buffer in buffers { try await write(buffer) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension Reason {
    static let keyUsed = Reason("already used", ja: "使用済み")
}
