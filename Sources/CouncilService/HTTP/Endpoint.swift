import Hummingbird

/// One operation of the API: what the routes table lists and the OpenAPI document describes.
package struct Endpoint: Sendable {
    package typealias Handler = @Sendable (Request, CouncilRequestContext) async throws -> Response

    package let method: HTTPRequest.Method
    /// The path in OpenAPI form: `/v1/municipalities/{code}`.
    package let path: String
    package let operationID: String
    package let access: Access
    let options: EndpointOptions
    let handler: Handler
    /// The body limit of an operation whose files have a configured size (attachments).
    private(set) var bodyLimit: Int?

    init(_ method: HTTPRequest.Method, _ path: String, _ operationID: String, _ access: Access, _ handler: @escaping Handler) {
        self.init(method, path, operationID, access, [], handler)
    }

    init(
        _ method: HTTPRequest.Method, _ path: String, _ operationID: String, _ access: Access, _ options: EndpointOptions,
        _ handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.operationID = operationID
        self.access = access
        self.options = options
        self.handler = handler
    }

    /// The largest body this operation reads; a larger one is refused before any of it is read.
    var maxBody: Int { bodyLimit ?? (options.contains(.upload) ? Self.maxUpload : Self.maxJSON) }

    /// This operation with its own body limit.
    func limitingBody(to limit: Int) -> Endpoint {
        var endpoint = self
        endpoint.bodyLimit = limit
        return endpoint
    }
    static let maxJSON = 1 << 20
    static let maxUpload = 16 << 20

    /// The same path in Hummingbird's form: `/v1/municipalities/:code`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
    }
}

/// What sets an operation apart from a plain JSON one.
struct EndpointOptions: OptionSet, Sendable {
    let rawValue: Int
    /// The body is an uploaded file (up to 16 MiB) rather than JSON (up to 1 MiB).
    static let upload = EndpointOptions(rawValue: 1)
    /// The answer carries a secret shown once: an `Idempotency-Key` keeps only a marker of it.
    static let secretResponse = EndpointOptions(rawValue: 2)
    /// The body is a file streamed to disk as it arrives (an attachment), never held in memory,
    /// an `Idempotency-Key`'s hash included.
    static let streamed = EndpointOptions(rawValue: 4)
    /// The handler checks the bearer token in the statement that reads its answer (one round
    /// trip instead of two): the middleware leaves `CouncilRequestContext.pendingBearer` for it.
    static let authenticatesInItsRead = EndpointOptions(rawValue: 8)
}
