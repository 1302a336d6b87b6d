/// HTTP's optional whitespace around header values and their parameters: spaces and tabs only
/// (RFC 9110 §5.6.3). Foundation's `trimmingCharacters(in: .whitespaces)` tests every Unicode
/// space, and on every authenticated request cost more than routing it.
extension Substring {
    var trimmingHTTPWhitespace: String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}

extension String {
    var trimmingHTTPWhitespace: String { self[...].trimmingHTTPWhitespace }
}
