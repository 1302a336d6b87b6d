-- The dashboard's "assigned to us" and "reported by us" (and the list filtered the same way)
-- count and find an organization's open issues: with the state beside the organization, the
-- count is an index-only scan of that organization's rows instead of the whole table's.
-- These replace the single-column indexes, whose leading column they keep.
CREATE INDEX issues_reporter_state_idx ON issues (reporter_organization_id, state);
CREATE INDEX issues_assignee_state_idx ON issues (assignee_organization_id, state);
DROP INDEX issues_reporter_org_idx;
DROP INDEX issues_assignee_idx;
