-- The cross-reference views read of an issue its number, state, visibility and reporting and
-- assigned organizations (its vendors, areas and links have triggers of their own). Until now
-- every UPDATE of an issue — a comment moving its version, a new title, a relation — moved the
-- change counters and so recomputed every cached view in the country. Now an UPDATE moves them
-- only when one of those columns changes; INSERT, DELETE and TRUNCATE always do.
DROP TRIGGER issues_bump_change_counter ON issues;
CREATE TRIGGER issues_bump_change_counter AFTER INSERT OR DELETE OR TRUNCATE ON issues
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter();

CREATE TRIGGER issues_bump_change_counter_on_view_columns AFTER UPDATE ON issues
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.visibility IS DISTINCT FROM NEW.visibility
          OR OLD.reporter_organization_id IS DISTINCT FROM NEW.reporter_organization_id
          OR OLD.assignee_organization_id IS DISTINCT FROM NEW.assignee_organization_id
          OR OLD.number IS DISTINCT FROM NEW.number)
    EXECUTE FUNCTION bump_change_counter();  -- 0008's function serves row triggers as well
