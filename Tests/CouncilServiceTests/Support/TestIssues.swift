import CouncilDatabase
import Foundation
import Hummingbird
import NIOCore

@testable import CouncilService

extension TestEnvironment {
    /// The caller as the policy sees them.
    func principal(_ caller: TestIdentities.Caller) async throws -> Principal {
        try await TokenStore(pool: pool).principal(for: ids.identity(caller).secret)!
    }

    /// The versions committed now, as a session reads them (`WebSession.rowsVersion`).
    func rowsVersion() async throws -> RowsVersion {
        try await pool.withConnection { connection in
            let row = try connection.query(
                Query(
                    "test.rowsVersion",
                    """
                    SELECT (SELECT sum(value) FROM change_counters)::bigint AS changes,
                           (SELECT sum(value) FROM issue_edit_counters)::bigint AS edits
                    """)
            ).single()
            return RowsVersion(changes: try row.decode("changes"), edits: try row.decode("edits"))
        }
    }

    /// Files an issue straight through the store (no HTTP), as `reporter`.
    @discardableResult
    func issue(
        _ title: String = "帳票レイアウト変更への対応", by reporter: TestIdentities.Caller = .vendorA,
        visibility: IssueVisibility = .council, assignee: Int? = nil, body: String = "",
        municipalities: [IssueMunicipality] = [], severity: IssueSeverity = .medium, labels: [String] = [],
        businessAreas: [BusinessArea] = [.juki], vendors: [Int]? = nil
    ) async throws -> Issue {
        let principal = try await principal(reporter)
        let draft = IssueDraft(
            title: title, body: body, category: .spec, severity: severity, visibility: visibility,
            vendorIDs: vendors ?? (principal.organizationKind == .vendor ? [principal.organizationID] : []),
            businessAreas: businessAreas, municipalities: municipalities, assigneeID: assignee, dueDate: nil,
            labels: labels)
        return try await IssueStore(pool: pool).create(draft, by: principal, AuditActor(principal, requestID: "fixture"))
    }

    /// A restricted issue of vendor A assigned to the observer: vendor B must not see it.
    func restrictedIssue() async throws -> Issue {
        try await issue("限定公開の課題", visibility: .restricted, assignee: ids.observer.id)
    }

    /// Attaches bytes to an issue straight through the store, as `caller`.
    func attachment(on number: Int, by caller: TestIdentities.Caller, _ filename: String, _ bytes: [UInt8]) async throws -> Attachment {
        let principal = try await principal(caller)
        let upload = try await SpooledUpload.read(RequestBody(buffer: ByteBuffer(bytes: bytes)), limit: 1 << 30)
        return try await AttachmentStore(pool: pool).add(
            number, commentID: nil, filename: filename, upload: upload, by: principal, AuditActor(principal, requestID: "fixture"))
    }

    func comment(on number: Int, by caller: TestIdentities.Caller, _ body: String = "コメント") async throws -> IssueComment {
        let principal = try await principal(caller)
        return try await IssueCommentStore(pool: pool).add(number, body: body, by: principal, AuditActor(principal, requestID: "fixture")).comment
    }
}
