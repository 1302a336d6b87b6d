-- Sign-in for people in a browser: passwords (bcrypt, never the password itself), one-time links
-- that set them, sessions shared by every daemon, and the failures that slow guessing down.
-- API tokens are unchanged.
ALTER TABLE accounts
    ADD COLUMN password_hash text CHECK (password_hash IS NULL OR password_hash LIKE '$2%'),
    ADD COLUMN password_changed_at timestamptz;

-- An invitation (the first password) or a reset (an administrator's): the link carries a secret
-- of which only the SHA-256 is kept; it works once and until it expires.
CREATE TABLE password_links (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id          bigint NOT NULL REFERENCES accounts (id),
    purpose             text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    secret_hash         bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    created_by          bigint REFERENCES accounts (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz
);

CREATE INDEX password_links_account_idx ON password_links (account_id);

-- A browser's session: the cookie carries a secret of which only the SHA-256 is kept. Idle and
-- absolute expiry are checked on every request; the CSRF token is per session.
CREATE TABLE web_sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id),
    secret_hash  bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    address      text,
    user_agent   text
);

CREATE INDEX web_sessions_account_idx ON web_sessions (account_id);

-- A deactivated account, or one whose password changed, keeps no session anywhere: done here so
-- that every path (the API, pages, the CLI's bootstrap) ends them alike.
CREATE FUNCTION web_sessions_end_for_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.active AND NOT NEW.active) OR OLD.password_hash IS DISTINCT FROM NEW.password_hash THEN
        DELETE FROM web_sessions WHERE account_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER accounts_end_sessions AFTER UPDATE OF active, password_hash ON accounts
    FOR EACH ROW EXECUTE FUNCTION web_sessions_end_for_account();

-- Failed sign-ins per subject ('account:<e-mail as typed, lower case>' or 'address:<ip>'): five
-- within fifteen minutes lock the subject out until the oldest ages away. An unknown e-mail
-- counts like a known one, so the lock-out says nothing about which addresses exist.
CREATE TABLE sign_in_failures (
    subject   text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_failures_subject_idx ON sign_in_failures (subject, failed_at);
