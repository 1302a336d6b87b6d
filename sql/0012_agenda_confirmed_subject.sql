-- The handout is an official record: when an item's topic or its issue's title changes after
-- the item was confirmed, the handout shows the confirmed wording beside the new one.
ALTER TABLE agenda_items ADD COLUMN confirmed_subject text;

CREATE FUNCTION agenda_items_confirmed_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'proposed' THEN
        NEW.confirmed_subject := NULL;
    ELSIF TG_OP = 'INSERT' OR OLD.status <> 'confirmed' OR NEW.confirmed_subject IS NULL THEN
        NEW.confirmed_subject := coalesce(NEW.topic, (SELECT title FROM issues WHERE number = NEW.issue_number));
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER agenda_items_confirmed_subject BEFORE INSERT OR UPDATE ON agenda_items
    FOR EACH ROW EXECUTE FUNCTION agenda_items_confirmed_subject();

UPDATE agenda_items x SET confirmed_subject = coalesce(x.topic, (SELECT title FROM issues WHERE number = x.issue_number))
WHERE x.status = 'confirmed';
