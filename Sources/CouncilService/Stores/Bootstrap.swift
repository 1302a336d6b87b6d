import CouncilDatabase

/// Creates the first secretariat administrator and their token, talking to the database
/// directly (`council admin bootstrap`). Refuses when an active secretariat admin exists unless
/// forced; forced or not, it reuses the organization (by name) and the account (by e-mail).
package enum Bootstrap {
    package struct Outcome: Sendable {
        package let organization: Organization
        package let account: Account
        package let token: IssuedToken
        /// The one-time link that sets the administrator's password for the web pages.
        package let passwordLink: IssuedPasswordLink
    }

    package struct Refused: Error, CustomStringConvertible, Sendable {
        package let description: String
    }

    package static func run(
        on connection: Connection, organizationName: String, shortName: String,
        displayName: String, email: EmailAddress, force: Bool
    ) throws -> Outcome {
        try connection.execute(script: "BEGIN", name: "bootstrap.begin")
        do {
            let outcome = try apply(connection, organizationName, shortName, displayName, email, force)
            try connection.execute(script: "COMMIT", name: "bootstrap.commit")
            return outcome
        } catch {
            try? connection.execute(script: "ROLLBACK", name: "bootstrap.rollback")
            throw error
        }
    }

    private static func apply(
        _ connection: Connection, _ organizationName: String, _ shortName: String,
        _ displayName: String, _ email: EmailAddress, _ force: Bool
    ) throws -> Outcome {
        try connection.query(Query("bootstrap.lock", "SELECT pg_advisory_xact_lock(\(0x626F_6F74)) AS locked"))
        let admins = try connection.query(
            Query(
                "bootstrap.admins",
                """
                SELECT a.email FROM accounts a JOIN organizations o ON o.id = a.organization_id
                WHERE o.kind = 'secretariat' AND o.active AND a.role = 'admin' AND a.active ORDER BY a.id
                """)
        ).rows.map { try $0.decode("email", as: String.self) }
        if !admins.isEmpty, !force {
            throw Refused(
                description:
                    "a secretariat admin already exists (\(admins.joined(separator: ", "))); nothing was changed. Use --force to add an admin or a new token anyway"
            )
        }
        let actor = AuditActor.system
        let draft = OrganizationDraft(
            kind: .secretariat, category: nil, ministry: nil, name: organizationName,
            shortName: shortName, corporateNumber: nil)
        try draft.validate()
        let organization: Organization
        if let id: Int = try connection.query(
            Query(
                "bootstrap.organizationByName",
                """
                SELECT id FROM organizations WHERE name_key = lower(normalize(\(draft.name)::text, NFKC))
                """)
        ).first?.decode("id") {
            organization = try OrganizationStore.fetch(id, on: connection, lock: true)!
            guard organization.kind == .secretariat else {
                throw Refused(description: "'\(organization.name)' exists but is a \(organization.kind.rawValue), not the secretariat")
            }
        } else {
            organization = try OrganizationStore.organization(
                try connection.query(
                    Query(
                        "bootstrap.insertOrganization",
                        """
                        INSERT INTO organizations (kind, name, short_name) VALUES ('secretariat', \(draft.name), \(draft.shortName))
                        RETURNING \(OrganizationStore.columns)
                        """)
                ).single())
            try AuditStore.record(
                connection, actor, action: .organizationCreate, entityType: .organization,
                entityID: organization.id, before: nil, after: try JSONValue.fields(of: organization))
        }

        let accountDraft = AccountDraft(
            organizationID: organization.id, displayName: displayName, email: email,
            role: .admin, orgAdmin: false)
        try accountDraft.validate()
        var account: Account
        if let id: Int = try connection.query(
            Query(
                "bootstrap.accountByEmail",
                """
                SELECT id FROM accounts WHERE email_key = lower(\(email))
                """)
        ).first?.decode("id") {
            let existing = try AccountStore.fetch(id, on: connection, lock: true)!
            guard existing.organizationID == organization.id else {
                throw Refused(description: "\(email) belongs to another organization")
            }
            account = existing
            if existing.role != .admin || !existing.active {
                try connection.query(
                    Query(
                        "bootstrap.promote",
                        """
                        UPDATE accounts SET role = 'admin', active = true, updated_at = now() WHERE id = \(id)
                        """))
                try AccountStore.replacePrefectures(id, [], on: connection)
                account = try AccountStore.fetch(id, on: connection, lock: false)!
                try AuditStore.record(
                    connection, actor, action: .accountUpdate, entityType: .account, entityID: id,
                    before: try JSONValue.fields(of: existing), after: try JSONValue.fields(of: account))
            }
        } else {
            let id: Int = try connection.query(
                Query(
                    "bootstrap.insertAccount",
                    """
                    INSERT INTO accounts (organization_id, display_name, email, role)
                    VALUES (\(organization.id), \(accountDraft.displayName), \(email), 'admin') RETURNING id
                    """)
            ).single().decode("id")
            account = try AccountStore.fetch(id, on: connection, lock: false)!
            try AuditStore.record(
                connection, actor, action: .accountCreate, entityType: .account, entityID: id,
                before: nil, after: try JSONValue.fields(of: account))
        }
        let token = try TokenStore.issue(to: account.id, name: "bootstrap", expiresAt: nil, by: actor, on: connection)
        let hasPassword: Bool = try connection.query(
            Query("bootstrap.hasPassword", "SELECT password_hash IS NOT NULL AS set FROM accounts WHERE id = \(account.id)")
        ).single().decode("set")
        let link = try PasswordLinkStore.create(for: account.id, purpose: hasPassword ? .reset : .invitation, by: actor, on: connection)
        return Outcome(organization: organization, account: account, token: token, passwordLink: link)
    }
}
