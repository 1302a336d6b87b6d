import Foundation

/// The JSON every channel sends for an event (webhook body, stream `data:`), in Standard
/// Webhooks' shape: `type`, `timestamp`, `data`. `data` is what the change recorded, plus the
/// event's id, its actor and, for an issue, the address of its page.
enum EventPayload {
    static func json(_ event: OutboxEvent, publicURL: String) throws -> [UInt8] {
        var data = event.data
        data["event_id"] = .number(Double(event.id))
        if let account = event.actorAccountID { data["actor_account_id"] = .number(Double(account)) }
        if let organization = event.actorOrganizationID { data["actor_organization_id"] = .number(Double(organization)) }
        if let number = event.issueNumber { data["html_url"] = .string("\(publicURL)/issues/\(number)") }
        let payload: JSONValue = .object([
            "type": .string(event.kind.rawValue),
            "timestamp": .string(Self.timestamp(event.at)),
            "data": .object(data),
        ])
        return Array(try JSONCoding.encoder.encode(payload))
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
