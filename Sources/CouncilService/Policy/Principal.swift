/// Who is calling: resolved from the bearer token by the authentication middleware.
public struct Principal: Sendable, Equatable {
    public let accountID: Int
    public let organizationID: Int
    public let organizationKind: OrganizationKind
    public let role: Role
    public let orgAdmin: Bool
    /// A liaison's prefectures (their default scope); empty for everyone else.
    public let prefectures: [PrefectureCode]
    public let tokenID: Int

    public var isSecretariat: Bool { organizationKind == .secretariat }
    public var isSecretariatAdmin: Bool { isSecretariat && role == .admin }
}
