import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// An SMTP client (RFC 5321) for one batch per connection: EHLO, STARTTLS when offered (or TLS
/// from the start), AUTH PLAIN when credentials are configured — only over TLS, or to this
/// machine — then MAIL, RCPT, DATA per message. A 5xx answer refuses that message for good; a
/// 4xx or a broken connection fails it for a later try.
struct SMTPTransport: MailTransport {
    let host: String
    let port: Int
    let implicitTLS: Bool
    let username: String?
    let password: String?
    /// Extra roots to trust (a private CA's PEM file), besides the system's.
    let trustRoots: String?
    /// The name this side gives in EHLO.
    let heloName: String
    var timeout: Duration = .seconds(30)
    /// No session lasts longer, so a batch's claim (`MailQueue.claimLease`) outlives it.
    static let sessionLimit: Duration = .seconds(120)

    struct Reply {
        let code: Int
        let lines: [String]
        var text: String { "\(code) \(lines.joined(separator: " / "))" }
    }

    struct Failure: Error {
        let permanent: Bool
        let detail: String
    }

    func send(_ envelopes: [MailEnvelope]) async -> [MailOutcome] {
        guard !envelopes.isEmpty else { return [] }
        do {
            return try await withDeadline(min(timeout * (1 + envelopes.count), Self.sessionLimit)) { try await self.session(envelopes) }
        } catch let failure as Failure {
            return envelopes.map { _ in failure.permanent ? .refused(failure.detail) : .failed(failure.detail) }
        } catch {
            return envelopes.map { _ in .failed("SMTP \(host):\(port): \(error)") }
        }
    }

    private func session(_ envelopes: [MailEnvelope]) async throws -> [MailOutcome] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS { try channel.pipeline.syncOperations.addHandler(try tlsHandler()) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var reader = ReplyReader(iterator: inbound.makeAsyncIterator())
            func read() async throws -> Reply { try await reader.next() }
            func command(_ line: String) async throws -> Reply {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await read()
            }
            try expect(try await reader.next(), 220, "greeting")
            var hello = try await command("EHLO \(heloName)")
            try expect(hello, 250, "EHLO")
            var secure = implicitTLS
            if !secure, hello.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                try expect(try await command("STARTTLS"), 220, "STARTTLS")
                try await channel.channel.pipeline.addHandler(try tlsHandler(), position: .first)
                secure = true
                hello = try await command("EHLO \(heloName)")
                try expect(hello, 250, "EHLO after STARTTLS")
            }
            if let username, let password {
                guard secure || ["127.0.0.1", "::1", "localhost"].contains(host) else {
                    throw Failure(permanent: false, detail: "\(host) offers no STARTTLS: credentials are not sent in the clear")
                }
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                let reply = try await command("AUTH PLAIN \(token)")
                guard reply.code == 235 else { throw Failure(permanent: false, detail: "AUTH refused: \(reply.text)") }
            }
            var outcomes: [MailOutcome] = []
            for envelope in envelopes {
                outcomes.append(try await transaction(envelope, command: command, outbound: outbound, read: read))
            }
            _ = try? await command("QUIT")
            return outcomes
        }
    }

    /// One message: a refusal of it resets the transaction and the next message goes on.
    private func transaction(
        _ envelope: MailEnvelope, command: (String) async throws -> Reply, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        read: () async throws -> Reply
    ) async throws -> MailOutcome {
        func outcome(_ reply: Reply, _ step: String) async throws -> MailOutcome? {
            if (200..<400).contains(reply.code) { return nil }
            _ = try await command("RSET")
            return reply.code >= 500 ? .refused("\(step): \(reply.text)") : .failed("\(step): \(reply.text)")
        }
        if let refused = try await outcome(try await command("MAIL FROM:<\(envelope.from)>"), "MAIL FROM") { return refused }
        if let refused = try await outcome(try await command("RCPT TO:<\(envelope.to)>"), "RCPT TO") { return refused }
        if let refused = try await outcome(try await command("DATA"), "DATA") { return refused }
        // Lines starting with a dot get another (RFC 5321 4.5.2); the message ends with CRLF.CRLF.
        let stuffed = envelope.message.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try await outbound.write(ByteBuffer(string: stuffed + (stuffed.hasSuffix("\r\n") ? "" : "\r\n") + ".\r\n"))
        let reply = try await read()
        if reply.code == 250 { return .sent }
        return reply.code >= 500 ? .refused("DATA: \(reply.text)") : .failed("DATA: \(reply.text)")
    }

    /// A session step that fails is the relay's or the configuration's trouble, never the
    /// recipient's: the messages wait for a later try.
    private func expect(_ reply: Reply, _ code: Int, _ step: String) throws {
        guard reply.code == code else { throw Failure(permanent: false, detail: "\(step): \(reply.text)") }
    }

    private func tlsHandler() throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustRoots { configuration.additionalTrustRoots = [.file(trustRoots)] }
        // An address is no name for SNI; the certificate is then checked against the address.
        let name = IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) == nil ? host : nil
        return try NIOSSLClientHandler(context: try NIOSSLContext(configuration: configuration), serverHostname: name)
    }

    /// Reads replies line by line: `250-…` continues, `250 …` ends one.
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func next() async throws -> Reply {
            var lines: [String] = []
            while true {
                while let end = pending.range(of: "\r\n") {
                    let line = String(pending[..<end.lowerBound])
                    pending.removeSubrange(..<end.upperBound)
                    guard line.count >= 3, let code = Int(line.prefix(3)) else {
                        throw Failure(permanent: false, detail: "not an SMTP reply: \(line.prefix(100))")
                    }
                    lines.append(String(line.dropFirst(4)))
                    if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return Reply(code: code, lines: lines) }
                }
                guard pending.utf8.count < 65_536, var buffer = try await iterator.next() else {
                    throw Failure(permanent: false, detail: "the relay closed the connection")
                }
                pending += buffer.readString(length: buffer.readableBytes) ?? ""
            }
        }
    }
}

/// Runs `body`, or throws when `limit` passes first.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw SMTPTransport.Failure(permanent: false, detail: "no answer within \(limit)")
        }
        return value
    }
}
