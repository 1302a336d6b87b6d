import CouncilDatabase

/// An issue with everything its page shows: read by `IssueStore.view` on one connection after
/// one visibility check (the issue's own read), where separate store calls took six leases and
/// checked the issue's visibility six times.
struct IssueView: Sendable {
    let issue: Issue
    let comments: CursorPage<IssueComment>
    let events: CursorPage<IssueEvent>
    let transitions: [IssueStore.TransitionOption]
    let relations: [IssueRelation]
    let watchers: [IssueWatcher]
}

extension IssueStore {
    /// The issue and what it carries, the first `limit` comments and events; 404 when the issue
    /// is missing or the caller may not see it. Each part is what its own store's read returns.
    func view(_ number: Int, limit: Int, for principal: Principal) async throws -> IssueView {
        try await pool.withConnection { connection in
            let issue = try Self.asSeen(try Self.fetch(number, on: connection), number, by: principal, on: connection)
            let scope = Policy.issueScope(principal)
            return IssueView(
                issue: issue,
                comments: try IssueCommentStore.comments(number, after: nil, limit: limit, on: connection),
                events: try IssueEvents.events(number, after: nil, limit: limit, scope: scope, on: connection),
                transitions: try Self.transitions(number, issue.accessFacts, for: principal, on: connection),
                relations: try IssueRelationStore.visibleRelations(number, scope, on: connection),
                watchers: try IssueWatcherStore.watchers(number, on: connection))
        }
    }
}
