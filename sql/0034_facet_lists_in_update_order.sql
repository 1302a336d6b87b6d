-- Lists filtered by facets (an area and two states: the 課題一覧) counted every match through
-- the GIN index and read each from the table, one heap page per match (1,943 pages, 5.6 ms at
-- national scale), for a page of 50 (docs/ARCHITECTURE.md, "Issue numbers, search and facets").

-- Their totals now follow the change counters like those of lists by state (IssueSearch
-- keeps them between requests): a facet that no counted column or link carries — severity,
-- category — moves the counters when it changes, as `facets` then does.
DROP TRIGGER issues_bump_change_counter_on_view_columns ON issues;
CREATE TRIGGER issues_bump_change_counter_on_view_columns AFTER UPDATE ON issues
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.visibility IS DISTINCT FROM NEW.visibility
          OR OLD.reporter_organization_id IS DISTINCT FROM NEW.reporter_organization_id
          OR OLD.assignee_organization_id IS DISTINCT FROM NEW.assignee_organization_id
          OR OLD.number IS DISTINCT FROM NEW.number OR OLD.facets IS DISTINCT FROM NEW.facets)
    EXECUTE FUNCTION bump_change_counter();

-- With the total kept, a page walks the update order and tests each issue's facets and
-- visibility from the index entry itself (an index-only scan: 3,400 entries, 1.8 ms, for the
-- same page). Every edit already writes a new entry here, since it moves updated_at. The state
-- column stays out (lists of facets test the `s:` entries): with it, the dashboard's "assigned to
-- us" (states and an organization, one plan for every organization) walked this whole index for
-- an organization with no such issue, 27 ms, instead of its organization's index, 0.1 ms.
DROP INDEX issues_updated_idx;
CREATE INDEX issues_updated_idx ON issues (updated_at, number)
    INCLUDE (facets, visibility, reporter_organization_id, assignee_organization_id);

-- The 課題一覧 of a 業務 walks that 業務's own issues only: one partial index per business area
-- (the 20 standardized areas are fixed by law), in the same order, which a list naming one
-- area uses when its page is planned for its values. Where the whole order held 67 issues per
-- match of an area in two states, the area's holds 3.4; an edit writes an entry in each index
-- of its areas (1.3 on average). A list of several areas walks the whole order. These carry the
-- state column too (a vendor's list tests it, not the `s:` entries): a partial index serves only
-- a statement planned for its values, which the dashboard's generic plans are not.
DO $$
DECLARE
    area text;
BEGIN
    FOR area IN SELECT slug FROM business_areas ORDER BY slug LOOP
        EXECUTE format('CREATE INDEX %I ON issues (updated_at, number)
                            INCLUDE (state, facets, visibility, reporter_organization_id, assignee_organization_id)
                            WHERE facets @> %L::text[]', 'issues_' || area || '_updated_idx', ARRAY['a:' || area]);
    END LOOP;
END
$$;
