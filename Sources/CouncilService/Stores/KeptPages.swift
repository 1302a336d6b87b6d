import NIOConcurrencyHelpers

/// The versions a page of issue rows is exact at, read in one snapshot: the change version
/// (`change_counters`, as `ViewCache` reads it), which moves with what decides a list's matches
/// and total, and the issue-edit version (`issue_edit_counters`, sql/0036), which moves with
/// every other change of an issue row: its title, its update time, so its place in the order.
struct RowsVersion: Sendable, Hashable {
    let changes: Int64
    let edits: Int64
}

/// Pages of issue rows (`IssueSearch.summaries`: the 課題一覧, the dashboard's lists) kept at
/// the versions they were read at. A page whose caller read those same versions with its
/// session (`WebSession`) is served without a connection: nothing it shows can have changed
/// without moving one of them. Only lists whose matches follow the counters are kept
/// (`IssueSearch.totalFollowsCounters`): words, labels, dates and watchers change uncounted.
/// One per `IssueSearch`, in each daemon.
final class KeptPages: Sendable {
    /// Kept in a `ViewCache` under the change version (which also decides what it evicts), with
    /// the issue-edit version beside the page.
    private struct Kept: Sendable {
        let edits: Int64
        let page: CursorPage<IssueSummary>
    }

    private let cache: ViewCache
    private let served = NIOLockedValueBox(0)

    /// A page is at most 51 short rows; 512 of them are a few megabytes.
    init(capacity: Int = 512) {
        cache = ViewCache(capacity: capacity)
    }

    /// What identifies a page: its list (`IssueSearch.totalKey`), order, cursor and length.
    static func key(_ list: String, sort: IssueSort, after cursor: IssueCursor?, limit: Int) -> String {
        "\(list)\u{2}\(sort.rawValue)\u{2}\(cursor?.token ?? "")\u{2}\(limit)"
    }

    /// The page kept under `key` when it was read at `version`.
    func page(_ key: String, at version: RowsVersion) -> CursorPage<IssueSummary>? {
        guard let kept = cache.lookup(key, version: version.changes, as: Kept.self), kept.edits == version.edits else { return nil }
        served.withLockedValue { $0 += 1 }
        return kept.page
    }

    /// How many pages were served kept (the tests see the kept path taken).
    var servedCount: Int { served.withLockedValue { $0 } }

    func store(_ key: String, at version: RowsVersion, _ page: CursorPage<IssueSummary>) {
        cache.store(key, version: version.changes, Kept(edits: version.edits, page: page))
    }
}
