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
    /// What the webhook workers look at next: endpoints the fan-out just gave work, and scans.
    let work = DeliveryWork()
    /// Wakes the mail loop after a fan-out.
    let mailAvailable = OutboxSignal(configuration: nil, logger: Logger(label: "council.mail"))

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
                group.addTask { await self.pollLoop() }
                for index in 0..<max(1, settings.workers) {
                    group.addTask { await self.deliveryLoop(worker: index) }
                }
                if let mail { group.addTask { await self.mailLoop(worker: "\(self.name)#mail", transport: mail) } }
            }
        } onGracefulShutdown: {
            // Waiting workers look at once and see they are to stop.
            self.signal.notify()
            self.work.stop()
            self.mailAvailable.notify()
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
                    let result = try await pool.withTransaction { try Fanout.run(limit: 500, mail: self.mail != nil, on: $0) }
                    read = result.events
                    if read > 0 {
                        work.add(endpoints: result.endpoints)
                        mailAvailable.notify()
                    }
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
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.gather) }
        }
    }

    // MARK: delivery

    /// Once per `poll`, a scan for due work the fan-out did not announce: retries falling due,
    /// another daemon's events, leases that ran out.
    private func pollLoop() async {
        while !stopping {
            work.addScan()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.poll) }
        }
    }

    /// Takes the next endpoint to deliver to — one the fan-out named, claimed by its key, or any
    /// due one when scanning — and sends its due deliveries.
    private func deliveryLoop(worker index: Int) async {
        let worker = "\(name)#\(index)"
        while !stopping, let item = await work.next() {
            var held: Int?
            var leased: WebhookQueue.Lease?
            do {
                let claim: WebhookQueue.Claim?
                switch item {
                case .endpoint(let id):
                    guard work.hold(id, worker: index) else { continue }
                    held = id
                    claim = try await pool.withConnection {
                        try WebhookQueue.claim(worker: worker, lease: self.settings.lease, limit: Self.batch, endpoint: id, on: $0)
                    }
                case .scan:
                    claim = try await pool.withConnection {
                        try WebhookQueue.claim(worker: worker, lease: self.settings.lease, limit: Self.batch, on: $0)
                    }
                    if let claim {
                        // More may be due: one more worker scans.
                        work.addScan()
                        guard work.hold(claim.lease.endpointID, worker: index) else {
                            // A sibling is about to claim it by its key (and will, once this lets go).
                            try await pool.withConnection { try WebhookQueue.release(claim.lease, worker: worker, on: $0) }
                            continue
                        }
                        held = claim.lease.endpointID
                    }
                }
                guard let claim else {
                    if let held { work.letGo(held, worker: index) }
                    continue
                }
                leased = claim.lease
                let more = try await deliver(claim, worker: worker)
                work.letGo(claim.lease.endpointID, worker: index, more: more)
            } catch {
                if !stopping { logger.warning("webhook worker \(worker) failed, retrying: \(error)") }
                // The endpoint is given up at once if the database answers (else its lease runs
                // out), for the next scan to find: a delivery whose record was lost is sent again,
                // with the same id. (Not queued again here: a lasting failure would loop.)
                if let leased { try? await pool.withConnection { try WebhookQueue.release(leased, worker: worker, on: $0) } }
                if let held { work.letGo(held, worker: index) }
            }
        }
    }

    /// Deliveries read at once; a turn on one endpoint takes at most `turnBatches` of them before
    /// the endpoint goes back to the queue (so one busy endpoint does not keep a worker forever).
    static let batch = 20
    static let turnBatches = 5

    /// Sends the endpoint's due deliveries in order while the lease holds; the first failure
    /// schedules its retry and ends the turn (later deliveries wait behind it). Each delivery's
    /// record extends the lease for the next one, and the last one's gives the endpoint up, in the
    /// same statement: about two round trips per delivery (the send's record, and the audience
    /// and claim shared by a batch). Returns whether the turn ended with deliveries still due
    /// (its share sent: the endpoint goes back to the queue).
    private func deliver(_ claim: WebhookQueue.Claim, worker: String) async throws -> Bool {
        let lease = claim.lease
        var batch = claim.due
        turn: for round in 1...Self.turnBatches {
            guard !stopping, let lastID = batch.last?.deliveryID else { break }
            // Asked again now: an issue restricted since the event is no longer told about. Read
            // once for the batch, and again before a send when a second has passed since (a slow
            // receiver must not stretch the time between the check and the send).
            var audience = try await audience(of: batch)
            var audienceRead = ContinuousClock.now
            // A full batch may have more behind it: read on, or (the turn's share sent) queue the endpoint again.
            let full = batch.count == Self.batch, more = full && round < Self.turnBatches
            for (index, due) in batch.enumerated() {
                if stopping { break turn }
                let settlement: WebhookQueue.Settlement
                if ContinuousClock.now - audienceRead > .seconds(1) {
                    audience = try await self.audience(of: Array(batch[index...]))
                    audienceRead = .now
                }
                if audience.admits(due.event, organization: lease.organizationID, isSecretariat: lease.secretariat) {
                    let outcome = await send(due.event, to: lease)
                    if outcome.succeeded {
                        settlement = .delivered(outcome)
                    } else if Date().timeIntervalSince(due.createdAt) >= settings.giveUpAfter.seconds {
                        try await giveUp(due, outcome, lease: lease)
                        return false
                    } else {
                        settlement = .retry(outcome, after: backoff(attempt: due.attempts + 1))
                    }
                } else {
                    settlement = .skipped
                }
                // After a failure later deliveries wait behind its retry: the turn ends.
                let last = index == batch.count - 1
                var release = last && !more
                if case .retry = settlement { release = true }
                let releasing = release
                let held = try await pool.withConnection {
                    try WebhookQueue.settle(
                        due, settlement, lease: lease, worker: worker, extendBy: self.settings.lease, release: releasing, on: $0)
                }
                if case .retry = settlement { return false }
                if releasing || !held { return held && last && full }
            }
            batch = try await pool.withConnection { try WebhookQueue.due(lease, after: lastID, limit: Self.batch, on: $0) }
        }
        let more = !stopping && !batch.isEmpty
        // Stopping, the turn's share sent, or nothing more due: the endpoint is given up so that
        // another worker or daemon may take it at once (a lease left behind by an error runs out).
        try await pool.withConnection { try WebhookQueue.release(lease, worker: worker, on: $0) }
        return more
    }

    private func audience(of batch: [WebhookQueue.Due]) async throws -> EventAudience {
        let events = batch.map(\.event)
        return try await pool.withConnection { try EventAudience.load(for: events, on: $0) }
    }

    /// No 2xx for `giveUpAfter`: the delivery fails and the endpoint is disabled (which ends the lease).
    private func giveUp(_ due: WebhookQueue.Due, _ outcome: WebhookQueue.Outcome, lease: WebhookQueue.Lease) async throws {
        try await pool.withTransaction { connection in
            try WebhookQueue.recordAttempt(due, outcome, on: connection)
            let reason = "no successful answer for \(Int(self.settings.giveUpAfter.seconds / 3600)) hours; last: \(outcome.summary)"
            try WebhookQueue.disable(lease, due, reason: reason, on: connection)
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
