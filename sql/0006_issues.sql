-- Migration issues (課題): the tracker itself. An issue is addressed by its number (#123),
-- handed out without gaps from a counter row locked by the creating transaction.

CREATE TABLE issue_number_counter (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last     integer NOT NULL
);
INSERT INTO issue_number_counter (last) VALUES (0);

-- Every 1- and 2-character substring of a search key. A GIN index over these serves substring
-- search for words of any length (帳票 has no trigram); the store rechecks with LIKE.
CREATE FUNCTION search_grams(key text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT gram), '{}')
    FROM (
        SELECT substr(key, i, 1) AS gram FROM generate_series(1, length(key)) AS i
        UNION ALL
        SELECT substr(key, i, 2) FROM generate_series(1, length(key) - 1) AS i
    ) grams
$$;

CREATE TABLE issues (
    number                   integer PRIMARY KEY CHECK (number > 0),
    title                    text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
    body                     text NOT NULL DEFAULT '',
    category                 text NOT NULL CHECK (category IN ('spec', 'gov_cloud', 'data_migration', 'resources', 'schedule', 'cost', 'regulation', 'other')),
    severity                 text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    visibility               text NOT NULL CHECK (visibility IN ('council', 'restricted')),
    state                    text NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'triaged', 'in_discussion', 'on_agenda', 'resolved', 'closed', 'rejected', 'duplicate')),
    reporter_account_id      bigint NOT NULL REFERENCES accounts (id),
    reporter_organization_id bigint NOT NULL REFERENCES organizations (id),
    assignee_organization_id bigint REFERENCES organizations (id),
    due_date                 date,
    labels                   text[] NOT NULL DEFAULT '{}',
    -- The answer given when the issue was resolved.
    answer                   text,
    duplicate_of             integer REFERENCES issues (number),
    -- Bumped by every change of the issue's representation: the ETag.
    version                  integer NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    -- Search keys (NFKC, hiragana folded, lower case): of title and body, and of those and
    -- every comment together, which is what `q` searches.
    own_search_key           text NOT NULL DEFAULT '',
    search_text              text NOT NULL DEFAULT '',
    search_grams             text[] GENERATED ALWAYS AS (search_grams(search_text)) STORED,
    CHECK ((state = 'duplicate') = (duplicate_of IS NOT NULL)),
    CHECK (duplicate_of IS DISTINCT FROM number)
);

CREATE INDEX issues_search_grams_idx ON issues USING gin (search_grams);
CREATE INDEX issues_labels_idx ON issues USING gin (labels);
CREATE INDEX issues_state_idx ON issues (state, number);
CREATE INDEX issues_updated_idx ON issues (updated_at, number);
CREATE INDEX issues_reporter_org_idx ON issues (reporter_organization_id);
CREATE INDEX issues_assignee_idx ON issues (assignee_organization_id);

CREATE TABLE issue_vendors (
    issue_number integer NOT NULL REFERENCES issues (number),
    vendor_id    bigint NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (issue_number, vendor_id)
);
CREATE INDEX issue_vendors_vendor_idx ON issue_vendors (vendor_id, issue_number);

CREATE TABLE issue_business_areas (
    issue_number  integer NOT NULL REFERENCES issues (number),
    business_area text NOT NULL REFERENCES business_areas (slug),
    PRIMARY KEY (issue_number, business_area)
);
CREATE INDEX issue_business_areas_area_idx ON issue_business_areas (business_area, issue_number);

-- Affected municipalities and how: blocked, at risk, or affected, for some business areas.
CREATE TABLE issue_municipalities (
    issue_number   integer NOT NULL REFERENCES issues (number),
    dantai_code    char(6) NOT NULL REFERENCES municipalities (code),
    impact         text NOT NULL CHECK (impact IN ('blocked', 'at_risk', 'affected')),
    business_areas text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (issue_number, dantai_code)
);
CREATE INDEX issue_municipalities_code_idx ON issue_municipalities (dantai_code, issue_number);

