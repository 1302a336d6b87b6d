/// Parameters of header values (RFC 2045 style), for forms and mail alike.
enum HeaderParameter {
    /// A parameter of a header value: `boundary=x` of a Content-Type, `name="file"` of a
    /// Content-Disposition. A quoted value may hold `;` and `\"`; its quotes are taken off.
    static func value(_ name: String, of header: String) -> String? {
        var pieces: [String] = [], current = "", quoted = false, escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted, character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingHTTPWhitespace.lowercased() == name else { continue }
            return pair[1].trimmingHTTPWhitespace
        }
        return nil
    }
}
