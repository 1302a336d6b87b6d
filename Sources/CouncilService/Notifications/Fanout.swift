import CouncilDatabase

/// Turns new outbox events into deliveries — webhooks and, with a relay, mail. One daemon at a
/// time (the cursor row's lock, skipped by the others), in outbox order, so each endpoint's
/// deliveries are created in event order; the cursor moves in the same transaction.
enum Fanout {
    struct Result {
        /// How many events it read (0: nothing new, or another daemon is at it).
        var events = 0
        /// The webhook endpoints it gave deliveries to.
        var endpoints: [Int] = []
    }

    static func run(limit: Int, mail: Bool, on connection: Connection) throws -> Result {
        guard
            let cursor = try connection.query(
                Query(
                    "fanout.cursor",
                    """
                    SELECT xact::text AS xact, event_id, outbox_horizon()::text AS horizon
                    FROM outbox_cursors WHERE name = 'fanout' FOR UPDATE SKIP LOCKED
                    """)
            ).first
        else { return Result() }
        let position = OutboxPosition(xact: UInt64(try cursor.decode("xact", as: String.self)) ?? 0, id: try cursor.decode("event_id"))
        let horizon = UInt64(try cursor.decode("horizon", as: String.self)) ?? 0
        let events = try Outbox.events(after: position, below: horizon, limit: limit, on: connection)
        guard let last = events.last else { return Result() }
        let audience = try EventAudience.load(for: events, on: connection)
        let endpoints = try WebhookQueue.fanOut(events, audience, on: connection)
        if mail { try MailQueue.fanOut(events, audience, on: connection) }
        try connection.query(
            Query(
                "fanout.advance",
                "UPDATE outbox_cursors SET xact = \(String(last.position.xact))::xid8, event_id = \(last.id) WHERE name = 'fanout'"))
        return Result(events: events.count, endpoints: endpoints)
    }
}
