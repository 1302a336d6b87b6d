-- A refresh of blocks_by_issue (sql/0029) for a few issues — every write of an issue's links,
-- vendors, areas or state; a create does it three times — cost about 1.5 ms, almost all of it
-- planning: blocks_by_issue_of is inlined into the refresh's statement, and PL/pgSQL planned it
-- afresh for each call's array. A few issues now take one generic plan per connection (~0.3 ms a
-- refresh); a bulk write (more than 64 issues) is left to the plan cache's usual choice.

-- The refresh's writing statement, as sql/0029 had it inside blocks_by_issue_refresh.
CREATE FUNCTION blocks_by_issue_write(numbers integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Only what changed is written: unchanged rows stay as they are (and their pages all-visible).
    WITH fresh AS (SELECT * FROM blocks_by_issue_of(numbers)),
    gone AS (
        DELETE FROM blocks_by_issue b WHERE b.issue_number = ANY (numbers)
          AND NOT EXISTS (SELECT FROM fresh f WHERE f.issue_number = b.issue_number AND f.dantai_code = b.dantai_code
                                                AND f.business_area = b.business_area AND f.vendor_id = b.vendor_id))
    INSERT INTO blocks_by_issue SELECT * FROM fresh
    ON CONFLICT (issue_number, dantai_code, business_area, vendor_id) DO UPDATE SET unconfirmed = excluded.unconfirmed
        WHERE blocks_by_issue.unconfirmed <> excluded.unconfirmed;
END
$$;

-- The same statement under a generic plan (the setting holds while this function runs, so the
-- plan cache hands the statement inside blocks_by_issue_write its generic plan).
CREATE FUNCTION blocks_by_issue_write_few(numbers integer[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM blocks_by_issue_write(numbers);
END
$$;

CREATE OR REPLACE FUNCTION blocks_by_issue_refresh(numbers integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(numbers) = 0 THEN
        RETURN;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'issues and their links are written in READ COMMITTED transactions only (blocks_by_issue is kept from them)';
    END IF;
    PERFORM 1 FROM issues WHERE number = ANY (numbers) ORDER BY number FOR NO KEY UPDATE;
    IF cardinality(numbers) <= 64 THEN
        PERFORM blocks_by_issue_write_few(numbers);
    ELSE
        PERFORM blocks_by_issue_write(numbers);
    END IF;
END
$$;
