import Hummingbird

/// Resolves `Authorization: Bearer <token>` to the caller. No header: anonymous (routes that
/// need a caller answer 401). A header that is malformed, or a token that is unknown, expired or
/// revoked: 401 at once, on every route, so a broken client finds out immediately.
/// An endpoint marked `authenticatesInItsRead` gets the token unresolved and checks it in the
/// statement that reads its answer: the same check, in one round trip instead of two.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CouncilRequestContext
    let tokens: TokenStore
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem.invalidToken }
        let secret = parts[1].trimmingHTTPWhitespace
        var context = context
        // The full table decides, so a literal route (`/v1/issues/export`) is never taken for a parameter.
        if let endpoint = routes.endpoint(request.method, request.uri.path), endpoint.options.contains(.authenticatesInItsRead) {
            guard TokenSecret.looksValid(secret) else { throw Problem.invalidToken }
            context.pendingBearer = (secret, endpoint.access)
            return try await next(request, context)
        }
        guard let principal = try await tokens.principal(for: secret) else { throw Problem.invalidToken }
        context.principal = principal
        context.logger[metadataKey: "council.account"] = .stringConvertible(principal.accountID)
        return try await next(request, context)
    }
}

extension CouncilRequestContext {
    /// For an `authenticatesInItsRead` endpoint: `read` checks the pending token (nil when it is
    /// unknown, expired or revoked: 401) and reads the answer in one statement; the endpoint's
    /// access is then enforced as the route check would have. Without a pending token (no
    /// header, or a method the option does not cover) the caller is the one already resolved.
    func authenticatedRead<Answer>(
        _ read: (String) async throws -> (Principal, Answer)?, otherwise: (Principal) async throws -> Answer
    ) async throws -> Answer {
        guard let (secret, access) = pendingBearer else { return try await otherwise(try caller()) }
        guard let (principal, answer) = try await read(secret) else { throw Problem.invalidToken }
        try Policy.authorize(access, principal)
        return answer
    }

    /// The caller of a route whose access is not public (the route check has already run).
    func caller() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated }
        return principal
    }

    func auditActor() throws -> AuditActor {
        AuditActor(try caller(), requestID: ownRequestID, clientRequestID: clientRequestID)
    }

    /// A numeric path parameter, or 400 naming it.
    func id(_ name: String) throws -> Int {
        let text = parameters.get(name) ?? ""
        guard let value = Int(text), value > 0, value <= Int(Int32.max) * 1000 else {
            throw Problem.invalid(name, RequestReason.notAnID(text))
        }
        return value
    }
}
