-- What the visibility and workflow checks read of an issue, in its index: the blocker and
-- search queries then check thousands of issues without visiting the (wide) issue rows.
CREATE INDEX issues_access_idx ON issues (number) INCLUDE (state, visibility, reporter_organization_id, assignee_organization_id);
