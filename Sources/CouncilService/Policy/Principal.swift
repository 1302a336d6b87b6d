/// Who is calling: resolved from the bearer token by the authentication middleware.
package struct Principal: Sendable, Equatable {
    package let accountID: Int
    package let organizationID: Int
    package let organizationKind: OrganizationKind
    package let role: Role
    package let orgAdmin: Bool
    /// A liaison's prefectures (their default scope); empty for everyone else.
    package let prefectures: [PrefectureCode]
    package let tokenID: Int

    package var isSecretariat: Bool { organizationKind == .secretariat }
    package var isSecretariatAdmin: Bool { isSecretariat && role == .admin }
}
