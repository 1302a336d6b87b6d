import CouncilDatabase
import Foundation

/// A file attached to an issue (or to one of its comments). Its bytes live in
/// `attachment_blobs`/`attachment_chunks`, named by their SHA-256.
struct Attachment: Codable, Sendable, Equatable {
    let id: Int
    let issueNumber: Int
    let commentID: Int?
    let filename: String
    let size: Int
    /// Sniffed from the bytes (`ContentSniffer`), never the client's word.
    let contentType: String
    /// Hex, lower case.
    let sha256: String
    let uploaderAccountID: Int
    let uploaderName: String
    let createdAt: Date
}

extension Attachment {
    /// The attachment's file name as given, checked: one line, no path, at most 255 characters.
    static func validFilename(_ text: String) throws -> String {
        let name = JapaneseText.typedTrimmed(text)
        try Problem.requireLine("filename", name, max: 255)
        guard !name.contains("/"), !name.contains("\\"), name != ".", name != ".." else {
            throw Problem.invalid("filename", Reason("a file name, without a folder (no / or \\)", ja: "フォルダを含まないファイル名にしてください（/ や \\ は使えません）"))
        }
        return name
    }
}

/// Bytes for a `bytea` parameter, in PostgreSQL's hex text form (`\x…`): the connection speaks
/// text, and hex is exact for any byte (used for SHA-256 names; file chunks go as base64).
struct Bytea: PostgresEncodable, Sendable, Equatable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static let digits = Array("0123456789abcdef".utf8)

    var postgresText: String {
        var text = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        for (index, byte) in bytes.enumerated() {
            text[2 + index * 2] = Self.digits[Int(byte >> 4)]
            text[3 + index * 2] = Self.digits[Int(byte & 0x0F)]
        }
        return String(decoding: text, as: UTF8.self)
    }
}
