-- The tracker's core at national scale (docs/ARCHITECTURE.md, "Issue numbers, search and facets").

-- Numbers from a sequence: creates no longer queue behind one counter row held to COMMIT. A
-- rolled-back create leaves a gap, as in Redmine, GitLab and GitHub, and gaps no longer tell a
-- vendor how many restricted issues were filed between two it can see.
CREATE SEQUENCE issue_numbers AS integer OWNED BY issues.number;
SELECT setval('issue_numbers', coalesce((SELECT max(number) FROM issues), 0) + 1, false);
ALTER TABLE issues ALTER COLUMN number SET DEFAULT nextval('issue_numbers');
DROP TABLE issue_number_counter;

-- Search grams per source: the issue's own text on the issue, each comment's on the comment, so
-- a comment adds its own grams without rebuilding the issue's. The daemon computes them
-- (IssueSearchKey.grams); search_grams() stays for bulk writes (this migration, the seed) and a
-- test keeps the two equal.
DROP INDEX issues_search_grams_idx;
ALTER TABLE issues DROP COLUMN search_grams, DROP COLUMN search_text;
ALTER TABLE issues ADD COLUMN search_grams text[] NOT NULL DEFAULT '{}';
UPDATE issues SET search_grams = search_grams(own_search_key);
CREATE INDEX issues_search_grams_idx ON issues USING gin (search_grams);

ALTER TABLE issue_comments ADD COLUMN search_grams text[] NOT NULL DEFAULT '{}';
UPDATE issue_comments SET search_grams = search_grams(search_key);
CREATE INDEX issue_comments_search_grams_idx ON issue_comments USING gin (search_grams);

-- Facets: what lists filter on, as one array per issue behind one GIN index, so a filter by
-- vendor, business area and states is an intersection of posting lists instead of joins. The
-- state is also a column: alone or with an organization it is answered by the btree indexes
-- (0019's (organization, state) ones count the dashboard's lists from the index alone), with
-- other facets it joins the intersection. issue_facets_of is the only definition of the entries.
CREATE FUNCTION issue_facets_of(
    state text, severity text, category text, vendor_ids bigint[], business_areas text[], dantai_codes text[], impacts text[]
) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ARRAY['s:' || state, 'sev:' || severity, 'c:' || category]
        || ARRAY(SELECT DISTINCT 'v:' || v FROM unnest(vendor_ids) AS v)
        || ARRAY(SELECT DISTINCT 'a:' || a FROM unnest(business_areas) AS a)
        || ARRAY(SELECT DISTINCT 'i:' || i FROM unnest(impacts) AS i)
        || ARRAY(SELECT DISTINCT f FROM unnest(dantai_codes) AS d JOIN prefectures p ON p.code = left(d, 2),
                 LATERAL (VALUES ('p:' || p.code), ('b:' || p.block)) AS x (f))
$$;

-- An issue's facets from its stored links, with the given state, severity and category (an
-- UPDATE passes the values it is setting).
CREATE FUNCTION issue_facets(issue integer, state text, severity text, category text) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT issue_facets_of(state, severity, category,
        ARRAY(SELECT vendor_id FROM issue_vendors WHERE issue_number = issue),
        ARRAY(SELECT business_area FROM issue_business_areas WHERE issue_number = issue),
        ARRAY(SELECT dantai_code::text FROM issue_municipalities WHERE issue_number = issue),
        ARRAY(SELECT impact FROM issue_municipalities WHERE issue_number = issue))
$$;

ALTER TABLE issues ADD COLUMN facets text[] NOT NULL DEFAULT '{}';
UPDATE issues SET facets = issue_facets(number, state, severity, category);
CREATE INDEX issues_facets_idx ON issues USING gin (facets);

-- Pages ordered by update time within one organization's reported or assigned issues (the
-- dashboard's lists) stop after a page instead of sorting every match.
CREATE INDEX issues_reporter_updated_idx ON issues (reporter_organization_id, updated_at, number);
CREATE INDEX issues_assignee_updated_idx ON issues (assignee_organization_id, updated_at, number)
    WHERE assignee_organization_id IS NOT NULL;

-- A replayed POST answers with the ETag the first answer had.
ALTER TABLE idempotency_keys ADD COLUMN etag text;
