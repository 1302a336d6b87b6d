import CouncilDatabase
import Foundation

/// What became of one message handed to the relay.
enum MailOutcome: Sendable, Equatable {
    case sent
    /// The relay refused it for good (5xx: an unknown address, a refused sender): not retried.
    case refused(String)
    /// It may work later (4xx, no connection, a timeout): retried with backoff.
    case failed(String)
}

/// One message for the envelope: who sends, who receives, the RFC 5322 text.
struct MailEnvelope: Sendable {
    let from: String
    let to: String
    let message: String
}

/// A relay that takes messages: SMTP, or a sendmail-compatible command.
protocol MailTransport: Sendable {
    /// One outcome per envelope, in order.
    func send(_ envelopes: [MailEnvelope]) async -> [MailOutcome]
}

/// `COUNCIL_SMTP_URL`: `smtp://[user:password@]host[:port]` (STARTTLS whenever the relay offers
/// it; credentials only over TLS, or to this machine), `smtps://…` (TLS from the start, port 465),
/// or `sendmail:/path/to/program` (Debian's msmtp or sendmail: the message on its standard input).
package enum MailRelay: Sendable, Equatable, CustomStringConvertible {
    case smtp(host: String, port: Int, implicitTLS: Bool, username: String?, password: String?)
    case sendmail(program: String)

    package init(url text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw ConfigurationError("'\(text.prefix(80))' is not an smtp://, smtps:// or sendmail: address")
        }
        switch scheme {
        case "smtp", "smtps":
            guard let host = components.host, !host.isEmpty else { throw ConfigurationError("the SMTP address names no host") }
            let implicitTLS = scheme == "smtps"
            let port = components.port ?? (implicitTLS ? 465 : 25)
            guard (1...65535).contains(port) else { throw ConfigurationError("\(port) is not a port") }
            self = .smtp(
                host: host, port: port, implicitTLS: implicitTLS, username: components.user?.removingPercentEncoding,
                password: components.password?.removingPercentEncoding)
        case "sendmail":
            let path = components.path
            guard path.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: path) else {
                throw ConfigurationError("sendmail:\(path) is not an executable program (sendmail:/usr/bin/msmtp)")
            }
            self = .sendmail(program: path)
        default:
            throw ConfigurationError("'\(scheme)' is not smtp, smtps or sendmail")
        }
    }

    /// Without the password.
    package var description: String {
        switch self {
        case .smtp(let host, let port, let implicitTLS, let username, _):
            "\(implicitTLS ? "smtps" : "smtp")://\(username.map { "\($0)@" } ?? "")\(host):\(port)"
        case .sendmail(let program): "sendmail:\(program)"
        }
    }
}
