import CouncilDatabase
import Foundation

/// What a spreadsheet upload files: adoptions (導入団体と移行予定) or development status.
enum SheetKind: String, CaseIterable, Sendable, PostgresRawTextEncodable, PostgresDecodable {
    case adoptions, status
}

/// Spreadsheets between their preview and its confirmation. The preview reads the file and checks
/// every rule without writing (a dry run); the confirmation reads the same stored bytes again and
/// applies them in one transaction that also marks the upload applied — unless the records the
/// file reads changed since the preview (`PlanChanged`), when nothing is written.
struct SheetUploadStore: Sendable {
    let pool: DatabasePool

    /// How long a previewed file waits for its confirmation.
    static let lifetime: TimeInterval = 86400

    struct Upload: Sendable {
        let id: Int
        let kind: SheetKind
        let filename: String
        let encoding: CSVTextEncoding
        let content: Data
        let appliedAt: Date?
    }

    /// Keeps a previewed file for its uploader (its bytes travel as base64: the driver binds text); files older than a day go at the same time.
    func save(account: Int, kind: SheetKind, filename: String, encoding: CSVTextEncoding, content: Data) async throws -> Int {
        try await pool.withTransaction { connection in
            try connection.query(
                Query(
                    "sheetUploads.prune",
                    "DELETE FROM sheet_uploads WHERE created_at < now() - make_interval(secs => \(Self.lifetime))"))
            return try connection.query(
                Query(
                    "sheetUploads.save",
                    """
                    INSERT INTO sheet_uploads (account_id, kind, filename, encoding, content)
                    VALUES (\(account), \(kind), \(String(filename.prefix(255))), \(encoding.rawValue), decode(\(content.base64EncodedString()), 'base64'))
                    RETURNING id
                    """)
            ).single().decode("id")
        }
    }

    /// The upload, only for the account that made it (anyone else: nil, as if there were none).
    func upload(_ id: Int, of account: Int) async throws -> Upload? {
        try await pool.withConnection { connection in
            guard
                let row = try connection.query(
                    Query(
                        "sheetUploads.get",
                        """
                        SELECT id, kind, filename, encoding, encode(content, 'base64') AS content, applied_at FROM sheet_uploads
                        WHERE id = \(id) AND account_id = \(account) AND created_at >= now() - make_interval(secs => \(Self.lifetime))
                        """)
                ).first
            else { return nil }
            return Upload(
                id: try row.decode("id"), kind: try row.decode("kind"), filename: try row.decode("filename"),
                encoding: CSVTextEncoding(rawValue: try row.decode("encoding")) ?? .auto,
                content: Data(base64Encoded: try row.decode("content", as: String.self), options: .ignoreUnknownCharacters) ?? Data(),
                appliedAt: try row.decodeIfPresent("applied_at"))
        }
    }

    /// Runs a preview on a transaction that is rolled back: every rule, nothing written.
    func dryRun<Result: Sendable>(_ body: @escaping @Sendable (Connection) throws -> Result) async throws -> Result {
        try await pool.withTransaction(rollback: true) { connection in try body(connection) }
    }

    /// Applies a confirmed upload: `apply` writes through the owning store on this transaction,
    /// and the upload is marked applied in it, so a second confirmation finds it done.
    func confirm<Result: Sendable>(_ id: Int, _ apply: @escaping @Sendable (Connection) throws -> Result) async throws -> Result? {
        try await pool.withTransaction { connection in
            guard
                try connection.query(
                    Query("sheetUploads.claim", "UPDATE sheet_uploads SET applied_at = now() WHERE id = \(id) AND applied_at IS NULL RETURNING id")
                ).first != nil
            else { return nil }
            return try apply(connection)
        }
    }
}
