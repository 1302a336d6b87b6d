import Crypto
import Foundation

/// Standard Webhooks signing (standardwebhooks.com): the receiver recomputes
/// HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>") and compares it with one of the
/// space-separated `v1,<base64>` signatures (two during a secret's rotation).
struct WebhookSecret: Sendable, Equatable {
    static let prefix = "whsec_"
    let key: [UInt8]

    /// 32 random bytes from the system's generator.
    static func generate() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        return WebhookSecret(key: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    init(key: [UInt8]) {
        self.key = key
    }

    init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), let key = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))), !key.isEmpty
        else { return nil }
        self.key = Array(key)
    }

    var text: String { Self.prefix + Data(key).base64EncodedString() }

    func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}

/// The headers of one signed message.
struct WebhookSignedHeaders: Sendable {
    let id: String
    let timestamp: Int
    let signature: String

    init(id: String, timestamp: Int, body: [UInt8], secrets: [WebhookSecret]) {
        self.id = id
        self.timestamp = timestamp
        self.signature = secrets.map { $0.signature(id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
    }
}
