import CouncilDatabase
import Foundation

/// Bounces: a mail the relay accepted that a mail server later returned. The report names the
/// delivery by the returned message's Message-ID (`council.event<E>.account<A>@host`, one per
/// event and person); a recipient whose action is `failed` marks that delivery bounced — only a
/// delivery that was sent, and only when the report's recipient is that account's address, so a
/// forged report can mark nothing else. Nothing is retried after a bounce.
struct MailBounceStore: Sendable {
    let pool: DatabasePool

    struct Outcome: Codable, Sendable, Equatable {
        struct Recipient: Codable, Sendable, Equatable {
            let recipient: String
            let action: String
            let status: String
            /// The delivery recorded as bounced; nil when the report matched none.
            let deliveryID: Int?

            // null, not absent, when nothing matched (as the contract says).
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(recipient, forKey: .recipient)
                try container.encode(action, forKey: .action)
                try container.encode(status, forKey: .status)
                try container.encode(deliveryID, forKey: .deliveryID)
            }
        }

        let messageID: String?
        let recipients: [Recipient]
        let recorded: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messageID, forKey: .messageID)
            try container.encode(recipients, forKey: .recipients)
            try container.encode(recorded, forKey: .recorded)
        }
    }

    func record(_ report: DeliveryStatusReport, by actor: AuditActor) async throws -> Outcome {
        let delivery = report.messageID.flatMap(Self.delivery(messageID:))
        return try await pool.withTransaction { connection in
            var recipients: [Outcome.Recipient] = []
            for recipient in report.recipients {
                var recorded: Int?
                if recipient.action == "failed", let (event, account) = delivery {
                    let error = "bounced: \(recipient.status)" + (recipient.diagnostic.map { " (\($0))" } ?? "")
                    recorded = try connection.query(
                        Query(
                            "mail.bounce",
                            """
                            UPDATE mail_deliveries d SET state = 'bounced', bounced_at = now(), last_error = left(\(error), 1000)
                            FROM accounts a
                            WHERE d.event_id = \(event) AND d.account_id = \(account) AND d.state = 'sent'
                              AND a.id = d.account_id AND a.email_key = lower(\(recipient.address))
                            RETURNING d.id
                            """)
                    ).first?.decode("id")
                }
                recipients.append(.init(recipient: recipient.address, action: recipient.action, status: recipient.status, deliveryID: recorded))
            }
            // One audit row per report received, whatever it matched: who sent it and what it recorded.
            try AuditStore.record(
                connection, actor, action: .mailBounce, entityType: .mailMessage, entityID: String((report.messageID ?? "(none)").prefix(200)),
                before: nil,
                after: [
                    "recipients": .array(
                        recipients.map { recipient in
                            .object([
                                "recipient": .string(recipient.recipient), "action": .string(recipient.action), "status": .string(recipient.status),
                                "delivery_id": recipient.deliveryID.map { .number(Double($0)) } ?? .null,
                            ])
                        })
                ])
            return Outcome(messageID: report.messageID, recipients: recipients, recorded: recipients.filter { $0.deliveryID != nil }.count)
        }
    }

    /// The event and account a Message-ID of ours names.
    static func delivery(messageID: String) -> (event: Int, account: Int)? {
        guard messageID.hasPrefix("council.event"), let at = messageID.firstIndex(of: "@") else { return nil }
        let parts = messageID[messageID.index(messageID.startIndex, offsetBy: "council.event".count)..<at].split(separator: ".")
        guard parts.count == 2, parts[1].hasPrefix("account"), let event = Int(parts[0]), let account = Int(parts[1].dropFirst("account".count))
        else { return nil }
        return (event, account)
    }
}
