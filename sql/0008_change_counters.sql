-- Change counters: every statement that changes what the cross-reference views read bumps one
-- of 16 shards (by backend, so concurrent writers rarely wait on each other). The sum only
-- moves when a change commits, so a daemon that caches a computed view under the sum it read
-- before computing can never serve a view older than the data it was told about.
CREATE TABLE change_counters (
    shard integer PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
    value bigint NOT NULL DEFAULT 0
);
INSERT INTO change_counters (shard) SELECT generate_series(0, 15);

CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counters SET value = value + 1 WHERE shard = pg_backend_pid() % 16;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    watched text;
BEGIN
    FOREACH watched IN ARRAY ARRAY['issues', 'issue_municipalities', 'issue_vendors', 'issue_business_areas', 'adoptions',
                                   'products', 'organizations', 'municipalities']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter()', watched || '_bump_change_counter', watched);
    END LOOP;
END
$$;
