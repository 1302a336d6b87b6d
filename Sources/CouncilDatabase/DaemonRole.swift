/// The database role the daemon works as (sql/0014): a login role in `council_app`, which may
/// read and write the data but not change the schema, disable triggers or rewrite the audit log.
/// Migrations run as the schema's owner; the daemon's own connections never do.
public enum DaemonRole {
    public static let group = "council_app"
    /// The login role of the embedded cluster (reached only through its private unix socket).
    public static let embeddedLogin = "council_daemon"

    /// Makes `login` a login role in `council_app`, once the owner has migrated (so the group
    /// exists). Without a password: only for clusters reached through a private socket.
    public static func ensureLogin(_ login: String, on owner: Connection) throws {
        let exists: Bool = try owner.query(Query("roles.exists", "SELECT count(*) = 1 AS found FROM pg_roles WHERE rolname = \(login)"))
            .single().decode("found")
        // Identifiers cannot be bound; the server quotes the name (%I) from a bound value.
        let statements: SQL =
            exists
            ? "SELECT format('GRANT %I TO %I', \(group)::text, \(login)::text) AS ddl"
            : "SELECT format('CREATE ROLE %I LOGIN IN ROLE %I', \(login)::text, \(group)::text) AS ddl"
        let ddl: String = try owner.query(Query("roles.ddl", statements)).single().decode("ddl")
        try owner.execute(script: ddl, name: "roles.ensureLogin")
    }

    /// Whether this connection's role could rewrite history: a superuser, or a member of the
    /// role that owns `audit_log`.
    public static func isPrivileged(_ connection: Connection) throws -> Bool {
        try connection.query(
            Query(
                "roles.privileged",
                """
                SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                    OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'audit_log'::regclass), 'USAGE') AS privileged
                """)
        ).single().decode("privileged")
    }
}
