-- Every audit row and adoption history row names who acted. A national adoption import writes
-- 34,592 of each, and PostgreSQL's per-row reference checks of the actor — three per adoption,
-- always the same account and organization — took about 1.3 s of a write that should take under
-- 3 s. The rule stays and is checked once per statement, over the distinct actors the statement
-- added: each named account and organization exists. Accounts and organizations are deactivated,
-- never deleted (the audit trail and histories name them), so instead of the references' lock
-- on the named row, deleting or truncating them is refused. A one-row insert pays about 15 µs
-- more than with the references (the statement trigger and its transition table).

ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_account_id_fkey,
                      DROP CONSTRAINT audit_log_actor_organization_id_fkey;
ALTER TABLE adoption_history DROP CONSTRAINT adoption_history_actor_account_id_fkey;

-- The error names a constraint as a reference would, so callers tell it apart the same way.
CREATE FUNCTION actor_missing(constraint_name text, what text, id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert violates %: % % does not exist', constraint_name, what, id
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = constraint_name;
END
$$;

-- One function for both tables (PL/pgSQL compiles a trigger function per table, so the
-- organization column is only read where it exists).
CREATE FUNCTION actors_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT n.id INTO missing FROM (SELECT DISTINCT actor_account_id AS id FROM added) n
    WHERE n.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = n.id) LIMIT 1;
    IF FOUND THEN PERFORM actor_missing(TG_TABLE_NAME || '_actor_account_id_fkey', 'account', missing); END IF;
    IF TG_TABLE_NAME = 'audit_log' THEN
        SELECT n.id INTO missing FROM (SELECT DISTINCT actor_organization_id AS id FROM added) n
        WHERE n.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = n.id) LIMIT 1;
        IF FOUND THEN PERFORM actor_missing('audit_log_actor_organization_id_fkey', 'organization', missing); END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_log_actors_exist AFTER INSERT ON audit_log REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION actors_exist();
CREATE TRIGGER adoption_history_actor_exists AFTER INSERT ON adoption_history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION actors_exist();
-- (audit_log refuses updates; history rows are not rewritten, but if one were, the same check.)
CREATE TRIGGER adoption_history_actor_exists_after_update AFTER UPDATE ON adoption_history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION actors_exist();

-- The rows those checks rely on stay: an identity never changes (GENERATED ALWAYS), and deleting
-- is refused.
CREATE FUNCTION refuse_deleting_actors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are deactivated, never deleted: the audit log and histories name them (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER accounts_never_deleted BEFORE DELETE OR TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_deleting_actors();
CREATE TRIGGER organizations_never_deleted BEFORE DELETE OR TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_deleting_actors();
