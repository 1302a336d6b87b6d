-- The change version is read on every page and every kept view (the sum of `change_counters`).
-- Each changing statement bumped a counter, so a transaction of many changes (the national
-- seed, a sheet import, a bulk UPDATE firing the issues' row trigger) wrote as many versions
-- of one row; none could be pruned before the commit, and the table kept every page they took:
-- 541 pages after the national seed, and reading the version scanned them all (0.8 ms, as long
-- as the 課題一覧's own page).
--
-- One bump per transaction is as exact: the sum moves when the transaction commits, whatever
-- it changed. A transaction-local setting marks it done; a savepoint rolled back undoes the
-- mark with the bump, so a later change of the same transaction bumps again.
CREATE OR REPLACE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('council.change_counted', true) IS DISTINCT FROM 'on' THEN
        UPDATE change_counters SET value = value + 1 WHERE shard = pg_backend_pid() % 16;
        PERFORM set_config('council.change_counted', 'on', true);
    END IF;
    RETURN NULL;
END
$$;

-- The table written anew with the same values (TRUNCATE gives it a fresh file), so an
-- installation that already grew it reads one page again. The values are held in a variable,
-- not a temporary table, so the migration needs no TEMP privilege.
DO $$
DECLARE
    kept change_counters[];
BEGIN
    SELECT array_agg(c) INTO kept FROM change_counters c;
    TRUNCATE change_counters;
    INSERT INTO change_counters SELECT * FROM unnest(kept);
END
$$;
