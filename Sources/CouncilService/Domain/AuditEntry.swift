import Foundation

/// One field's change in an audit entry.
struct FieldChange: Codable, Sendable, Equatable {
    let old: JSONValue?
    let new: JSONValue?

    /// The changes an audit row's `changes` document holds, read as Codable reads them: a
    /// `null` old or new value is absent.
    static func changes(_ document: JSONValue) -> [String: FieldChange] {
        guard case .object(let fields) = document else { return [:] }
        return fields.compactMapValues { change in
            guard case .object(let sides) = change else { return nil }
            func side(_ key: String) -> JSONValue? { sides[key].flatMap { $0 == .null ? nil : $0 } }
            return FieldChange(old: side("old"), new: side("new"))
        }
    }
}

/// A row of the append-only audit log.
struct AuditEntry: Codable, Sendable, Equatable {
    let id: Int
    let at: Date
    let actorAccountID: Int?
    let actorOrganizationID: Int?
    let action: String
    let entityType: String
    let entityID: String
    let changes: [String: FieldChange]
    /// The daemon's own id of the request.
    let requestID: String?
    /// The X-Request-Id the client sent, if any: the client's word, kept beside ours.
    let clientRequestID: String?
}

/// Who made a change and in which request: carried into every store mutation.
struct AuditActor: Sendable {
    let accountID: Int?
    let organizationID: Int?
    /// The daemon's own id of the request.
    let requestID: String?
    /// The X-Request-Id the client sent, if any.
    let clientRequestID: String?

    init(accountID: Int?, organizationID: Int?, requestID: String?, clientRequestID: String? = nil) {
        self.accountID = accountID
        self.organizationID = organizationID
        self.requestID = requestID
        self.clientRequestID = clientRequestID
    }

    init(_ principal: Principal, requestID: String, clientRequestID: String? = nil) {
        self.init(
            accountID: principal.accountID, organizationID: principal.organizationID, requestID: requestID,
            clientRequestID: clientRequestID)
    }

    /// The system itself (bootstrap).
    static let system = AuditActor(accountID: nil, organizationID: nil, requestID: nil)
}

struct AuditFilter: Sendable {
    var actorAccount: Int?
    var actorOrganization: Int?
    var entityType: String?
    var entityID: String?
    var action: String?
    var since: Date?
    var until: Date?
    init() {}
}

/// A page of a log read newest first; `nextBefore` continues it.
struct AuditPage: Codable, Sendable {
    let items: [AuditEntry]
    let nextBefore: Int?
}
