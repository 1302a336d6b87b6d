import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the CLI sends its bearer token: over plain http only to this machine, and never after a
/// redirect to another origin (scheme, host, port), unless `--insecure` says otherwise.
struct ConnectionPolicy: Sendable {
    let insecure: Bool

    static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased() else { return false }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Why the CLI will not talk to this base URL; nil when it will.
    func refusal(_ base: URL) -> String? {
        guard base.scheme == "http", !Self.isLoopback(base), !insecure else { return nil }
        return "\(base.absoluteString) is plain http to another machine: the token would cross the network in clear; use https (or --insecure)"
    }

    func allowsRedirect(from original: URL?, to target: URL?) -> Bool {
        if insecure { return true }
        guard let original, let target else { return false }
        return original.scheme == target.scheme && original.host == target.host && original.port == target.port
    }
}

/// Follows redirects only within the policy; a refused redirect comes back as the 3xx answer itself.
final class RedirectGuard: NSObject, URLSessionTaskDelegate, Sendable {
    let policy: ConnectionPolicy

    init(_ policy: ConnectionPolicy) {
        self.policy = policy
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(policy.allowsRedirect(from: task.originalRequest?.url, to: request.url) ? request : nil)
    }
}
