import CouncilDatabase
import Foundation

/// Files on issues. Bytes are written once per SHA-256 in 1 MiB chunks (a second upload of the
/// same file adds only its attachment row); every read goes through the issue's visibility, so
/// an attachment is seen exactly by those who see its issue.
struct AttachmentStore: Sendable {
    let pool: DatabasePool

    /// Refuses at once (before a large body is read) a caller who may not attach to the issue.
    func requireMayAttach(_ number: Int, by principal: Principal) async throws {
        try await pool.withConnection { connection in
            try Policy.requireParticipant(try IssueStore.visibleFacts(number, principal, on: connection), principal)
        }
    }

    /// Attaches a spooled upload to issue `number` (and to one of its comments): the caller must
    /// take part in the issue, as for commenting. One transaction: blob, chunks, row, event, audit.
    func add(
        _ number: Int, commentID: Int?, filename: String, upload: SpooledUpload, by principal: Principal, _ actor: AuditActor
    ) async throws -> Attachment {
        let name = try Attachment.validFilename(filename)
        let contentType = ContentSniffer.contentType(head: upload.head, filename: name)
        return try await pool.withTransaction { connection in
            try Policy.requireParticipant(try IssueStore.visibleFacts(number, principal, on: connection), principal)
            if let commentID {
                guard let comment = try IssueCommentStore.fetch(commentID, on: connection), comment.issueNumber == number else {
                    throw Problem.notFound(Reason.noComment(commentID, onIssue: number))
                }
            }
            let sha = Bytea(upload.sha256)
            try Self.storeBlob(sha, upload: upload, contentType: contentType, on: connection)
            let id: Int = try connection.query(
                Query(
                    "attachments.insert",
                    """
                    INSERT INTO attachments (issue_number, comment_id, sha256, filename, uploader_account_id, uploader_organization_id)
                    VALUES (\(number), \(commentID), \(sha), \(name), \(principal.accountID), \(principal.organizationID))
                    RETURNING id
                    """)
            ).single().decode("id")
            let attachment = try Self.fetch(id, on: connection)!
            try IssueEvents.record(connection, number, actor, kind: "attachment_added", field: "attachments", old: nil, new: .number(Double(id)))
            try AuditStore.record(
                connection, actor, action: .issueAttachmentCreate, entityType: .attachment, entityID: id,
                before: nil, after: try JSONValue.fields(of: attachment))
            return attachment
        }
    }

    /// Writes the blob unless a file with the same SHA-256 is stored already (then the upload's
    /// bytes are not written again). A concurrent upload of the same file waits on the conflict.
    private static func storeBlob(_ sha: Bytea, upload: SpooledUpload, contentType: String, on connection: Connection) throws {
        let chunkCount = (upload.size + SpooledUpload.chunkSize - 1) / SpooledUpload.chunkSize
        let created =
            try connection.query(
                Query(
                    "attachments.insertBlob",
                    """
                    INSERT INTO attachment_blobs (sha256, size, content_type, chunks)
                    VALUES (\(sha), \(upload.size), \(contentType), \(chunkCount))
                    ON CONFLICT (sha256) DO NOTHING RETURNING size
                    """)
            ).first != nil
        guard created else { return }
        let reader = try upload.chunks()
        var index = 0
        while let chunk = try reader.next() {
            // Base64 on the wire: Foundation's codec is fast, and a third shorter than hex.
            let text = Data(chunk).base64EncodedString()
            try connection.query(
                Query(
                    "attachments.insertChunk",
                    "INSERT INTO attachment_chunks (sha256, index, data) VALUES (\(sha), \(index), decode(\(text), 'base64'))"))
            index += 1
        }
    }

    func list(_ number: Int, for principal: Principal) async throws -> [Attachment] {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            return try connection.query(
                Query("attachments.list", "SELECT \(Self.columns) FROM attachments a \(Self.joins) WHERE a.issue_number = \(number) ORDER BY a.id")
            ).rows.map(Self.attachment)
        }
    }

    /// The attachment and how many chunks its bytes are in, when the caller sees its issue.
    func find(_ number: Int, id: Int, for principal: Principal) async throws -> (Attachment, chunks: Int) {
        try await pool.withConnection { connection in
            _ = try IssueStore.visibleFacts(number, principal, on: connection)
            guard
                let row = try connection.query(
                    Query(
                        "attachments.find",
                        "SELECT \(Self.columns), b.chunks FROM attachments a \(Self.joins) WHERE a.id = \(id) AND a.issue_number = \(number)")
                ).first
            else { throw Problem.notFound(Reason("no attachment \(id) on issue #\(number)", ja: "課題#\(number)に添付ファイル\(id)はありません")) }
            return (try Self.attachment(row), try row.decode("chunks"))
        }
    }

    /// One chunk of a blob (the caller found its attachment through `find`).
    func chunk(sha256 hex: String, index: Int) async throws -> [UInt8] {
        return try await pool.withConnection { connection in
            guard
                let row = try connection.query(
                    Query(
                        "attachments.chunk",
                        "SELECT encode(data, 'base64') AS data FROM attachment_chunks WHERE sha256 = decode(\(hex), 'hex') AND index = \(index)")
                ).first,
                let bytes = Data(base64Encoded: try row.decode("data", as: String.self), options: .ignoreUnknownCharacters)
            else { throw Problem(.internal, Reason("a stored file is missing its chunk \(index)", ja: "保存したファイルの\(index)番目の断片がありません")) }
            return Array(bytes)
        }
    }

    static let columns: SQL = """
        a.id, a.issue_number, a.comment_id, a.filename, b.size, b.content_type, encode(a.sha256, 'hex') AS sha256,
        a.uploader_account_id, u.display_name AS uploader_name, a.created_at
        """
    static let joins: SQL = "JOIN attachment_blobs b ON b.sha256 = a.sha256 JOIN accounts u ON u.id = a.uploader_account_id"

    static func fetch(_ id: Int, on connection: Connection) throws -> Attachment? {
        try connection.query(Query("attachments.fetch", "SELECT \(columns) FROM attachments a \(joins) WHERE a.id = \(id)")).first.map(attachment)
    }

    static func attachment(_ row: Row) throws -> Attachment {
        Attachment(
            id: try row.decode("id"), issueNumber: try row.decode("issue_number"), commentID: try row.decodeIfPresent("comment_id"),
            filename: try row.decode("filename"), size: try row.decode("size"), contentType: try row.decode("content_type"),
            sha256: try row.decode("sha256"), uploaderAccountID: try row.decode("uploader_account_id"),
            uploaderName: try row.decode("uploader_name"), createdAt: try row.decode("created_at"))
    }
}
