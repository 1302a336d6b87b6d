import Hummingbird

/// `/v1/me/notifications`: how the caller wants to be told (mail per change, a daily digest, none).
struct MailPreferenceRoutes: Sendable {
    let store: MailPreferenceStore

    struct Change: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case mail }
        let mail: MailQueue.Mode
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(try await store.preference(of: try context.caller().accountID))
    }

    func put(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let change = try await request.decodeJSON(Change.self, context: context)
        return try .json(try await store.set(change.mail, for: try context.caller().accountID, by: try context.auditActor()))
    }
}
