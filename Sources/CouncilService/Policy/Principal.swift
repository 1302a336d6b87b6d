/// Who is calling: resolved from the bearer token or the browser's session cookie by the
/// authentication middleware. Both resolve to the same type, so one `Policy` decides for both.
package struct Principal: Sendable, Equatable {
    package let accountID: Int
    package let organizationID: Int
    package let organizationKind: OrganizationKind
    package let role: Role
    package let orgAdmin: Bool
    /// A liaison's prefectures (their default scope); empty for everyone else.
    package let prefectures: [PrefectureCode]
    /// How the caller proved who they are.
    package let credential: Credential

    package var isSecretariat: Bool { organizationKind == .secretariat }
    package var isSecretariatAdmin: Bool { isSecretariat && role == .admin }
}

/// The proof a request carried: an API token or a browser session (ids of their rows).
package enum Credential: Sendable, Equatable {
    case token(Int)
    case session(Int)
}
