import HummingbirdBcrypt
import NIOPosix

/// A password someone chose, checked before it is hashed. Length is what makes a password strong
/// (NIST SP 800-63B): at least 10 characters, any characters, no composition rules. bcrypt reads
/// only the first 72 bytes, so a longer one is refused rather than silently cut.
package struct NewPassword: Sendable {
    package let text: String

    package static let minimumLength = 10
    package static let maximumBytes = 72

    /// The password, or why it is not acceptable (its raw value names the message in `PageText`).
    package static func check(_ text: String, email: EmailAddress) -> Result<NewPassword, PasswordRefusal> {
        if text.count < minimumLength { return .failure(.tooShort) }
        if text.utf8.count > maximumBytes { return .failure(.tooLong) }
        if Set(text).count < 3 { return .failure(.tooSimple) }
        if text.lowercased() == email.rawValue.lowercased() || text.lowercased() == email.rawValue.split(separator: "@")[0].lowercased() {
            return .failure(.isEmail)
        }
        return .success(NewPassword(text: text))
    }
}

package enum PasswordRefusal: String, Error, Sendable {
    case tooShort = "password_too_short"
    case tooLong = "password_too_long"
    case tooSimple = "password_too_simple"
    case isEmail = "password_is_email"
    case mismatch = "password_mismatch"
}

/// bcrypt off the event loops: each hash costs a deliberate ~0.2 s of CPU at cost 12.
package struct PasswordHasher: Sendable {
    package let cost: UInt8

    package init(cost: UInt8 = 12) {
        self.cost = cost
    }

    func hash(_ password: NewPassword) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password.text, cost: cost) }
    }

    /// Checks a typed password against a stored hash; with no hash (an unknown e-mail, an account
    /// that never set one) it hashes the password at the same cost instead, so the time taken does
    /// not tell them apart.
    func verify(_ password: String, hash: String?) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.hash(password, cost: cost)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }
}
