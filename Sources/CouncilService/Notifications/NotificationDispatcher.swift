import AsyncHTTPClient
import CouncilDatabase
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers notifications: fans new outbox events out into deliveries (`Fanout`), then
/// `workers` loops each lease a webhook endpoint and send its due deliveries in order — at least
/// once (a killed daemon's lease runs out and another daemon sends again, with the same
/// `webhook-id`), ordered per endpoint, retried with jittered exponential backoff until
/// `giveUpAfter`, then the endpoint is disabled — and, with a relay, one loop sends mail (and the
/// daily digests). On graceful shutdown each worker finishes the attempt it is in and releases its lease.
package final class NotificationDispatcher: Service, Sendable {
    let pool: DatabasePool
    let signal: OutboxSignal
    let settings: NotificationSettings
    let publicURL: String
    let logger: Logger
    let name: String
    /// One client for the process (never shut down, like `HTTPClient.shared`): no redirects
    /// followed, HTTP/1.1, bodies as sent; each request carries its own deadline (`timeout`).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(10)))
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
    /// Wakes this daemon's workers: after a fan-out, and by a worker that found work (so its
    /// siblings look too). Only worker 0 also looks on its own (retries falling due).
    let workAvailable = OutboxSignal(configuration: nil, logger: Logger(label: "council.webhooks"))

    private let mail: (any MailTransport)?

    package init(pool: DatabasePool, signal: OutboxSignal, settings: NotificationSettings, publicURL: String, logger: Logger) {
        self.pool = pool
        self.signal = signal
        self.settings = settings
        self.publicURL = publicURL
        self.logger = logger
        self.name = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
        self.mail = settings.mail.map { relay in
            switch relay.relay {
            case .smtp(let host, let port, let implicitTLS, let username, let password):
                SMTPTransport(
                    host: host, port: port, implicitTLS: implicitTLS, username: username, password: password, trustRoots: relay.trustRoots,
                    heloName: URLComponents(string: publicURL)?.host ?? "council")
            case .sendmail(let program):
                SendmailTransport(program: program)
            }
        }
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.fanOutLoop() }
                for index in 0..<max(1, settings.workers) {
                    group.addTask { await self.deliveryLoop(worker: "\(self.name)#\(index)", polls: index == 0) }
                }
                if let mail { group.addTask { await self.mailLoop(worker: "\(self.name)#mail", transport: mail) } }
            }
        } onGracefulShutdown: {
            // Waiting workers look at once and see they are to stop.
            self.signal.notify()
            self.workAvailable.notify()
        }
    }

    var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    // MARK: fan-out

    private func fanOutLoop() async {
        var lastPrune = ContinuousClock.now - .seconds(3600)
        while !stopping {
            let generation = signal.generation
            do {
                var read = 0
                repeat {
                    read = try await pool.withTransaction { try Fanout.run(limit: 500, mail: self.mail != nil, on: $0) }
                    if read > 0 { workAvailable.notify() }
                } while read == 500 && !stopping
                if ContinuousClock.now - lastPrune >= .seconds(3600) {
                    lastPrune = .now
                    let before = Date().addingTimeInterval(-settings.retention.seconds)
                    let pruned = try await pool.withConnection { try WebhookQueue.prune(before: before, limit: 10_000, on: $0) }
                    if pruned > 0 { logger.info("pruned \(pruned) outbox events older than the retention") }
                }
            } catch {
                if !stopping { logger.warning("webhook fan-out failed, retrying: \(error)") }
            }
            guard !stopping else { return }
            await signal.wait(since: generation, timeout: settings.poll)
        }
    }

    // MARK: delivery

    /// Idle, only the polling worker queries (once per `poll`); the others sleep until woken.
    private func deliveryLoop(worker: String, polls: Bool) async {
        while !stopping {
            let generation = workAvailable.generation
            do {
                if let lease = try await pool.withConnection({ try WebhookQueue.claim(worker: worker, lease: self.settings.lease, on: $0) }) {
                    workAvailable.notify()
                    try await deliver(lease, worker: worker)
                    continue
                }
            } catch {
                if !stopping { logger.warning("webhook worker \(worker) failed, retrying: \(error)") }
            }
            guard !stopping else { return }
            await workAvailable.wait(since: generation, timeout: polls ? settings.poll : settings.poll * 30)
        }
    }

    /// Sends the endpoint's due deliveries in order while the lease holds; the first failure
    /// schedules its retry and ends the turn (later deliveries wait behind it).
    private func deliver(_ lease: WebhookQueue.Lease, worker: String) async throws {
        // Released after the turn, stopping included, so another daemon may take over at once
        // (a lease left behind by an error simply runs out).
        try await deliverDue(lease, worker: worker)
        try await pool.withConnection { try WebhookQueue.release(lease, worker: worker, on: $0) }
    }

    private func deliverDue(_ lease: WebhookQueue.Lease, worker: String) async throws {
        for turn in 0..<100 where !stopping {
            // One connection lease per delivery to read what is due, one to record what happened.
            let next = try await pool.withConnection { connection -> (due: WebhookQueue.Due, admitted: Bool)? in
                // The lease is extended before each delivery (the claim set it for the first): a
                // worker that was too slow and lost the endpoint to another stops here.
                if turn > 0, try !WebhookQueue.renew(lease, worker: worker, duration: self.settings.lease, on: connection) { return nil }
                guard let due = try WebhookQueue.due(lease, on: connection) else { return nil }
                // Asked again now: an issue restricted since the event is no longer told about.
                let admitted = try EventAudience.load(for: [due.event], on: connection).admits(
                    due.event, organization: lease.organizationID, isSecretariat: lease.secretariat)
                return (due, admitted)
            }
            guard let (due, admitted) = next else { return }
            guard admitted else {
                try await pool.withConnection { try WebhookQueue.finish(due, as: .skipped, countingAttempt: false, on: $0) }
                continue
            }
            let outcome = await send(due.event, to: lease)
            let succeeded = try await pool.withTransaction { connection -> Bool in
                try WebhookQueue.recordAttempt(due, outcome, on: connection)
                if outcome.succeeded {
                    try WebhookQueue.finish(due, as: .delivered, countingAttempt: true, on: connection)
                    return true
                }
                if Date().timeIntervalSince(due.createdAt) >= self.settings.giveUpAfter.seconds {
                    let reason = "no successful answer for \(Int(self.settings.giveUpAfter.seconds / 3600)) hours; last: \(outcome.summary)"
                    try WebhookQueue.disable(lease, due, reason: reason, on: connection)
                } else {
                    try WebhookQueue.retry(due, after: self.backoff(attempt: due.attempts + 1), on: connection)
                }
                return false
            }
            guard succeeded else { return }
        }
    }

    /// Doubling from `retryBase`, capped at `maxDelay`, each between half and all of it.
    func backoff(attempt: Int) -> Duration {
        let full = min(settings.retryBase.seconds * pow(2, Double(min(attempt - 1, 30))), settings.maxDelay.seconds)
        return .milliseconds(Int(full * Double.random(in: 0.5...1.0) * 1000))
    }

    private func send(_ event: OutboxEvent, to lease: WebhookQueue.Lease) async -> WebhookQueue.Outcome {
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).seconds * 1000) }
        do {
            try await Self.checkTarget(lease.url, settings.targets)
            let body = try EventPayload.json(event, publicURL: publicURL)
            let signed = WebhookSignedHeaders(
                id: WebhookStore.messageID(event.id), timestamp: Int(Date().timeIntervalSince1970), body: body, secrets: lease.secrets)
            var request = HTTPClientRequest(url: lease.url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "user-agent", value: "Council-Webhooks/1")
            request.headers.add(name: "webhook-id", value: signed.id)
            request.headers.add(name: "webhook-timestamp", value: String(signed.timestamp))
            request.headers.add(name: "webhook-signature", value: signed.signature)
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await Self.client.execute(request, timeout: .init(settings.timeout))
            // A snippet of the answer for the log; the rest is not read.
            var snippet = ByteBuffer()
            for try await chunk in response.body {
                var chunk = chunk
                snippet.writeBuffer(&chunk)
                if snippet.readableBytes >= 1024 { break }
            }
            let text = String(decoding: snippet.readableBytesView.prefix(1024), as: UTF8.self)
            return WebhookQueue.Outcome(status: Int(response.status.code), latencyMs: elapsed(), response: text, error: nil)
        } catch {
            return WebhookQueue.Outcome(status: nil, latencyMs: elapsed(), response: "", error: String(describing: error).prefix(500).description)
        }
    }

    /// The target policy's DNS check, off the cooperative threads (getaddrinfo blocks).
    private static func checkTarget(_ url: String, _ policy: WebhookTargetPolicy) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                do {
                    try policy.check(resolving: url)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

}

extension WebhookQueue.Outcome {
    var summary: String { status.map { "HTTP \($0)" } ?? (error ?? "no answer") }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + Int64(duration.components.attoseconds / 1_000_000_000))
    }
}
