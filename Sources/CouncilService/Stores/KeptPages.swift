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
    private struct Entry {
        let version: RowsVersion
        let page: CursorPage<IssueSummary>
    }

    private let entries = NIOLockedValueBox([String: Entry]())
    private let served = NIOLockedValueBox(0)
    private let capacity: Int

    /// A page is at most 51 short rows; 512 of them are a few megabytes.
    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// What identifies a page: its list (`IssueSearch.totalKey`), order, cursor and length.
    static func key(_ list: String, sort: IssueSort, after cursor: IssueCursor?, limit: Int) -> String {
        "\(list)\u{2}\(sort.rawValue)\u{2}\(cursor?.token ?? "")\u{2}\(limit)"
    }

    /// The page kept under `key` when it was read at `version`.
    func page(_ key: String, at version: RowsVersion) -> CursorPage<IssueSummary>? {
        let page = entries.withLockedValue { entries -> CursorPage<IssueSummary>? in
            guard let entry = entries[key], entry.version == version else { return nil }
            return entry.page
        }
        if page != nil { served.withLockedValue { $0 += 1 } }
        return page
    }

    /// How many pages were served kept (the tests see the kept path taken).
    var servedCount: Int { served.withLockedValue { $0 } }

    func store(_ key: String, at version: RowsVersion, _ page: CursorPage<IssueSummary>) {
        entries.withLockedValue { entries in
            if entries[key] == nil, entries.count >= capacity {
                // Pages of other versions go first: once either version has moved past them they
                // serve nobody again.
                entries = entries.filter { $0.value.version == version }
                if entries.count >= capacity { entries.removeAll() }
            }
            // A slower request must not put back a page older than the one kept.
            if let kept = entries[key], kept.version.changes > version.changes || kept.version.edits > version.edits { return }
            entries[key] = Entry(version: version, page: page)
        }
    }
}
