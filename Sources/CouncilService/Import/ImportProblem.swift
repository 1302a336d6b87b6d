/// One thing wrong with one line of an uploaded file.
public struct ImportProblem: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: String?
    public let reason: String

    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        "line \(line)" + (column.map { ", \($0)" } ?? "") + ": \(reason)"
    }
}

/// An upload refused as a whole; lists every bad line, and nothing was changed.
public struct ImportRejected: Error, Sendable, CustomStringConvertible {
    public let problems: [ImportProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
