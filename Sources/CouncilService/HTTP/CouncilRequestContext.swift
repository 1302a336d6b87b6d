import Foundation
import Hummingbird

/// The per-request context: Hummingbird's core storage plus the request id.
package struct CouncilRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-Id` when well-formed, otherwise our own id; in every log line and
    /// answer, so a client can find its request.
    package var requestID: String = ""
    /// Our own id of the request, whatever the client sent (the audit log's `request_id`).
    package var ownRequestID: String = ""
    /// The client's well-formed `X-Request-Id`, kept as the client's word.
    package var clientRequestID: String?
    /// The authenticated caller; nil for anonymous requests.
    package var principal: Principal?
    /// The bearer token of a request to an endpoint that checks it in its own read
    /// (`EndpointOptions.authenticatesInItsRead`), with the access that endpoint requires.
    var pendingBearer: (secret: String, access: Access)?
    /// A streamed body already spooled to disk (by `Idempotency`, which hashes it), so the
    /// handler takes that file rather than copying the body a second time.
    var spooledUpload: SpooledUpload?
    /// The peer's IP address (sign-in throttling counts failures per address).
    package var remoteAddress: String?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Uploads (CSV imports) are the largest bodies; JSON bodies are far below this.
    package var maxUploadSize: Int { Endpoint.maxUpload }

    package var requestDecoder: JSONDecoder { JSONCoding.decoder }
    package var responseEncoder: JSONEncoder { JSONCoding.encoder }
}

/// The API's JSON conventions: snake_case keys, ISO 8601 dates, stable key order. Responses
/// are written by `APIJSONEncoder`, which produces the same bytes as `encoder`, faster.
enum JSONCoding {
    static let fast = APIJSONEncoder()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = KeyCase.encoding
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = KeyCase.decoding
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension Response {
    /// A JSON response in the API's conventions.
    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        json(encoded: ByteBuffer(bytes: try JSONCoding.fast.encode(value)), status: status)
    }

    /// A JSON response from bytes already encoded (cached views, cached municipalities).
    static func json(encoded body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
