import Hummingbird

/// A posted HTML form (`application/x-www-form-urlencoded`): every value of every name, in order,
/// so repeated fields (several 団体) keep all their values. Text must decode to UTF-8 without NUL.
struct FormBody: Sendable {
    private(set) var values: [String: [String]] = [:]

    /// Forms are small; a larger body is refused before it is read.
    static let maxSize = 1 << 20

    init() {}

    init(_ text: String) throws {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], field: "form")
            let value = try Self.decode(parts.count > 1 ? parts[1] : "", field: name)
            values[name, default: []].append(value)
        }
    }

    static func read(_ request: Request) async throws -> FormBody {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(.unsupportedMediaType, detail: "send the form as application/x-www-form-urlencoded")
        }
        let buffer = try await request.body.collect(upTo: maxSize)
        return try FormBody(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// The first value of `name`, trimmed of nothing: what the person typed.
    subscript(_ name: String) -> String? { values[name]?.first }

    func all(_ name: String) -> [String] { values[name] ?? [] }

    private static func decode(_ raw: Substring, field: String) throws -> String {
        var bytes: [UInt8] = []
        var utf8 = raw.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            throw Problem.invalid(field, "not valid UTF-8 text after percent-decoding")
        }
        return text
    }
}
