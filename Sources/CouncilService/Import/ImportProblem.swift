/// One thing wrong with one line of an uploaded file.
package struct ImportProblem: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    package let line: Int
    package let column: String?
    package let reason: String

    package init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    package var description: String {
        "line \(line)" + (column.map { ", \($0)" } ?? "") + ": \(reason)"
    }
}

/// An upload refused as a whole; lists every bad line, and nothing was changed.
package struct ImportRejected: Error, Sendable, CustomStringConvertible {
    package let problems: [ImportProblem]
    package var description: String { problems.map(\.description).joined(separator: "\n") }
}
