import Foundation
import Hummingbird

/// 管理 — the audit log, newest first, with filters (who, which organization, what, when) and
/// paging. Secretariat administrators read all of it; an organization's administrators what
/// their own organization's people did.
struct AuditPages: Sendable {
    let audit: AuditStore
    let accounts: AccountStore
    let organizations: OrganizationStore

    static let pageSize = 100

    struct Model: Sendable, Encodable {
        let rows: [Row]
        let filter: Filter
        let nextPage: String?
        var errors: [String] = []
    }

    struct Row: Sendable, Encodable {
        let id: Int
        let at: String
        let actor: String
        let organization: String
        /// What was done, in the page's language; `code` is the slug the API and CLI filter on.
        let action: String
        let code: String
        let entity: String
        let changes: [String]
        let requestID: String?
    }

    struct Filter: Sendable, Encodable {
        let actor: String
        /// Every kind of subject the log records (`AuditEntity`), by its label.
        let entityTypes: SelectOptions
        let entityID: String
        /// Every action the log records (`AuditAction`), by its label.
        let actions: SelectOptions
        let since: String
        let until: String
        let organizations: [PageChoice]
    }

    func list(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let scope = try Policy.administeredOrganization(principal)
        let query = page.request.uri.queryParameters
        func text(_ name: String) -> String { query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) } ?? "" }
        var filter = AuditFilter()
        var errors: [String] = []
        func id(_ name: String) -> Int? {
            let value = text(name)
            guard !value.isEmpty else { return nil }
            guard let id = Int(value), id > 0 else {
                errors += page.reasons(Problem.invalid(name, RequestReason.notAnID(value)))
                return nil
            }
            return id
        }
        /// A day typed the way people write it; `until` includes that day.
        func day(_ name: String, endOfDay: Bool) -> Date? {
            let value = text(name)
            guard !value.isEmpty else { return nil }
            guard let date = CalendarDate(typed: value) else {
                errors += page.reasons(Problem.invalid(name, CalendarDate.whyInvalidTyped(value)))
                return nil
            }
            let end = PageFormat.endOfDayInJapan(date)
            return endOfDay ? end : end.addingTimeInterval(-86400)
        }
        filter.actorAccount = id("actor")
        filter.actorOrganization = scope ?? id("organization")
        filter.entityType = text("entity_type").isEmpty ? nil : text("entity_type")
        filter.entityID = text("entity_id").isEmpty ? nil : text("entity_id")
        filter.action = text("action").isEmpty ? nil : text("action")
        filter.since = day("since", endOfDay: false)
        filter.until = day("until", endOfDay: true)
        let before = id("before")
        let entries = errors.isEmpty ? try await audit.entries(filter, before: before, limit: Self.pageSize) : AuditPage(items: [], nextBefore: nil)

        let all = try await organizations.names(known: page.changeVersion)
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.name) })
        let people = try await accounts.displayNames(Array(Set(entries.items.compactMap(\.actorAccountID))))
        var next: String?
        if let nextBefore = entries.nextBefore {
            var items = URLComponents()
            items.queryItems =
                ["actor", "organization", "entity_type", "entity_id", "action", "since", "until"].compactMap { name in
                    text(name).isEmpty ? nil : URLQueryItem(name: name, value: text(name))
                } + [URLQueryItem(name: "before", value: String(nextBefore))]
            next = "/admin/audit?" + (items.percentEncodedQuery ?? "")
        }
        let model = Model(
            rows: entries.items.map { entry in
                Row(
                    id: entry.id, at: PageFormat.dateTime(entry.at, page.language),
                    actor: entry.actorAccountID.map { id in people[id].map { "\($0) (\(id))" } ?? String(id) } ?? page.word("audit_system"),
                    organization: entry.actorOrganizationID.flatMap { names[$0] } ?? "",
                    action: page.language.word(.auditAction, entry.action), code: entry.action,
                    entity: "\(page.language.word(.auditEntity, entry.entityType)) \(entry.entityID)", changes: Self.changes(entry.changes),
                    requestID: entry.requestID)
            },
            filter: Filter(
                actor: text("actor"), entityTypes: SelectOptions(.auditEntity, page.language, selected: [text("entity_type")], keepingUnknown: true),
                entityID: text("entity_id"), actions: SelectOptions(.auditAction, page.language, selected: [text("action")], keepingUnknown: true),
                since: text("since"),
                until: text("until"),
                organizations: scope == nil
                    ? all.map { PageChoice(value: String($0.id), label: $0.name, checked: String($0.id) == text("organization")) } : []),
            nextPage: next, errors: errors)
        return page.render("admin-audit", model, status: errors.isEmpty ? .ok : .badRequest)
    }

    /// `field: old → new`, each value cut short: the log page is for finding, the API has the rest.
    static func changes(_ changes: [String: FieldChange]) -> [String] {
        changes.keys.sorted().map { field in
            let change = changes[field]!
            func show(_ value: JSONValue?) -> String {
                guard let value else { return "—" }
                let text: String
                // Scalars are written here; a JSONEncoder for each number cost more than the row.
                switch value {
                case .string(let string): text = string
                case .null: text = "—"
                case .bool(let flag): text = flag ? "true" : "false"
                case .number(let number) where number == number.rounded() && abs(number) < 1e15: text = String(Int64(number))
                default: text = (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? ""
                }
                return text.count > 120 ? String(text.prefix(120)) + "…" : text
            }
            return "\(field): \(show(change.old)) → \(show(change.new))"
        }
    }
}
