import CouncilDatabase
import Foundation

/// An issue as a row of the pages' issue tables (課題一覧, the dashboard's lists) shows it: read by
/// `IssueSearch.summaries` with the same filters and visibility as a page of whole issues.
struct IssueSummary: Codable, Sendable, Equatable {
    let number: Int
    let title: String
    let category: IssueCategory
    let severity: IssueSeverity
    let state: IssueState
    /// The vendors' ids, in order (as `Issue.vendors`). Pages name them from the organizations'
    /// kept names (`OrganizationStore.names(including:known:)`): joining `organizations` for each row was a
    /// seventh of the 課題一覧's statement, planning included.
    let vendorIDs: [Int]
    let updatedAt: Date

    static let columns: SQL = """
        i.number, i.title, i.category, i.severity, i.state, i.updated_at,
        ARRAY(SELECT v.vendor_id FROM issue_vendors v WHERE v.issue_number = i.number ORDER BY v.vendor_id) AS vendor_ids
        """
}

extension IssueSummary {
    init(_ row: Row) throws {
        number = try row.decode("number")
        title = try row.decode("title")
        category = try row.decode("category")
        severity = try row.decode("severity")
        state = try row.decode("state")
        vendorIDs = try row.decode("vendor_ids")
        updatedAt = try row.decode("updated_at")
    }
}
