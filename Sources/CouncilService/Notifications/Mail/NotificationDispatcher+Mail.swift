import CouncilDatabase
import Foundation
import Logging

/// The mail side of the dispatcher: one loop per daemon takes due mail deliveries (a batch per
/// relay connection), asks again whether each recipient may see the event, sends, and records
/// what the relay said; then the daily digests that are due.
extension NotificationDispatcher {
    func mailLoop(worker: String, transport: any MailTransport) async {
        while !stopping {
            let generation = mailAvailable.generation
            do {
                let batch = try await pool.withConnection { try MailQueue.claim(worker: worker, lease: MailQueue.claimLease, limit: 20, on: $0) }
                if !batch.isEmpty {
                    try await sendMail(batch, transport)
                    continue
                }
                if try await sendDigest(now: Date(), transport) { continue }
            } catch {
                if !stopping { logger.warning("mail worker failed, retrying: \(error)") }
            }
            guard !stopping else { return }
            await mailAvailable.wait(since: generation, timeout: settings.poll)
        }
    }

    var mailHost: String { URLComponents(string: publicURL)?.host ?? "council" }

    private func sendMail(_ batch: [MailQueue.Claimed], _ transport: any MailTransport) async throws {
        let (admitted, tokens) = try await pool.withConnection { connection in
            let audience = try EventAudience.load(for: batch.map(\.event), on: connection)
            let admitted = batch.map { audience.admits($0.event, organization: $0.account.organizationID, isSecretariat: $0.account.secretariat) }
            let tokens = try Dictionary(
                Set(batch.map(\.account.id)).map { ($0, try MailQueue.unsubscribeToken(for: $0, on: connection)) }, uniquingKeysWith: { a, _ in a })
            return (admitted, tokens)
        }
        var sendable: [MailQueue.Claimed] = []
        for (claimed, ok) in zip(batch, admitted) {
            if ok {
                sendable.append(claimed)
            } else {
                try await pool.withConnection { try MailQueue.finish(claimed.deliveryID, as: "skipped", error: nil, on: $0) }
            }
        }
        let envelopes = sendable.map { claimed in
            let unsubscribe = tokens[claimed.account.id].map { "\(publicURL)/unsubscribe/\($0)" }
            let message = MailMessage(
                from: .init(name: "Council 事業者協議会", email: settings.mailFrom(publicURL: publicURL)),
                to: .init(name: claimed.account.name, email: claimed.account.email), subject: MailText.subject(claimed.event),
                body: MailText.body(claimed.event, actor: claimed.actor, publicURL: publicURL, unsubscribeURL: unsubscribe),
                messageID: "council.event\(claimed.event.id).account\(claimed.account.id)@\(mailHost)",
                thread: claimed.event.issueNumber.map { "council.issue\($0)@\(mailHost)" }, unsubscribeURL: unsubscribe, date: claimed.event.at)
            return MailEnvelope(from: settings.mailFrom(publicURL: publicURL), to: claimed.account.email, message: message.rendered)
        }
        let outcomes = await transport.send(envelopes)
        let sent = sendable
        try await pool.withTransaction { connection in
            for (claimed, outcome) in zip(sent, outcomes) {
                switch outcome {
                case .sent:
                    try MailQueue.finish(claimed.deliveryID, as: "sent", error: nil, on: connection)
                case .refused(let reason):
                    // A refused address is recorded, never retried.
                    try MailQueue.finish(claimed.deliveryID, as: "failed", error: reason, on: connection)
                case .failed(let reason):
                    if Date().timeIntervalSince(claimed.createdAt) >= self.settings.giveUpAfter.seconds {
                        try MailQueue.finish(claimed.deliveryID, as: "failed", error: reason, on: connection)
                    } else {
                        try MailQueue.retry(claimed.deliveryID, after: self.backoff(attempt: claimed.attempts + 1), error: reason, on: connection)
                    }
                }
            }
        }
    }

    /// Sends one due digest; false when none is due. A digest the relay does not take stays
    /// (its deliveries wait for the next day's), none is lost.
    func sendDigest(now: Date, _ transport: any MailTransport) async throws -> Bool {
        let boundary = settings.digestBoundary(before: now)
        struct Due: Sendable {
            let account: Int
            let deliveries: [Int]
            let events: [OutboxEvent]
            let recipient: MailMessage.Address
            let token: String
        }
        guard
            let due = try await pool.withTransaction({ connection -> Due? in
                guard let digest = try MailQueue.claimDigest(boundary: boundary, now: now, on: connection) else { return nil }
                guard
                    let row = try connection.query(
                        Query(
                            "mail.digestRecipient",
                            """
                            SELECT a.display_name, a.email, a.organization_id, o.kind = 'secretariat' AS secretariat
                            FROM accounts a JOIN organizations o ON o.id = a.organization_id WHERE a.id = \(digest.account) AND a.active
                            """)
                    ).first
                else { return nil }
                let audience = try EventAudience.load(for: digest.events, on: connection)
                let organization: Int = try row.decode("organization_id")
                let secretariat: Bool = try row.decode("secretariat")
                let visible = digest.events.filter { audience.admits($0, organization: organization, isSecretariat: secretariat) }
                return Due(
                    account: digest.account, deliveries: digest.deliveries, events: visible,
                    recipient: MailMessage.Address(name: try row.decode("display_name"), email: try row.decode("email")),
                    token: try MailQueue.unsubscribeToken(for: digest.account, on: connection))
            })
        else { return false }
        let (account, deliveries, events, recipient, token) = (due.account, due.deliveries, due.events, due.recipient, due.token)
        var outcome = MailOutcome.sent
        if !events.isEmpty {
            let unsubscribe = "\(publicURL)/unsubscribe/\(token)"
            let text = MailText.digest(events, publicURL: publicURL, unsubscribeURL: unsubscribe)
            let message = MailMessage(
                from: .init(name: "Council 事業者協議会", email: settings.mailFrom(publicURL: publicURL)), to: recipient, subject: text.subject,
                body: text.body, messageID: "council.digest\(account).\(Int(now.timeIntervalSince1970))@\(mailHost)", thread: nil,
                unsubscribeURL: unsubscribe, date: now)
            outcome =
                await transport.send([MailEnvelope(from: settings.mailFrom(publicURL: publicURL), to: recipient.email, message: message.rendered)])
                .first ?? .failed("no answer")
        }
        if case .failed(let reason) = outcome {
            logger.warning("the daily digest of account \(account) was not taken by the relay; it goes with tomorrow's: \(reason)")
        }
        let result = outcome
        try await pool.withConnection { connection in
            switch result {
            case .sent:
                try connection.query(
                    Query(
                        "mail.digestSent",
                        "UPDATE mail_deliveries SET state = 'sent', sent_at = clock_timestamp() WHERE id = ANY(\(deliveries)::bigint[])"))
            case .refused(let reason):
                try connection.query(
                    Query(
                        "mail.digestRefused",
                        "UPDATE mail_deliveries SET state = 'failed', last_error = \(reason) WHERE id = ANY(\(deliveries)::bigint[])"))
            case .failed:
                break
            }
        }
        return true
    }
}
