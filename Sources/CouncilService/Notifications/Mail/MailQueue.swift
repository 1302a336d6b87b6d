import CouncilDatabase
import Foundation

/// Who gets mail for which event, and the mail deliveries' life: created by the fan-out, claimed
/// by a worker of any daemon (`FOR UPDATE SKIP LOCKED` and a claim that runs out), sent, retried,
/// refused, or gathered into a daily digest.
enum MailQueue {
    enum Mode: String, Codable, Sendable, CaseIterable, PostgresRawTextEncodable, PostgresDecodable {
        /// A mail per change.
        case each
        /// One mail a day listing the changes.
        case digest
        case none
    }

    /// One person who may be told, with how they want to be.
    struct Recipient: Sendable {
        let accountID: Int
        let organizationID: Int
        let secretariat: Bool
        let mode: Mode
    }

    /// Those concerned with each issue: its reporter, the assigned organization's members, its
    /// watchers (accounts, and organizations' members). Active accounts of active organizations.
    static func concerned(with issues: [Int], on connection: Connection) throws -> [Int: [Recipient]] {
        guard !issues.isEmpty else { return [:] }
        let rows = try connection.query(
            Query(
                "mail.concerned",
                """
                WITH i AS (SELECT number, reporter_account_id, assignee_organization_id FROM issues WHERE number = ANY(\(issues)::integer[])),
                concerned AS (
                    SELECT number, reporter_account_id AS account_id FROM i
                    UNION SELECT i.number, a.id FROM i JOIN accounts a ON a.organization_id = i.assignee_organization_id
                    UNION SELECT w.issue_number, w.account_id FROM issue_watchers w
                          WHERE w.issue_number = ANY(\(issues)::integer[]) AND w.account_id IS NOT NULL
                    UNION SELECT w.issue_number, a.id FROM issue_watchers w JOIN accounts a ON a.organization_id = w.organization_id
                          WHERE w.issue_number = ANY(\(issues)::integer[])
                )
                SELECT c.number, \(recipientColumns)
                FROM concerned c JOIN accounts a ON a.id = c.account_id \(recipientJoins)
                """)
        ).rows
        var result: [Int: [Recipient]] = [:]
        for row in rows { result[try row.decode("number"), default: []].append(try recipient(row)) }
        return result
    }

    /// Every member of the secretariat (new critical issues).
    static func secretariat(on connection: Connection) throws -> [Recipient] {
        try connection.query(
            Query("mail.secretariat", "SELECT \(recipientColumns) FROM accounts a \(recipientJoins) WHERE o.kind = 'secretariat'")
        ).rows.map(recipient)
    }

    /// The administrators of an organization (its org admins; the secretariat's admins).
    static func administrators(of organization: Int, on connection: Connection) throws -> [Recipient] {
        try connection.query(
            Query(
                "mail.administrators",
                """
                SELECT \(recipientColumns) FROM accounts a \(recipientJoins)
                WHERE a.organization_id = \(organization) AND (a.org_admin OR (o.kind = 'secretariat' AND a.role = 'admin'))
                """)
        ).rows.map(recipient)
    }

    static let recipientColumns: SQL = """
        a.id AS account_id, a.organization_id, o.kind = 'secretariat' AS secretariat, coalesce(s.mail, 'each') AS mail
        """
    static let recipientJoins: SQL = """
        JOIN organizations o ON o.id = a.organization_id AND o.active
        LEFT JOIN notification_settings s ON s.account_id = a.id
        WHERE a.active
        """

    static func recipient(_ row: Row) throws -> Recipient {
        Recipient(
            accountID: try row.decode("account_id"), organizationID: try row.decode("organization_id"),
            secretariat: try row.decode("secretariat"), mode: try row.decode("mail"))
    }

    /// The mail deliveries of a batch of events, in the fan-out's transaction: for issue events
    /// (and agenda items about an issue) those concerned with the issue, the secretariat besides
    /// for a new critical issue, an organization's administrators for its disabled webhook —
    /// never the one who made the change, and only those who may see the event.
    static func fanOut(_ events: [OutboxEvent], _ audience: EventAudience, on connection: Connection) throws {
        let mailed = events.filter { $0.issueNumber != nil || $0.kind == .webhookDisabled }
        guard !mailed.isEmpty else { return }
        let concerned = try concerned(with: Array(Set(mailed.compactMap(\.issueNumber))), on: connection)
        let criticalCreated = mailed.contains { $0.kind == .issueCreated && $0.data["issue"]?.object?["severity"]?.string == "critical" }
        let secretariat = criticalCreated ? try secretariat(on: connection) : []
        var eventIDs: [Int] = [], accountIDs: [Int] = [], states: [String] = []
        for event in mailed {
            var recipients = event.issueNumber.flatMap { concerned[$0] } ?? []
            if event.kind == .issueCreated && event.data["issue"]?.object?["severity"]?.string == "critical" { recipients += secretariat }
            if event.kind == .webhookDisabled, let organization = event.audienceOrganizationID {
                recipients += try administrators(of: organization, on: connection)
            }
            var seen = Set<Int>()
            for recipient in recipients where recipient.mode != .none && recipient.accountID != event.actorAccountID {
                guard seen.insert(recipient.accountID).inserted,
                    audience.admits(event, organization: recipient.organizationID, isSecretariat: recipient.secretariat)
                else { continue }
                eventIDs.append(event.id)
                accountIDs.append(recipient.accountID)
                states.append(recipient.mode == .digest ? "digest" : "pending")
            }
        }
        guard !eventIDs.isEmpty else { return }
        try connection.query(
            Query(
                "mail.fanout",
                """
                INSERT INTO mail_deliveries (event_id, account_id, state)
                SELECT * FROM unnest(\(eventIDs)::bigint[], \(accountIDs)::bigint[], \(states)::text[])
                ON CONFLICT (event_id, account_id) DO NOTHING
                """))
    }