CREATE TABLE issue_comments (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_number           integer NOT NULL REFERENCES issues (number),
    author_account_id      bigint NOT NULL REFERENCES accounts (id),
    author_organization_id bigint NOT NULL REFERENCES organizations (id),
    body                   text NOT NULL CHECK (btrim(body) <> ''),
    search_key             text NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    edit_count             integer NOT NULL DEFAULT 0
);
CREATE INDEX issue_comments_issue_idx ON issue_comments (issue_number, id);

-- Every earlier text of an edited comment.
CREATE TABLE issue_comment_revisions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comment_id  bigint NOT NULL REFERENCES issue_comments (id),
    body        text NOT NULL,
    -- When this text was replaced, and by whom.
    replaced_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    replaced_by bigint NOT NULL REFERENCES accounts (id)
);
CREATE INDEX issue_comment_revisions_comment_idx ON issue_comment_revisions (comment_id, id);

-- blocks and duplicates point from → to ("from blocks to"); relates is stored with from < to.
CREATE TABLE issue_relations (
    kind        text NOT NULL CHECK (kind IN ('blocks', 'duplicates', 'relates')),
    from_number integer NOT NULL REFERENCES issues (number),
    to_number   integer NOT NULL REFERENCES issues (number),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES accounts (id),
    PRIMARY KEY (kind, from_number, to_number),
    CHECK (from_number <> to_number),
    CHECK (kind <> 'relates' OR from_number < to_number)
);
CREATE INDEX issue_relations_to_idx ON issue_relations (to_number, kind);
CREATE INDEX issue_relations_from_idx ON issue_relations (from_number, kind);

-- Field, relation, municipality-link, state and comment changes, per issue.
CREATE TABLE issue_events (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_number          integer NOT NULL REFERENCES issues (number),
    at                    timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_account_id      bigint REFERENCES accounts (id),
    actor_organization_id bigint REFERENCES organizations (id),
    kind                  text NOT NULL,
    field                 text,
    old_value             jsonb,
    new_value             jsonb,
    -- The other issue of a relation event: hidden from those who may not see it.
    related_number        integer REFERENCES issues (number),
    request_id            text
);
CREATE INDEX issue_events_issue_idx ON issue_events (issue_number, id);

-- One refusal for every append-only table from here on (earlier ones have their own).
CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER issue_events_append_only BEFORE UPDATE OR DELETE ON issue_events
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER issue_events_no_truncate BEFORE TRUNCATE ON issue_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

-- Followers of an issue: an account or a whole organization.
CREATE TABLE issue_watchers (
    issue_number    integer NOT NULL REFERENCES issues (number),
    account_id      bigint REFERENCES accounts (id),
    organization_id bigint REFERENCES organizations (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((account_id IS NULL) <> (organization_id IS NULL))
);
CREATE UNIQUE INDEX issue_watchers_account_idx ON issue_watchers (issue_number, account_id) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX issue_watchers_organization_idx ON issue_watchers (issue_number, organization_id) WHERE organization_id IS NOT NULL;

-- Named filter sets of `GET /v1/issues`, per account, optionally shared with its organization.
CREATE TABLE saved_queries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES accounts (id),
    organization_id bigint NOT NULL REFERENCES organizations (id),
    name            text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
    -- {"parameter": ["value", ...]}: the query string of GET /v1/issues, checked on save.
    filters         jsonb NOT NULL,
    shared          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);

-- Idempotency-Key: a POST's response kept per (account, key) so a retry replays it. Several
-- daemons share these through the database.
CREATE TABLE idempotency_keys (
    account_id   bigint NOT NULL REFERENCES accounts (id),
    key          text NOT NULL,
    -- SHA-256 of method, path, query, content type and body.
    request_hash bytea NOT NULL,
    -- NULL while the first request is still running.
    status       integer,
    content_type text,
    location     text,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
