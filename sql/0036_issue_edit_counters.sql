-- Pages of issue rows (the 課題一覧, the dashboard's lists) show what `change_counters` leaves
-- uncounted so that a comment does not throw away every kept view: a title, the update time a
-- comment moves, and so the order by it. Such a page is kept between requests (IssueSearch) at
-- two versions read in one snapshot: the change version and this one, which every transaction
-- that updates an issue row moves once, as sql/0035 moves the change version. Inserts and
-- deletes of issues already move the change version.
CREATE TABLE issue_edit_counters (
    shard integer PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
    value bigint NOT NULL DEFAULT 0
);
INSERT INTO issue_edit_counters (shard) SELECT generate_series(0, 15);

CREATE FUNCTION bump_issue_edit_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('council.issue_edit_counted', true) IS DISTINCT FROM 'on' THEN
        UPDATE issue_edit_counters SET value = value + 1 WHERE shard = pg_backend_pid() % 16;
        PERFORM set_config('council.issue_edit_counted', 'on', true);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER issues_bump_issue_edit_counter AFTER UPDATE ON issues
    FOR EACH STATEMENT EXECUTE FUNCTION bump_issue_edit_counter();
