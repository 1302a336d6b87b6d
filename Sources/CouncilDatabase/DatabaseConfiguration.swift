import CLibPQ

/// Where the database is: a `postgres://` URL or a libpq keyword string (`host=/socket dbname=x`),
/// handed to libpq as-is (`expand_dbname`), so a password is never pasted into a string by us.
public struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    public let connectionString: String
    /// Keyword overrides applied after the connection string (e.g. another database name).
    public var overrides: [(key: String, value: String)]

    /// Validates the string with libpq's own parser; the error names what is wrong.
    public init(_ connectionString: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "unparseable connection string"
            if let errorMessage { PQfreemem(errorMessage) }
            throw ConfigurationError(
                "DATABASE_URL is not a valid PostgreSQL URL or connection string: \(message.trimmed)")
        }
        let port = Self.values(of: options)["port"]
        PQconninfoFree(options)
        // libpq only checks the port when connecting; refuse a bad one now, naming it.
        if let port, !port.isEmpty, !port.split(separator: ",").allSatisfy({ Int($0).map { (1...65535).contains($0) } ?? false }) {
            throw ConfigurationError("DATABASE_URL has port '\(port)', which is not a port number (1-65535)")
        }
        self.connectionString = connectionString
        self.overrides = []
    }

    private static func values(of options: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var parsed: [String: String] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
            cursor += 1
        }
        return parsed
    }

    /// The same server, another database.
    public func with(database: String) -> DatabaseConfiguration {
        var copy = self
        copy.overrides.removeAll { $0.key == "dbname" }
        copy.overrides.append((key: "dbname", value: database))
        return copy
    }

    /// The same server and database as another role; nil: the role of the connection string.
    public func with(user: String?) -> DatabaseConfiguration {
        var copy = self
        copy.overrides.removeAll { $0.key == "user" }
        if let user { copy.overrides.append((key: "user", value: user)) }
        return copy
    }

    /// The parameters as libpq sees them (first `dbname` expanded), with defaults of ours.
    var parameters: [(key: String, value: String)] {
        var result: [(key: String, value: String)] = [("dbname", connectionString)]
        result.append(("application_name", "council"))
        result.append(("client_encoding", "UTF8"))
        result.append(contentsOf: overrides)
        return result
    }

    /// The settings libpq will use, with the password left out: for logs and `db status`.
    public var description: String {
        var parsed: [String: String] = [:]
        var errorMessage: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(connectionString, &errorMessage) {
            parsed = Self.values(of: options)
            PQconninfoFree(options)
        }
        if let errorMessage { PQfreemem(errorMessage) }
        for (key, value) in overrides { parsed[key] = value }
        let shown = ["host", "hostaddr", "port", "dbname", "user"].compactMap { key in
            parsed[key].map { "\(key)=\($0)" }
        }
        return shown.isEmpty ? "(libpq defaults)" : shown.joined(separator: " ")
    }
}

/// Configuration that cannot be used; the message names the setting and the reason.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
