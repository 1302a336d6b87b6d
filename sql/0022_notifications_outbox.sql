-- Notifications: one transactional outbox, signed webhooks with their delivery log.
--
-- Every change someone could be told about inserts an outbox row in the transaction of the
-- change itself: a rolled-back change notifies nobody, a committed one is never missed.

CREATE TABLE outbox_events (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction. Readers take events in (xact, id) order, and only those of
    -- transactions below outbox_horizon(): ids are handed out before commit, so "id > last seen"
    -- alone would pass over an event that commits later.
    xact                  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at                    timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind                  text NOT NULL,
    -- Who may hear of it, decided when it is delivered: those who then see this issue (and the
    -- related one), or only this organization and the secretariat; neither: everyone signed in.
    issue_number          integer REFERENCES issues (number),
    related_number        integer REFERENCES issues (number),
    audience_organization_id bigint REFERENCES organizations (id),
    actor_account_id      bigint REFERENCES accounts (id),
    actor_organization_id bigint REFERENCES organizations (id),
    data                  jsonb NOT NULL,
    request_id            text
);
CREATE INDEX outbox_events_position_idx ON outbox_events (xact, id);

-- Every transaction of this database whose id is below the result has ended: the lowest id
-- among this database's running transactions, else the next id to be handed out. Unlike
-- pg_snapshot_xmin it does not wait for transactions of the cluster's other databases. The
-- snapshot is taken before the running transactions are read (a transaction missing from the
-- second read has ended), and a reader must use the result in a later statement than the one
-- that computed it: that statement's snapshot then sees every transaction below it as ended.
CREATE FUNCTION outbox_horizon() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    snap pg_snapshot := pg_current_snapshot();
BEGIN
    -- Backend states read earlier in this transaction are cached; read them afresh, after snap.
    PERFORM pg_stat_clear_snapshot();
    RETURN coalesce(
        (SELECT min(x) FROM pg_snapshot_xip(snap) AS x
         WHERE x::text::bigint % 4294967296 IN (
             SELECT backend_xid::text::bigint FROM pg_stat_activity
             WHERE datname = current_database() AND backend_xid IS NOT NULL)),
        pg_snapshot_xmax(snap));
END
$$;
CREATE INDEX outbox_events_at_idx ON outbox_events (at);

-- Wakes the daemons' listeners at commit (one notification per transaction, however many rows).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('council_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- How far the fan-out has read the outbox. Its row lock makes one daemon at a time the one that
-- fans out, in outbox order, so the deliveries of each endpoint are created in event order.
CREATE TABLE outbox_cursors (
    name     text PRIMARY KEY,
    xact     xid8 NOT NULL,
    event_id bigint NOT NULL
);
INSERT INTO outbox_cursors (name, xact, event_id) VALUES ('fanout', pg_current_xact_id(), 0);

CREATE TABLE webhook_endpoints (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id        bigint NOT NULL REFERENCES organizations (id),
    url                    text NOT NULL,
    -- Empty: every kind of event.
    event_types            text[] NOT NULL DEFAULT '{}',
    description            text NOT NULL DEFAULT '',
    -- Standard Webhooks: `whsec_` + base64 of the key; the daemon signs with it, so it is kept.
    secret                 text NOT NULL,
    -- After a rotation the old secret signs too, until then.
    previous_secret        text,
    previous_secret_until  timestamptz,
    enabled                boolean NOT NULL DEFAULT true,
    disabled_reason        text,
    -- One worker at a time per endpoint (its deliveries go out in order); a lease that runs out
    -- (a daemon killed mid-delivery) lets another daemon take over.
    leased_until           timestamptz,
    leased_by              text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    created_by             bigint REFERENCES accounts (id),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_organization_idx ON webhook_endpoints (organization_id);

CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         bigint NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'skipped')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (endpoint_id, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- Every attempt: what the receiver answered, how long it took.
CREATE TABLE webhook_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    status       integer,
    latency_ms   integer NOT NULL,
    response     text NOT NULL DEFAULT '',
    error        text
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);

-- Events are never rewritten; old ones are pruned (DELETE) after the retention.
REVOKE UPDATE, TRUNCATE ON outbox_events FROM council_app;
