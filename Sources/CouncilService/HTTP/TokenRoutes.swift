import Foundation
import Hummingbird

/// API tokens of an account: your own, or those of accounts you manage.
struct TokenRoutes: Sendable {
    let tokens: TokenStore
    let accounts: AccountRoutes

    struct NewToken: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, expiresAt }
        let name: String
        let expiresAt: Date?
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let account = try await accounts.visibleAccount(context)
        try Policy.requireManageTokens(of: account, try context.caller())
        return try .json(Items(items: try await tokens.tokens(of: account.id)))
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let account = try await accounts.visibleAccount(context)
        try Policy.requireManageTokens(of: account, try context.caller())
        let body = try await request.decodeJSON(NewToken.self, context: context)
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        try Problem.requireLine("name", name, max: 100)
        if let expiry = body.expiresAt, expiry <= Date() { throw Problem.invalid("expires_at", Reason.mustBeInTheFuture) }
        guard account.active else { throw Problem.invalid("id", Reason("the account is inactive", ja: "アカウントが停止しています")) }
        let issued = try await tokens.issue(to: account.id, name: name, expiresAt: body.expiresAt, by: try context.auditActor())
        return try .json(issued, status: .created)
    }

    func revoke(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let id = try context.id("id")
        let principal = try context.caller()
        guard let (_, account) = try await tokens.token(id), Policy.canSee(account: account, principal) else {
            throw Problem.notFound(Reason.noToken(id))
        }
        try Policy.requireManageTokens(of: account, principal)
        guard let revoked = try await tokens.revoke(id, by: try context.auditActor()) else {
            throw Problem.notFound(Reason.noToken(id))
        }
        return try .json(revoked)
    }
}
