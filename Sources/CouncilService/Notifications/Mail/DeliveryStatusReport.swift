import Foundation

/// A delivery status notification (RFC 3464) as mail servers return it to the envelope sender:
/// a `multipart/report; report-type=delivery-status` whose `message/delivery-status` part has a
/// block per recipient (Final-Recipient, Action, Status, Diagnostic-Code) and whose last part
/// carries the returned message or its headers (`message/rfc822`, `text/rfc822-headers`), where
/// our Message-ID names the delivery.
struct DeliveryStatusReport: Sendable, Equatable {
    struct Recipient: Sendable, Equatable {
        let address: String
        /// failed, delayed, delivered, relayed or expanded.
        let action: String
        let status: String
        let diagnostic: String?
    }

    let recipients: [Recipient]
    /// The returned message's Message-ID, without its angle brackets.
    let messageID: String?

    /// Reads a report; anything else is a 422 naming the body and what is missing.
    init(_ text: String) throws(Problem) {
        let message = Self.split(text.replacingOccurrences(of: "\r\n", with: "\n"))
        guard let type = Self.header("Content-Type", in: message.headers), type.lowercased().hasPrefix("multipart/report"),
            let boundary = HeaderParameter.value("boundary", of: type), !boundary.isEmpty
        else {
            throw .unprocessable(
                "body",
                Reason(
                    "not a delivery status notification: a multipart/report (RFC 3464) is expected",
                    ja: "配信状態通知ではありません。multipart/report（RFC 3464）を送ってください"))
        }
        var recipients: [Recipient] = []
        var messageID: String?
        var sawStatus = false
        for part in Self.parts(of: message.body, boundary: boundary) {
            let part = Self.split(part)
            let partType = (Self.header("Content-Type", in: part.headers) ?? "text/plain").lowercased()
            if partType.hasPrefix("message/delivery-status") {
                sawStatus = true
                // A report names a few recipients; more than a hundred is not one we need to read whole.
                for block in part.body.components(separatedBy: "\n\n") where recipients.count < 100 {
                    let fields = Self.headers(block)
                    guard let recipient = Self.header("Final-Recipient", in: fields) ?? Self.header("Original-Recipient", in: fields),
                        let action = Self.header("Action", in: fields)
                    else { continue }
                    recipients.append(
                        Recipient(
                            address: Self.address(recipient), action: action.lowercased().trimmingCharacters(in: .whitespaces),
                            status: Self.header("Status", in: fields) ?? "", diagnostic: Self.header("Diagnostic-Code", in: fields)))
                }
            } else if partType.hasPrefix("message/rfc822") || partType.hasPrefix("text/rfc822-headers") {
                messageID = Self.header("Message-ID", in: Self.split(part.body).headers)
                    .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")) }
            }
        }
        guard sawStatus else {
            throw .unprocessable(
                "body", Reason("the report has no message/delivery-status part", ja: "通知に message/delivery-status のパートがありません"))
        }
        guard !recipients.isEmpty else {
            throw .unprocessable(
                "body", Reason("the report names no recipient with an action", ja: "通知に action のある受信者がありません"))
        }
        self.recipients = recipients
        self.messageID = messageID
    }

    /// Headers (unfolded) and body of a message or part.
    private static func split(_ text: String) -> (headers: [(String, String)], body: String) {
        guard let end = text.range(of: "\n\n") else { return (headers(text), "") }
        return (headers(String(text[..<end.lowerBound])), String(text[end.upperBound...]))
    }

    private static func headers(_ text: String) -> [(String, String)] {
        var fields: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                // Appended in place: a header folded over many lines stays linear.
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return fields
    }

    private static func header(_ name: String, in fields: [(String, String)]) -> String? {
        fields.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The parts between `--boundary` lines, up to `--boundary--`.
    private static func parts(of body: String, boundary: String) -> [String] {
        var parts: [String] = []
        var current: [Substring]?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "--" + boundary + "--" {
                break
            } else if trimmed == "--" + boundary {
                if let current { parts.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current?.append(line)
            }
        }
        if let current, !current.isEmpty { parts.append(current.joined(separator: "\n")) }
        return parts
    }

    /// `rfc822; someone@example.jp` → `someone@example.jp`.
    private static func address(_ field: String) -> String {
        let value = field.split(separator: ";", maxSplits: 1).last.map(String.init) ?? field
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
    }
}
