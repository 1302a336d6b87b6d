import CouncilDatabase

/// Accounts and the prefectures of liaisons.
struct AccountStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func account(_ id: Int) async throws -> Account? {
        try await pool.withConnection { try Self.fetch(id, on: $0, lock: false) }
    }

    /// The display names of these accounts, in one statement (a page of audit entries names many).
    func displayNames(_ ids: [Int]) async throws -> [Int: String] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.withConnection { connection in
            var names: [Int: String] = [:]
            for row in try connection.query(
                Query("accounts.displayNames", "SELECT id, display_name FROM accounts WHERE id = ANY (\(ids)::bigint[])")
            ).rows {
                names[try row.decode("id")] = try row.decode("display_name")
            }
            return names
        }
    }

    func accounts(organization: Int?, role: Role?, active: Bool?, email: EmailAddress? = nil, page: Page) async throws -> Paged<Account> {
        try await pool.withConnection { connection in
            var conditions: [SQL] = ["TRUE"]
            if let organization { conditions.append("a.organization_id = \(organization)") }
            if let role { conditions.append("a.role = \(role)") }
            if let active { conditions.append("a.active = \(active)") }
            if let email { conditions.append("a.email_key = lower(\(email))") }
            let filter = SQL.joined(conditions, separator: " AND ")
            let rows = try connection.query(
                Query(
                    "accounts.list",
                    """
                    SELECT \(Self.columns) FROM accounts a JOIN organizations o ON o.id = a.organization_id
                    WHERE \(filter) ORDER BY a.id LIMIT \(page.limit) OFFSET \(page.offset)
                    """)
            ).rows
            let total: Int = try connection.query(
                Query(
                    "accounts.count",
                    """
                    SELECT count(*) AS n FROM accounts a WHERE \(filter)
                    """)
            ).single().decode("n")
            return Paged(items: try rows.map(Self.account), total: total, limit: page.limit, offset: page.offset)
        }
    }

    /// Creates an account; `authorize` sees the organization (locked) and may refuse.
    func create(
        _ draft: AccountDraft, by actor: AuditActor,
        authorize: @escaping @Sendable (Organization) throws -> Void
    ) async throws -> Account {
        try draft.validate()
        return try await pool.withTransaction { connection in
            guard let organization = try OrganizationStore.fetch(draft.organizationID, on: connection, lock: true) else {
                throw Problem.invalid("organization_id", Reason.noOrganization(draft.organizationID))
            }
            try authorize(organization)
            guard organization.active else {
                throw Problem.invalid(
                    "organization_id",
                    Reason("\(organization.name) is inactive and takes no new accounts", ja: "\(organization.name)は停止しているため新しいアカウントを作れません"))
            }
            let id: Int = try connection.query(
                Query(
                    "accounts.insert",
                    """
                    INSERT INTO accounts (organization_id, display_name, email, role, org_admin, active)
                    VALUES (\(draft.organizationID), \(draft.displayName), \(draft.email), \(draft.role), \(draft.orgAdmin), \(draft.active))
                    RETURNING id
                    """)
            ).single().decode("id")
            try Self.replacePrefectures(id, draft.prefectures, on: connection)
            let created = try Self.fetch(id, on: connection, lock: false)!
            try AuditStore.record(
                connection, actor, action: .accountCreate, entityType: .account, entityID: id,
                before: nil, after: try JSONValue.fields(of: created))
            return created
        }
    }

    /// Applies `change` to the locked current account; writes and audits only if something changed.
    func update(
        _ id: Int, by actor: AuditActor,
        _ change: @escaping @Sendable (Account) throws -> AccountDraft
    ) async throws -> Account? {
        try await pool.withTransaction { connection in
            guard let current = try Self.fetch(id, on: connection, lock: true) else { return nil }
            let draft = try change(current)
            guard draft != AccountDraft(current) else { return current }
            try draft.validate()
            try connection.query(
                Query(
                    "accounts.update",
                    """
                    UPDATE accounts SET display_name = \(draft.displayName), email = \(draft.email), role = \(draft.role),
                        org_admin = \(draft.orgAdmin), active = \(draft.active), updated_at = now()
                    WHERE id = \(id)
                    """))
            try Self.replacePrefectures(id, draft.prefectures, on: connection)
            let updated = try Self.fetch(id, on: connection, lock: false)!
            try AuditStore.record(
                connection, actor, action: .accountUpdate, entityType: .account, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            return updated
        }
    }

    static func replacePrefectures(_ account: Int, _ prefectures: [PrefectureCode], on connection: Connection) throws {
        try connection.query(Query("accounts.clearPrefectures", "DELETE FROM liaison_prefectures WHERE account_id = \(account)"))
        guard !prefectures.isEmpty else { return }
        try connection.query(
            Query(
                "accounts.setPrefectures",
                """
                INSERT INTO liaison_prefectures (account_id, prefecture_code)
                SELECT \(account), code FROM unnest(\(prefectures.map(\.rawValue))::text[]) AS code
                """))
    }

    static func fetch(_ id: Int, on connection: Connection, lock: Bool) throws -> Account? {
        let lockClause: SQL = lock ? "FOR UPDATE OF a" : ""
        return try connection.query(
            Query(
                "accounts.byID",
                """
                SELECT \(columns) FROM accounts a JOIN organizations o ON o.id = a.organization_id
                WHERE a.id = \(id) \(lockClause)
                """)
        ).first.map(account)
    }

    static let columns: SQL = """
        a.id, a.organization_id, o.kind AS organization_kind, a.display_name, a.email, a.role, a.org_admin, a.active,
        a.created_at, a.updated_at,
        ARRAY(SELECT prefecture_code FROM liaison_prefectures p WHERE p.account_id = a.id ORDER BY 1)::text[] AS prefectures
        """

    static func account(_ row: Row) throws -> Account {
        Account(
            id: try row.decode("id"), organizationID: try row.decode("organization_id"),
            organizationKind: try row.decode("organization_kind"), displayName: try row.decode("display_name"),
            email: try row.decode("email"), role: try row.decode("role"), orgAdmin: try row.decode("org_admin"),
            active: try row.decode("active"), prefectures: try row.decode("prefectures"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}
