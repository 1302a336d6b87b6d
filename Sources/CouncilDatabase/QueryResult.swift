/// The rows of a result, copied out of libpq's `PGresult` (which is cleared at once).
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [Row]
    /// Rows affected by INSERT/UPDATE/DELETE (libpq's `PQcmdTuples`).
    public let affectedRows: Int
    package let queryName: String

    init(queryName: String, columns: [String], values: [[String?]], affectedRows: Int) {
        self.queryName = queryName
        self.columns = columns
        let index = ColumnIndex(columns: columns)
        self.rows = values.map { Row(index: index, values: $0, queryName: queryName) }
        self.affectedRows = affectedRows
    }

    public var first: Row? { rows.first }

    /// The single row a statement must return, or a decoding error naming the query.
    public func single() throws -> Row {
        guard rows.count == 1 else {
            throw DatabaseError(.decoding, "expected exactly one row, got \(rows.count)", queryName: queryName)
        }
        return rows[0]
    }
}

final class ColumnIndex: Sendable {
    let positions: [String: Int]
    init(columns: [String]) {
        var positions: [String: Int] = [:]
        for (offset, name) in columns.enumerated() where positions[name] == nil {
            positions[name] = offset
        }
        self.positions = positions
    }
}

/// One result row; values are decoded by column name.
public struct Row: Sendable {
    let index: ColumnIndex
    let values: [String?]
    package let queryName: String

    /// The raw text of a column, `nil` for NULL.
    public subscript(column: String) -> String? {
        get throws { values[try position(of: column)] }
    }

    /// A non-NULL value; NULL or malformed text is an error naming the column and query.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        guard let value: Value = try decodeIfPresent(column) else {
            throw DatabaseError(.decoding, "column '\(column)' is NULL", column: column, queryName: queryName)
        }
        return value
    }

    /// A value or `nil` for NULL; malformed text is an error.
    public func decodeIfPresent<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value? {
        guard let text = values[try position(of: column)] else { return nil }
        guard let value = Value(postgresText: text) else {
            throw DatabaseError(
                .decoding, "column '\(column)' holds '\(text.prefix(64))', not a \(Value.self)",
                column: column, queryName: queryName)
        }
        return value
    }

    private func position(of column: String) throws -> Int {
        guard let position = index.positions[column] else {
            throw DatabaseError(.decoding, "no column '\(column)' in the result", column: column, queryName: queryName)
        }
        return position
    }
}
