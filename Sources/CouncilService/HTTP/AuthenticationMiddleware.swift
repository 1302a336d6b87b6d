import Hummingbird

/// Resolves `Authorization: Bearer <token>` to the caller. No header: anonymous (routes that
/// need a caller answer 401). A header that is malformed, or a token that is unknown, expired or
/// revoked: 401 at once, on every route, so a broken client finds out immediately.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CouncilRequestContext
    let tokens: TokenStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw Problem.invalidToken }
        guard let principal = try await tokens.principal(for: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw Problem.invalidToken
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "council.account"] = .stringConvertible(principal.accountID)
        return try await next(request, context)
    }
}

extension CouncilRequestContext {
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
            throw Problem.invalid(name, "'\(text)' is not an id")
        }
        return value
    }
}
