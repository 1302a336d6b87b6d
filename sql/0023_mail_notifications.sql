-- E-mail notifications: each person's choice, and one row per event and recipient.

-- Without a row: every change ('each').
CREATE TABLE notification_settings (
    account_id        bigint PRIMARY KEY REFERENCES accounts (id),
    mail              text NOT NULL DEFAULT 'each' CHECK (mail IN ('each', 'digest', 'none')),
    -- The last daily digest sent; the next is due the next morning (Japan time).
    last_digest_at    timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- A secret per account for the one-click unsubscribe link of its mails (RFC 8058): the link
-- works without signing in, so it carries nothing else and can only turn mail off.
CREATE TABLE mail_unsubscribe_tokens (
    token       text PRIMARY KEY,
    account_id  bigint NOT NULL UNIQUE REFERENCES accounts (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mail_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         bigint NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    account_id       bigint NOT NULL REFERENCES accounts (id),
    -- digest: waits for the account's daily digest.
    state            text NOT NULL CHECK (state IN ('pending', 'digest', 'sent', 'failed', 'skipped')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A worker's claim; one that runs out (a daemon killed mid-send) lets another take it.
    locked_until     timestamptz,
    locked_by        text,
    -- The relay's last refusal or the error of the last attempt.
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    UNIQUE (event_id, account_id)
);
CREATE INDEX mail_deliveries_due_idx ON mail_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX mail_deliveries_digest_idx ON mail_deliveries (account_id, id) WHERE state = 'digest';
CREATE INDEX mail_deliveries_event_idx ON mail_deliveries (event_id);
