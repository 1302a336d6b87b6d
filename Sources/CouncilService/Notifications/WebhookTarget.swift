import CouncilDatabase
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where webhooks may go. HTTPS to public addresses only: a target on loopback, a private,
/// link-local, shared or multicast range (the daemon's own network, a cloud's metadata service)
/// is refused unless the operator's allow-list (`COUNCIL_WEBHOOK_ALLOW`: host names, addresses,
/// CIDR ranges) names it; a target the list names may also use plain http (a receiver inside a
/// closed government network). Checked when an endpoint is registered and again, on the
/// addresses its name then resolves to, before every attempt.
package struct WebhookTargetPolicy: Sendable {
    package struct Entry: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            case host(String)
            case range(IPAddress, prefix: Int)
        }
        let kind: Kind
    }

    let allowed: [Entry]

    package init(allowList: [Entry] = []) {
        self.allowed = allowList
    }

    /// Comma-separated entries; throws naming the first it cannot read.
    package static func parse(_ text: String) throws -> [Entry] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { item in
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            if let address = IPAddress(String(parts[0])) {
                let bits = address.bytes.count * 8
                guard parts.count <= 2, let prefix = parts.count == 2 ? Int(parts[1]) : bits, (0...bits).contains(prefix) else {
                    throw ConfigurationError("'\(item)' is not an address or a CIDR range")
                }
                return Entry(kind: .range(address, prefix: prefix))
            }
            guard parts.count == 1, item.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
                throw ConfigurationError("'\(item)' is not a host name, an address or a CIDR range")
            }
            return Entry(kind: .host(item.lowercased()))
        }
    }

    /// Why a URL may not be a webhook target, or nil. Only the URL's own words: no DNS.
    func refusal(of url: String) -> String? {
        guard url.utf8.count <= 2000, let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty
        else { return "is not an absolute URL" }
        guard components.user == nil, components.password == nil else { return "carries a user name or password" }
        let named = allows(host: host)
        guard scheme == "https" || (scheme == "http" && named) else { return "must use https (plain http only for targets the operator allows)" }
        if let address = IPAddress(host), !named, !address.isPublic { return "names a private, loopback or link-local address" }
        if !named, host == "localhost" || host.hasSuffix(".localhost") { return "names a loopback address" }
        return nil
    }

    /// Resolves the URL's host and refuses it when any address is not public and not allowed.
    func check(resolving url: String) throws {
        if let refusal = refusal(of: url) { throw WebhookTargetRefused(reason: refusal) }
        guard let host = URLComponents(string: url)?.host?.lowercased() else { throw WebhookTargetRefused(reason: "is not an absolute URL") }
        if allows(host: host) { return }
        let addresses = try IPAddress.resolve(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        guard !addresses.isEmpty else { throw WebhookTargetRefused(reason: "\(host) resolves to no address") }
        for address in addresses where !address.isPublic && !allows(address) {
            throw WebhookTargetRefused(reason: "\(host) resolves to \(address), a private, loopback or link-local address")
        }
    }

    private func allows(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let address = IPAddress(bare) { return allows(address) }
        return allowed.contains { $0.kind == .host(bare) }
    }

    private func allows(_ address: IPAddress) -> Bool {
        allowed.contains { entry in
            guard case .range(let network, let prefix) = entry.kind else { return false }
            return address.isIn(network, prefix: prefix)
        }
    }
}

struct WebhookTargetRefused: Error, CustomStringConvertible {
    let reason: String
    var description: String { "refused target: \(reason)" }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
package struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    package var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        _ = inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, &copy, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func isIn(_ network: IPAddress, prefix: Int) -> Bool {
        guard network.bytes.count == bytes.count else { return false }
        for bit in 0..<prefix where (bytes[bit / 8] ^ network.bytes[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 {
            return false
        }
        return true
    }

    /// Neither loopback, private, shared (CGNAT), link-local, multicast, unspecified nor reserved.
    var isPublic: Bool {
        if bytes.count == 16 {
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged as IPv4.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return IPAddress(bytes: Array(bytes[12...])).isPublic
            }
            return !Self.nonPublic6.contains { isIn($0.0, prefix: $0.1) }
        }
        return !Self.nonPublic4.contains { isIn($0.0, prefix: $0.1) }
    }

    private static let nonPublic4: [(IPAddress, Int)] = [
        ("0.0.0.0", 8), ("10.0.0.0", 8), ("100.64.0.0", 10), ("127.0.0.0", 8), ("169.254.0.0", 16), ("172.16.0.0", 12),
        ("192.0.0.0", 24), ("192.168.0.0", 16), ("198.18.0.0", 15), ("224.0.0.0", 4), ("240.0.0.0", 4),
    ].map { (IPAddress($0.0)!, $0.1) }

    private static let nonPublic6: [(IPAddress, Int)] = [
        ("::", 96), ("::1", 128), ("64:ff9b::", 96), ("fc00::", 7), ("fe80::", 10), ("ff00::", 8), ("2001:db8::", 32),
    ].map { (IPAddress($0.0)!, $0.1) }

    /// Every address a host name resolves to (getaddrinfo; blocking).
    static func resolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0 else { throw WebhookTargetRefused(reason: "\(host) does not resolve (\(String(cString: gai_strerror(status))))") }
        defer { freeaddrinfo(result) }
        var addresses: [IPAddress] = []
        var cursor = result
        while let info = cursor?.pointee {
            if info.ai_family == AF_INET, let raw = info.ai_addr {
                var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                addresses.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) }))
            } else if info.ai_family == AF_INET6, let raw = info.ai_addr {
                var address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                addresses.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) }))
            }
            cursor = info.ai_next
        }
        return addresses
    }
}
