-- Who blocks whom, maintained as issues change (docs/ARCHITECTURE.md, "Cross-reference views").
-- Until now every view computed its issue side afresh: an open issue's blocked links, times its
-- business areas, times its vendors — a join over the country's ~1,000,000 links that cost ~4 ms
-- for one 団体 and seconds for the national groupings, paid again after any committed change.
-- Now one row per (issue, 団体, business area, vendor) that counts against the vendor is kept in
-- the writing transaction, and a view reads its rows by index (visibility is still decided at
-- read time, from the issue, for the caller).

-- The open states (IssueState.isOpen; a test keeps the two equal).
CREATE FUNCTION issue_state_is_open(state text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT state IN ('new', 'triaged', 'in_discussion', 'on_agenda')
$$;

CREATE TABLE blocks_by_issue (
    issue_number  integer NOT NULL,
    dantai_code   char(6) NOT NULL,
    business_area text NOT NULL,
    vendor_id     bigint NOT NULL,
    -- Still `new`: counted only because the vendor reported it itself (BlockerStore.countsAgainst).
    unconfirmed   boolean NOT NULL,
    PRIMARY KEY (issue_number, dantai_code, business_area, vendor_id)
);
-- A 団体's rows and a vendor's rows each in one index, in the order a view groups them, with
-- every column: answered from the index alone while the table's pages are all-visible, which
-- an eager vacuum keeps them (a refresh rewrites only the rows that changed).
CREATE INDEX blocks_by_issue_dantai_idx ON blocks_by_issue (dantai_code, business_area, vendor_id, issue_number) INCLUDE (unconfirmed);
CREATE INDEX blocks_by_issue_vendor_idx ON blocks_by_issue (vendor_id, dantai_code, business_area, issue_number) INCLUDE (unconfirmed);
ALTER TABLE blocks_by_issue SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
                                 autovacuum_analyze_scale_factor = 0.05);

