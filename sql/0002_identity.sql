-- Identity: organizations, accounts, API tokens, and the append-only audit log.

-- 法人番号: 13 digits, the first is a check digit over the other 12:
-- 9 - (Σ Pn·Qn mod 9), Pn the n-th digit counted from the right, Qn = 1 (n odd) or 2 (n even).
CREATE FUNCTION corporate_number_is_valid(number text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT number ~ '^[0-9]{13}$'
       AND substr(number, 1, 1)::int = 9 - (
           SELECT sum(substr(number, 14 - n, 1)::int * CASE WHEN n % 2 = 1 THEN 1 ELSE 2 END)
           FROM generate_series(1, 12) AS n
       ) % 9
$$;

CREATE TABLE organizations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('secretariat', 'vendor', 'observer')),
    -- Observers are associations (APPLIC, JISA, JAHIS) or spec-owning ministries.
    category         text CHECK (category IN ('association', 'ministry')),
    ministry         text REFERENCES ministries (slug),
    name             text NOT NULL CHECK (btrim(name) <> ''),
    -- Names are unique ignoring case and width (NFKC): ＡＰＰＬＩＣ and applic are one name.
    name_key         text GENERATED ALWAYS AS (lower(normalize(name, NFKC))) STORED UNIQUE,
    short_name       text NOT NULL CHECK (btrim(short_name) <> ''),
    corporate_number char(13) UNIQUE CHECK (corporate_number_is_valid(corporate_number)),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'observer') = (category IS NOT NULL)),
    CHECK (ministry IS NULL OR category = 'ministry')
);

CREATE TABLE accounts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id),
    display_name    text NOT NULL CHECK (btrim(display_name) <> ''),
    email           text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(email) <= 254),
    email_key       text GENERATED ALWAYS AS (lower(email)) STORED UNIQUE,
    -- admin and liaison exist only in the secretariat (enforced by the store, which knows the kind).
    role            text NOT NULL CHECK (role IN ('admin', 'member', 'liaison')),
    -- A vendor or observer member who may manage their own organization's accounts.
    org_admin       boolean NOT NULL DEFAULT false,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX accounts_organization_idx ON accounts (organization_id);

-- The prefectures a liaison (標準化リエゾン) covers.
CREATE TABLE liaison_prefectures (
    account_id      bigint NOT NULL REFERENCES accounts (id),
    prefecture_code char(2) NOT NULL REFERENCES prefectures (code),
    PRIMARY KEY (account_id, prefecture_code)
);

-- API tokens: only a SHA-256 of the secret is stored; the secret is shown once.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id),
    name         text NOT NULL CHECK (btrim(name) <> ''),
    -- The first characters of the secret, so people can tell their tokens apart.
    hint         text NOT NULL,
    secret_hash  bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);

-- Every mutation writes one row here, in the same transaction as the change.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    -- NULL for the system itself (bootstrap, migrations of data).
    actor_account_id      bigint REFERENCES accounts (id),
    actor_organization_id bigint REFERENCES organizations (id),
    action          text NOT NULL,
    entity_type     text NOT NULL,
    entity_id       text NOT NULL,
    -- {"field": {"old": ..., "new": ...}, ...}
    changes         jsonb NOT NULL DEFAULT '{}',
    request_id      text
);

CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_account_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
