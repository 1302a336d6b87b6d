import Foundation

/// One field's change in an audit entry.
public struct FieldChange: Codable, Sendable, Equatable {
    public let old: JSONValue?
    public let new: JSONValue?
}

/// A row of the append-only audit log.
public struct AuditEntry: Codable, Sendable, Equatable {
    public let id: Int
    public let at: Date
    public let actorAccountId: Int?
    public let actorOrganizationId: Int?
    public let action: String
    public let entityType: String
    public let entityId: String
    public let changes: [String: FieldChange]
    /// The daemon's own id of the request.
    public let requestId: String?
    /// The X-Request-Id the client sent, if any: the client's word, kept beside ours.
    public let clientRequestId: String?
}

/// Who made a change and in which request: carried into every store mutation.
public struct AuditActor: Sendable {
    public let accountID: Int?
    public let organizationID: Int?
    /// The daemon's own id of the request.
    public let requestID: String?
    /// The X-Request-Id the client sent, if any.
    public let clientRequestID: String?

    public init(accountID: Int?, organizationID: Int?, requestID: String?, clientRequestID: String? = nil) {
        self.accountID = accountID
        self.organizationID = organizationID
        self.requestID = requestID
        self.clientRequestID = clientRequestID
    }

    public init(_ principal: Principal, requestID: String, clientRequestID: String? = nil) {
        self.init(
            accountID: principal.accountID, organizationID: principal.organizationID, requestID: requestID,
            clientRequestID: clientRequestID)
    }

    /// The system itself (bootstrap).
    public static let system = AuditActor(accountID: nil, organizationID: nil, requestID: nil)
}

public struct AuditFilter: Sendable {
    public var actorAccount: Int?
    public var actorOrganization: Int?
    public var entityType: String?
    public var entityID: String?
    public var action: String?
    public var since: Date?
    public var until: Date?
    public init() {}
}

/// A page of a log read newest first; `nextBefore` continues it.
public struct AuditPage: Codable, Sendable {
    public let items: [AuditEntry]
    public let nextBefore: Int?
}
