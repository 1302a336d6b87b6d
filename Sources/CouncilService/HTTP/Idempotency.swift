import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// `Idempotency-Key` on POST: the first request with a key runs and its (successful) answer is
/// kept; the same key with the same request replays that answer without doing anything again;
/// the same key with a different request is a 422. Failed requests keep nothing, so a
/// corrected retry with the same key runs normally.
struct Idempotency: Sendable {
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!
    let store: IdempotencyStore

    func handle(_ request: Request, _ context: CouncilRequestContext, next: Endpoint.Handler) async throws -> Response {
        guard let key = request.headers[Self.header], let principal = context.principal else { return try await next(request, context) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem.invalid("Idempotency-Key", "give 1 to 255 visible ASCII characters (a UUID is ideal)")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem(.contentTooLarge, slug: "too-large", title: "Body too large", detail: "the body is limited to 16 MiB")
        }
        request.body = .init(buffer: body)
        var hasher = SHA256()
        for part in [request.method.rawValue, request.uri.description, request.headers[.contentType] ?? ""] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        hasher.update(data: Self.canonical(body, contentType: request.headers[.contentType]))
        let hash = Data(hasher.finalize())

        switch try await store.claim(account: principal.accountID, key: key, requestHash: hash) {
        case .replay(let stored):
            var response = Response(status: .init(code: stored.status), body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
            if let contentType = stored.contentType { response.headers[.contentType] = contentType }
            if let location = stored.location { response.headers[.location] = location }
            response.headers[Self.replayedHeader] = "true"
            return response
        case .mismatch:
            throw Problem.unprocessable("Idempotency-Key", "was already used for a different request; use a new key for a new request")
        case .inProgress:
            var problem = Problem(.conflict, slug: "idempotency-in-progress", title: "Request in progress",
                                  detail: "the first request with this Idempotency-Key is still running; retry shortly",
                                  errors: [.init(field: "Idempotency-Key", detail: "in progress")])
            problem.headers[.retryAfter] = "1"
            throw problem
        case .claimed:
            let response: Response
            do {
                response = try await next(request, context)
            } catch {
                try? await store.release(account: principal.accountID, key: key)
                throw error
            }
            guard (200..<300).contains(response.status.code) else {
                try? await store.release(account: principal.accountID, key: key)
                return response
            }
            let collector = BodyCollector()
            try await response.body.write(collector)
            var replayable = response
            replayable.body = .init(byteBuffer: collector.buffer)
            do {
                try await store.complete(account: principal.accountID, key: key, response: .init(
                    status: Int(response.status.code), contentType: response.headers[.contentType],
                    location: response.headers[.location], body: Data(collector.buffer.readableBytesView)))
            } catch {
                // The change is made; only the replay copy is lost. The key frees itself later.
                context.logger.warning("could not keep the response for Idempotency-Key: \(error)")
            }
            return replayable
        }
    }
}

extension Idempotency {
    /// The body as compared between retries: JSON with its keys sorted, so a client that
    /// serializes the same object in another key order sends "the same body".
    static func canonical(_ body: ByteBuffer, contentType: String?) -> Data {
        let data = Data(body.readableBytesView)
        guard contentType?.lowercased().hasPrefix("application/json") == true,
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let canonical = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]) else {
            return data
        }
        return canonical
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
