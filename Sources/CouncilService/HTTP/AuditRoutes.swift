import CouncilDatabase
import Foundation
import Hummingbird

/// The audit log, newest first, for the secretariat.
struct AuditRoutes: Sendable {
    let store: AuditStore

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(
            request,
            allowed: [
                "actor", "organization", "entity_type", "entity_id", "action", "since", "until", "before", "limit",
            ])
        func id(_ name: String) throws -> Int? {
            guard let text = try parameters.string(name) else { return nil }
            guard let value = Int(text), value > 0 else { throw Problem.invalid(name, RequestReason.notAnID(text)) }
            return value
        }
        func time(_ name: String) throws -> Date? {
            guard let text = try parameters.string(name) else { return nil }
            guard let date = PostgresDateFormat.parseISO8601(text) else {
                throw Problem.invalid(
                    name,
                    Reason(
                        "'\(text)' is not an ISO 8601 time such as 2026-04-01T00:00:00Z or 2026-04-01",
                        ja: "「\(text)」はISO 8601の日時（2026-04-01T00:00:00Z、2026-04-01 など）ではありません"))
            }
            return date
        }
        var filter = AuditFilter()
        filter.actorAccount = try id("actor")
        filter.actorOrganization = try id("organization")
        filter.entityType = try parameters.string("entity_type")
        filter.entityID = try parameters.string("entity_id")
        filter.action = try parameters.string("action")
        filter.since = try time("since")
        filter.until = try time("until")
        let limit = try parameters.int("limit", default: 100, range: 1...Page.maxLimit)
        return try .json(try await store.entries(filter, before: try id("before"), limit: limit))
    }
}
