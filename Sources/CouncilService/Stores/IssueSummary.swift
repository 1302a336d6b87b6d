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
    /// The vendors' names, in the order of their ids (as `Issue.vendors`).
    let vendorNames: [String]
    let updatedAt: Date

    static let columns: SQL = """
        i.number, i.title, i.category, i.severity, i.state, i.updated_at,
        ARRAY(SELECT o.name FROM issue_vendors v JOIN organizations o ON o.id = v.vendor_id
              WHERE v.issue_number = i.number ORDER BY o.id) AS vendor_names
        """
}

extension IssueSummary {
    init(_ row: Row) throws {
        number = try row.decode("number")
        title = try row.decode("title")
        category = try row.decode("category")
        severity = try row.decode("severity")
        state = try row.decode("state")
        vendorNames = try row.decode("vendor_names")
        updatedAt = try row.decode("updated_at")
    }
}
