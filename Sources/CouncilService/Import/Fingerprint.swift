import Crypto
import Foundation

/// A short hex digest of a canonical text: what a preview shows and its confirmation checks.
enum Fingerprint {
    static func of(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
