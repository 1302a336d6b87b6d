import CouncilDatabase
import Foundation

/// A receiver an organization registered: what the API shows (never its secret after creation).
struct WebhookEndpoint: Codable, Sendable, Equatable {
    let id: Int
    let organizationID: Int
    let url: String
    /// Empty: every kind.
    let eventTypes: [EventKind]
    let scope: WebhookScope
    let description: String
    let enabled: Bool
    let disabledReason: String?
    /// Until when the secret replaced by the last rotation still signs too.
    let previousSecretUntil: Date?
    let createdAt: Date
    let updatedAt: Date
    /// Only in the answer that creates the endpoint or rotates its secret: shown once.
    var secret: String?
}

enum WebhookDeliveryState: String, Codable, Sendable, CaseIterable, PostgresRawTextEncodable, PostgresDecodable {
    case pending, delivered, failed, skipped
}

/// One attempt to deliver: what the receiver answered and how long it took.
struct WebhookAttempt: Codable, Sendable {
    let at: Date
    let status: Int?
    let latencyMs: Int
    let response: String
    let error: String?
}

/// One event for one endpoint, with every attempt (the endpoint's delivery log).
struct WebhookDelivery: Codable, Sendable {
    let id: Int
    let endpointID: Int
    let eventID: Int
    let eventType: EventKind
    /// The `webhook-id` header: the same on every attempt and redelivery of the event.
    let messageID: String
    let state: WebhookDeliveryState
    let attempts: Int
    let nextAttemptAt: Date?
    let createdAt: Date
    let finishedAt: Date?
    let log: [WebhookAttempt]
}

/// What an endpoint hears of (sql/0024).
enum WebhookScope: String, Codable, Sendable, CaseIterable, SlugDecodable, PostgresRawTextEncodable, PostgresDecodable {
    /// Everything its organization may see.
    case all
    /// Only what concerns its organization: issues it reported, is assigned or is named in, its
    /// filings, its endpoints.
    case own
}
