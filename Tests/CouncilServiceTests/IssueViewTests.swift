import Foundation
import Testing

@testable import CouncilService

/// The issue page's one-connection read (`IssueStore.view`) returns what each store's own read
/// returns, for every caller, and nothing for a caller who may not see the issue.
@Suite struct IssueViewTests {
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func theViewIsWhatEachStoreReads() async throws {
        try await withApp { _, env in
            let admin = try await env.principal(.admin)
            let issue = try await env.issue("帳票の移行")
            let hidden = try await env.issue("他社の非公開の課題", by: .vendorB, visibility: .restricted)
            let related = try await env.issue("関連する課題", by: .vendorB)
            let relations = IssueRelationStore(pool: env.pool)
            _ = try await relations.add(issue.number, .relates, hidden.number, by: admin, .system)
            _ = try await relations.add(related.number, .blocks, issue.number, by: admin, .system)
            _ = try await env.comment(on: issue.number, by: .vendorA, "一件目")
            _ = try await env.comment(on: issue.number, by: .admin, "二件目")
            let vendorB = try await env.principal(.vendorB)
            _ = try await IssueWatcherStore(pool: env.pool).add(issue.number, .account, vendorB.accountID, by: vendorB, .system)
            let store = IssueStore(pool: env.pool)
            for caller in [TestIdentities.Caller.vendorA, .vendorB, .admin, .observer] {
                let principal = try await env.principal(caller)
                let view = try await store.view(issue.number, limit: 1, for: principal)
                #expect(try Self.json(view.issue) == Self.json(try await store.issue(issue.number, for: principal)), "\(caller)")
                #expect(
                    try Self.json(view.comments)
                        == Self.json(try await IssueCommentStore(pool: env.pool).comments(issue.number, after: nil, limit: 1, for: principal)))
                #expect(
                    try Self.json(view.events)
                        == Self.json(try await IssueEvents(pool: env.pool).events(issue.number, after: nil, limit: 1, for: principal)))
                #expect(try Self.json(view.transitions) == Self.json(try await store.transitions(issue.number, for: principal)), "\(caller)")
                #expect(try Self.json(view.relations) == Self.json(try await relations.relations(issue.number, for: principal)), "\(caller)")
                #expect(
                    try Self.json(view.watchers) == Self.json(try await IssueWatcherStore(pool: env.pool).watchers(issue.number, for: principal)))
                // The parts were read (not two equally empty answers).
                #expect(view.comments.total == 2 && view.comments.items.count == 1 && view.watchers.count == 1)
                // The restricted related issue shows only to those who see it.
                #expect(view.relations.contains { $0.issue == hidden.number } == [.vendorB, .admin].contains(caller), "\(caller)")
            }
            // A caller who may not see the issue gets the same 404 as for no issue at all.
            let observer = try await env.principal(.observer)
            await #expect(throws: Problem.self) { try await store.view(hidden.number, limit: 10, for: observer) }
            await #expect(throws: Problem.self) { try await store.view(999_999, limit: 10, for: admin) }
        }
    }
}