    /// A claimed delivery with what its mail needs.
    struct Claimed: Sendable {
        let deliveryID: Int
        let attempts: Int
        let createdAt: Date
        let event: OutboxEvent
        let account: (id: Int, name: String, email: String, organizationID: Int, secretariat: Bool)
        let actor: MailText.Actor?
    }

    /// How long a batch is claimed: longer than any SMTP session, so no other daemon sends it
    /// meanwhile; a daemon killed while sending leaves it to another after that.
    static let claimLease: Duration = SMTPTransport.sessionLimit + .seconds(60)

    /// Up to `limit` due deliveries, claimed for `lease`.
    static func claim(worker: String, lease: Duration, limit: Int, on connection: Connection) throws -> [Claimed] {
        try connection.query(
            Query(
                "mail.claim",
                """
                WITH claimed AS (
                    UPDATE mail_deliveries d SET locked_until = clock_timestamp() + make_interval(secs => \(lease.seconds)), locked_by = \(worker)
                    WHERE d.id IN (
                        SELECT id FROM mail_deliveries
                        WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
                          AND (locked_until IS NULL OR locked_until < clock_timestamp())
                        ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                    RETURNING d.id, d.event_id, d.account_id, d.attempts, d.created_at
                )
                SELECT c.id AS delivery_id, c.attempts, c.created_at AS delivery_created_at,
                       a.id AS account_id, a.display_name, a.email, a.organization_id, ao.kind = 'secretariat' AS secretariat,
                       actor.display_name AS actor_name, actor_org.name AS actor_organization, \(Outbox.columns)
                FROM claimed c JOIN outbox_events e ON e.id = c.event_id
                JOIN accounts a ON a.id = c.account_id JOIN organizations ao ON ao.id = a.organization_id
                LEFT JOIN accounts actor ON actor.id = e.actor_account_id
                LEFT JOIN organizations actor_org ON actor_org.id = actor.organization_id
                ORDER BY c.id
                """)
        ).rows.compactMap { row in
            guard let event = try Outbox.event(row) else { return nil }
            let actorName: String? = try row.decodeIfPresent("actor_name")
            return Claimed(
                deliveryID: try row.decode("delivery_id"), attempts: try row.decode("attempts"), createdAt: try row.decode("delivery_created_at"),
                event: event,
                account: (
                    try row.decode("account_id"), try row.decode("display_name"), try row.decode("email"), try row.decode("organization_id"),
                    try row.decode("secretariat")
                ),
                actor: actorName.map { MailText.Actor(name: $0, organization: (try? row.decode("actor_organization", as: String.self)) ?? "") })
        }
    }

    static func finish(_ id: Int, as state: String, error: String?, on connection: Connection) throws {
        try connection.query(
            Query(
                "mail.finish",
                """
                UPDATE mail_deliveries SET state = \(state), attempts = attempts + 1, last_error = \(error), locked_until = NULL,
                       sent_at = CASE WHEN \(state) = 'sent' THEN clock_timestamp() END
                WHERE id = \(id)
                """))
    }

    static func retry(_ id: Int, after delay: Duration, error: String, on connection: Connection) throws {
        try connection.query(
            Query(
                "mail.retry",
                """
                UPDATE mail_deliveries SET attempts = attempts + 1, last_error = \(error), locked_until = NULL,
                       next_attempt_at = clock_timestamp() + make_interval(secs => \(delay.seconds))
                WHERE id = \(id)
                """))
    }

    /// The account's secret for its one-click unsubscribe link, made on first use.
    static func unsubscribeToken(for account: Int, on connection: Connection) throws -> String {
        try connection.query(
            Query(
                "mail.unsubscribeToken",
                """
                WITH made AS (
                    INSERT INTO mail_unsubscribe_tokens (token, account_id)
                    VALUES (\(TokenSecret.generate(prefix: "un_"))::text, \(account)) ON CONFLICT (account_id) DO NOTHING RETURNING token
                )
                SELECT token FROM made UNION ALL SELECT token FROM mail_unsubscribe_tokens WHERE account_id = \(account)
                LIMIT 1
                """)
        ).single().decode("token")
    }

    /// Takes the daily digest of one account whose digest is due (before `boundary`, the last
    /// morning's hour): marks it taken so no other daemon sends it, and returns its events.
    static func claimDigest(boundary: Date, now: Date, on connection: Connection) throws -> (account: Int, deliveries: [Int], events: [OutboxEvent])?
    {
        guard
            let account: Int = try connection.query(
                Query(
                    "mail.claimDigest",
                    """
                    UPDATE notification_settings s SET last_digest_at = \(now)
                    WHERE s.account_id = (
                        SELECT s2.account_id FROM notification_settings s2
                        WHERE s2.mail = 'digest' AND coalesce(s2.last_digest_at, '-infinity') < \(boundary)
                          AND EXISTS (SELECT 1 FROM mail_deliveries d WHERE d.account_id = s2.account_id AND d.state = 'digest')
                        LIMIT 1 FOR UPDATE SKIP LOCKED)
                    RETURNING s.account_id
                    """)
            ).first?.decode("account_id")
        else { return nil }
        let rows = try connection.query(
            Query(
                "mail.digestEvents",
                """
                SELECT d.id AS delivery_id, \(Outbox.columns) FROM mail_deliveries d JOIN outbox_events e ON e.id = d.event_id
                WHERE d.account_id = \(account) AND d.state = 'digest' ORDER BY e.xact, e.id
                """)
        ).rows
        return (account, try rows.map { try $0.decode("delivery_id") }, try rows.compactMap(Outbox.event))
    }
}
