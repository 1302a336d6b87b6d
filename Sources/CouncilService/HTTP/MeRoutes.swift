import Hummingbird

/// Who am I: my account, my organization, and what I may do.
struct MeRoutes: Sendable {
    let accounts: AccountStore
    let organizations: OrganizationStore

    struct Me: Encodable {
        let account: Account
        let organization: Organization
        let permissions: [String]
    }

    func me(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let principal = try context.caller()
        guard let account = try await accounts.account(principal.accountID),
            let organization = try await organizations.organization(principal.organizationID)
        else {
            throw Problem.invalidToken
        }
        return try .json(Me(account: account, organization: organization, permissions: Policy.capabilities(principal)))
    }
}
