import NIOConcurrencyHelpers

/// Totals of issue lists, each kept with the change version (`change_counters`, as `ViewCache`
/// reads it) of the snapshot it was counted in. A list whose matches only counted changes can
/// move (`IssueSearch.totalFollowsCounters`) has the same total in every snapshot with the same
/// version, so its page is read with the version alone and the kept total serves while they
/// agree: the dashboard's "reported by us" counted 5,497 index entries on every visit
/// (bench/RESULTS.md). One per `IssueSearch`, in each daemon.
final class ListTotals: Sendable {
    struct Total: Sendable, Equatable {
        let version: Int64
        let total: Int
    }

    private let entries = NIOLockedValueBox([String: Total]())
    private let served = NIOLockedValueBox(0)
    private let vain = NIOLockedValueBox(0)
    private let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The total last counted under `key`, with its version.
    func latest(_ key: String) -> Total? {
        entries.withLockedValue { $0[key] }
    }

    /// Notes that a kept total answered a page (the tests see the kept path taken).
    func noteServed() {
        served.withLockedValue { $0 += 1 }
    }

    /// How many pages a kept total answered.
    var servedCount: Int { served.withLockedValue { $0 } }

    /// Notes a page read for a kept total that its snapshot's version had left behind, so read
    /// again with a count (the tests see how often a page is read twice).
    func noteReadInVain() {
        vain.withLockedValue { $0 += 1 }
    }

    /// How many pages were read in vain for a kept total.
    var readInVainCount: Int { vain.withLockedValue { $0 } }

    func store(_ key: String, _ total: Total) {
        entries.withLockedValue { entries in
            if entries[key] == nil, entries.count >= capacity {
                // Totals of older versions go first: versions only grow, so they serve nobody again.
                entries = entries.filter { $0.value.version == total.version }
                if entries.count >= capacity { entries.removeAll() }
            }
            // A slower request must not put back a total older than the one kept.
            if let kept = entries[key], kept.version > total.version { return }
            entries[key] = total
        }
    }
}
