-- Daemons keep single municipalities in memory (they change only when MIC's list is imported);
-- every committed change tells them to drop their copies.
CREATE FUNCTION notify_master_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('council_master_data', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER municipalities_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION notify_master_data_change();
