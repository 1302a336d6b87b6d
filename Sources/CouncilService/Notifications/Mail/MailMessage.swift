import Foundation

/// One e-mail as RFC 5322 text: headers in ASCII (Japanese in RFC 2047 encoded words, so no user
/// text can start a header of its own), a UTF-8 plain-text body in base64.
struct MailMessage: Sendable, Equatable {
    struct Address: Sendable, Equatable {
        let name: String
        let email: String
    }

    var from: Address
    var to: Address
    var subject: String
    var body: String
    var messageID: String
    /// The thread the message belongs to (an issue's), for `In-Reply-To` and `References`.
    var thread: String?
    /// One-click unsubscribe (RFC 8058).
    var unsubscribeURL: String?
    var date: Date

    /// The whole message, CRLF line ends.
    var rendered: String {
        var headers: [(String, String)] = [
            ("Date", Self.rfc5322Date(date)),
            ("From", Self.address(from)),
            ("To", Self.address(to)),
            ("Subject", Self.encodedWords(subject)),
            ("Message-ID", "<\(messageID)>"),
        ]
        if let thread {
            headers.append(("In-Reply-To", "<\(thread)>"))
            headers.append(("References", "<\(thread)>"))
        }
        if let unsubscribeURL {
            headers.append(("List-Unsubscribe", "<\(unsubscribeURL)>"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        headers += [
            ("Auto-Submitted", "auto-generated"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"),
            ("Content-Transfer-Encoding", "base64"),
        ]
        let head = headers.map { "\($0.0): \($0.1)" }.joined(separator: "\r\n")
        let encoded = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return head + "\r\n\r\n" + encoded + "\r\n"
    }

    /// `Name <address>`; the name as encoded words unless it is plain ASCII without specials.
    static func address(_ address: Address) -> String {
        let name = oneLine(address.name)
        guard !name.isEmpty else { return "<\(address.email)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == " " || $0.properties.numericType != nil) }
        return (plain ? name : encodedWords(name)) + " <\(address.email)>"
    }

    /// RFC 2047 B-encoding in words of at most 75 characters, split between characters, folded.
    static func encodedWords(_ text: String) -> String {
        let text = oneLine(text)
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) && !text.contains("=?") && text.count <= 900 { return text }
        var words: [String] = [], chunk = ""
        func flush() {
            if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk.utf8).base64EncodedString() + "?=") }
            chunk = ""
        }
        for character in text {
            // 45 bytes of UTF-8 become 60 characters of base64: with the 12 around them, 72.
            if chunk.utf8.count + String(character).utf8.count > 45 { flush() }
            chunk.append(character)
        }
        flush()
        return words.joined(separator: "\r\n ")
    }

    /// Control characters and line breaks become spaces: a header value is one line.
    static func oneLine(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 })
        )
        .trimmingCharacters(in: .whitespaces)
    }

    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[parts.weekday! - 1]), \(two(parts.day!)) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!)) +0900"
    }
}
