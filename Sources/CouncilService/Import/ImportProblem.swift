/// Why something was refused, in both languages people read: English for the API's problem
/// details and the logs, Japanese for the pages (and everyone who files in Japanese).
package struct Reason: Error, Sendable, Equatable {
    package let en: String
    package let ja: String

    package init(_ en: String, ja: String) {
        self.en = en
        self.ja = ja
    }
}

/// One thing wrong with one line of an uploaded file.
package struct ImportProblem: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    package let line: Int
    package let column: String?
    package let reason: String
    /// The reason in Japanese, where the rule that refused the line says it so (the pages show it).
    package let japaneseReason: String?

    enum CodingKeys: String, CodingKey { case line, column, reason }

    package init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
        self.japaneseReason = nil
    }

    package init(line: Int, column: String?, _ reason: Reason) {
        self.line = line
        self.column = column
        self.reason = reason.en
        self.japaneseReason = reason.ja
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            line: try container.decode(Int.self, forKey: .line), column: try container.decodeIfPresent(String.self, forKey: .column),
            reason: try container.decode(String.self, forKey: .reason))
    }

    package var description: String {
        "line \(line)" + (column.map { ", \($0)" } ?? "") + ": \(reason)"
    }
}

/// An upload refused as a whole; nothing was changed. Lists the first `listed` problems in line
/// order and counts them all: a file that is wrong everywhere gets a bounded answer.
package struct ImportRejected: Error, Sendable, CustomStringConvertible {
    package static let listed = 1_000

    package let problems: [ImportProblem]
    package let total: Int

    package init(problems: [ImportProblem]) { self.init(problems, total: problems.count) }

    init(_ problems: [ImportProblem], total: Int) {
        // By line; problems of one line keep the order they were found in.
        self.problems = Array(
            problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.prefix(Self.listed).map(\.element))
        self.total = total
    }

    /// This file's problems and those the rules found, in one list.
    func merged(with other: ImportRejected) -> ImportRejected {
        ImportRejected(problems + other.problems, total: total + other.total)
    }

    package var description: String {
        problems.map(\.description).joined(separator: "\n") + (total > problems.count ? "\n(\(total) problems in all)" : "")
    }
}

/// Problems collected while reading a file, line by line: the first `ImportRejected.listed` are
/// kept, all are counted, so a file of a million bad lines costs no more memory than a thousand.
struct ImportProblems: Sendable {
    private(set) var kept: [ImportProblem] = []
    private(set) var total = 0

    var isEmpty: Bool { total == 0 }

    mutating func append(_ problem: ImportProblem) {
        total += 1
        if kept.count < ImportRejected.listed { kept.append(problem) }
    }

    mutating func append(contentsOf problems: [ImportProblem]) {
        for problem in problems { append(problem) }
    }

    /// Another file part's problems (a workbook's second sheet).
    mutating func append(_ other: ImportProblems) {
        append(contentsOf: other.kept)
        total += other.total - other.kept.count
    }

    var rejection: ImportRejected? { isEmpty ? nil : ImportRejected(kept, total: total) }
}