-- The rows of these issues as their stored state says (an issue of the list that does not exist
-- has none): a blocked link, for each of its business areas (else the issue's), for each vendor
-- the issue counts against — once triaged, or at once when the vendor reported it itself.
CREATE FUNCTION blocks_by_issue_of(numbers integer[])
RETURNS TABLE (issue_number integer, dantai_code char(6), business_area text, vendor_id bigint, unconfirmed boolean)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT i.number, m.dantai_code, area, v.vendor_id, i.state = 'new'
    FROM issues i
    JOIN issue_municipalities m ON m.issue_number = i.number AND m.impact = 'blocked'
    JOIN issue_vendors v ON v.issue_number = i.number
    CROSS JOIN LATERAL unnest(CASE WHEN cardinality(m.business_areas) > 0 THEN m.business_areas
        ELSE ARRAY(SELECT ia.business_area FROM issue_business_areas ia WHERE ia.issue_number = i.number) END) AS area
    WHERE i.number = ANY (numbers) AND issue_state_is_open(i.state)
      AND (i.state <> 'new' OR i.reporter_organization_id = v.vendor_id)
$$;

-- Replaces the rows of these issues. Refreshes of one issue take its row lock first, so they run
-- one after another and the last to commit computed last, from everything committed before it
-- (each statement of a READ COMMITTED transaction sees what committed before it began; a
-- REPEATABLE READ snapshot would not, so such writers are refused rather than left stale).
CREATE FUNCTION blocks_by_issue_refresh(numbers integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(numbers) = 0 THEN
        RETURN;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'issues and their links are written in READ COMMITTED transactions only (blocks_by_issue is kept from them)';
    END IF;
    PERFORM 1 FROM issues WHERE number = ANY (numbers) ORDER BY number FOR NO KEY UPDATE;
    -- Only what changed is written: unchanged rows stay as they are (and their pages all-visible).
    WITH fresh AS (SELECT * FROM blocks_by_issue_of(numbers)),
    gone AS (
        DELETE FROM blocks_by_issue b WHERE b.issue_number = ANY (numbers)
          AND NOT EXISTS (SELECT FROM fresh f WHERE f.issue_number = b.issue_number AND f.dantai_code = b.dantai_code
                                                AND f.business_area = b.business_area AND f.vendor_id = b.vendor_id))
    INSERT INTO blocks_by_issue SELECT * FROM fresh
    ON CONFLICT (issue_number, dantai_code, business_area, vendor_id) DO UPDATE SET unconfirmed = excluded.unconfirmed
        WHERE blocks_by_issue.unconfirmed <> excluded.unconfirmed;
END
$$;

-- The links', vendors' and areas' statement trigger: the issue numbers the statement touched, from
-- its transition tables (only the tables its event has are read).
CREATE FUNCTION blocks_by_issue_after_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM blocks_by_issue_refresh(ARRAY(SELECT DISTINCT n.issue_number FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM blocks_by_issue_refresh(ARRAY(SELECT DISTINCT o.issue_number FROM old_rows o));
    ELSE
        PERFORM blocks_by_issue_refresh(ARRAY(SELECT o.issue_number FROM old_rows o UNION SELECT n.issue_number FROM new_rows n));
    END IF;
    RETURN NULL;
END
$$;

-- An issue's own row matters through its number, state and reporter only: a row trigger whose
-- WHEN compares them runs for just the issues where one changed (a comment moving the version, a
-- bulk rewrite of facets: nothing at all). A new issue has no links yet (they refer to it): the
-- links' own trigger makes its rows.
CREATE FUNCTION blocks_by_issue_after_issue_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM blocks_by_issue WHERE issue_number IN (SELECT o.number FROM old_rows o);
    RETURN NULL;
END
$$;

CREATE FUNCTION blocks_by_issue_after_issue_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM blocks_by_issue_refresh(ARRAY[OLD.number, NEW.number]);
    RETURN NULL;
END
$$;

CREATE FUNCTION blocks_by_issue_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE blocks_by_issue;
    INSERT INTO blocks_by_issue SELECT * FROM blocks_by_issue_of(ARRAY(SELECT number FROM issues));
    RETURN NULL;
END
$$;

DO $$
DECLARE
    watched text;
BEGIN
    FOREACH watched IN ARRAY ARRAY['issue_municipalities', 'issue_vendors', 'issue_business_areas']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION blocks_by_issue_after_statement()', watched || '_blocks_insert', watched);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION blocks_by_issue_after_statement()', watched || '_blocks_delete', watched);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION blocks_by_issue_after_statement()', watched || '_blocks_update', watched);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION blocks_by_issue_rebuild()', watched || '_blocks_truncate', watched);
    END LOOP;
END
$$;

CREATE TRIGGER issues_blocks_delete AFTER DELETE ON issues REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION blocks_by_issue_after_issue_delete();
CREATE TRIGGER issues_blocks_update AFTER UPDATE ON issues FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.reporter_organization_id IS DISTINCT FROM NEW.reporter_organization_id
          OR OLD.number IS DISTINCT FROM NEW.number)
    EXECUTE FUNCTION blocks_by_issue_after_issue_change();
CREATE TRIGGER issues_blocks_truncate AFTER TRUNCATE ON issues
    FOR EACH STATEMENT EXECUTE FUNCTION blocks_by_issue_rebuild();

INSERT INTO blocks_by_issue SELECT * FROM blocks_by_issue_of(ARRAY(SELECT number FROM issues));

-- The adoption side of one 団体's view: its few blocking adoptions by the 団体, not by a walk of
-- the vendor-side index (whose leading column is the product).
CREATE INDEX adoptions_blocking_dantai_idx ON adoptions (dantai_code)
    WHERE state IN ('delayed', 'specified_support') AND reason IN ('vendor_withdrawal', 'vendor_resources');
