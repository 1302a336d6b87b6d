-- The daemon does not own the schema. Migrations run as the owner (the role that created the
-- tables); the daemon connects as a login role that is a member of council_app, which reads
-- and writes the data but cannot change its shape, cannot disable triggers (only owners and
-- superusers can), and may only add to and read the audit log and the append-only histories.
-- Roles belong to the whole cluster, so the role is made once and granted in every database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'council_app') THEN
        CREATE ROLE council_app NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO council_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO council_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO council_app;
-- Tables and sequences later migrations create (as this same owner) get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO council_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO council_app;

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, status_reports, issue_events FROM council_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM council_app;
