import Foundation

/// How notifications are delivered: the daemon's defaults, shorter in tests.
package struct NotificationSettings: Sendable {
    /// Which webhook targets besides public https ones are allowed (`COUNCIL_WEBHOOK_ALLOW`).
    package var targets: WebhookTargetPolicy
    /// A receiver has this long to answer, connection included.
    package var timeout: Duration = .seconds(10)
    /// How long a worker owns an endpoint before another daemon may take it over (longer than `timeout`).
    package var lease: Duration = .seconds(30)
    /// The first retry's delay; each next one doubles (jittered), up to `maxDelay`.
    package var retryBase: Duration = .seconds(5)
    package var maxDelay: Duration = .seconds(3600)
    /// After this long failing, a delivery is given up and its endpoint disabled.
    package var giveUpAfter: Duration = .seconds(24 * 3600)
    /// Endpoints delivered to at once by one daemon.
    package var workers: Int = 8
    /// Without a notification, workers and streams look anyway this often.
    package var poll: Duration = .seconds(1)
    /// After a wake, the fan-out lets commits gather this long before it reads them: under a
    /// busy council it read one or two events per transaction, more often than requests came
    /// (540 times a second for 460 status filings, a twentieth of PostgreSQL's work).
    package var gather: Duration = .milliseconds(20)
    /// Streams send a comment line this often, so proxies keep them open.
    package var heartbeat: Duration = .seconds(15)
    /// Delivered events older than this are pruned (`COUNCIL_EVENT_RETENTION_DAYS`).
    package var retention: Duration = .seconds(30 * 24 * 3600)
    /// How long the old secret still signs after a rotation.
    package var rotationOverlap: Duration = .seconds(24 * 3600)
    /// The mail relay (`COUNCIL_SMTP_URL`); nil: no mail is sent.
    package var mail: MailSettings?
    /// The hour (Japan time) daily digests go out.
    package var digestHour = 8

    /// The sender of the mails: `COUNCIL_MAIL_FROM`, else council@ the public address's host.
    func mailFrom(publicURL: String) -> String {
        mail?.from ?? "council@\(URLComponents(string: publicURL)?.host ?? "localhost")"
    }

    /// The last digest hour (Japan time) at or before `now`: a digest is due when the last one
    /// went out before it.
    func digestBoundary(before now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let today = calendar.date(bySettingHour: digestHour, minute: 0, second: 0, of: now)!
        return today <= now ? today : calendar.date(byAdding: .day, value: -1, to: today)!
    }

    package init(targets: WebhookTargetPolicy = WebhookTargetPolicy()) {
        self.targets = targets
    }
}

/// Where mail goes and as whom.
package struct MailSettings: Sendable {
    package var relay: MailRelay
    /// A PEM file of roots to trust for the relay's TLS besides the system's (`COUNCIL_SMTP_CA`).
    package var trustRoots: String?
    /// `COUNCIL_MAIL_FROM`.
    package var from: String?

    package init(relay: MailRelay, trustRoots: String? = nil, from: String? = nil) {
        self.relay = relay
        self.trustRoots = trustRoots
        self.from = from
    }
}
