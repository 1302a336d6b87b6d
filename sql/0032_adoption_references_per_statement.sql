-- An adoption names a product offered for its business area, and each adoption history row names
-- its adoption. A national import writes 34,592 of each, and PostgreSQL's per-row reference
-- checks locked the same twenty product_business_areas rows 34,592 times and every new adoption
-- once more for its history row (a lock written into each row: about 0.7 s of a write that should
-- take under 3 s). The rules stay and are checked once per statement over what the statement
-- added, as sql/0030 does for actors, with the references' constraint names and SQLSTATE 23503.

ALTER TABLE adoptions DROP CONSTRAINT adoptions_product_id_business_area_fkey;
ALTER TABLE adoption_history DROP CONSTRAINT adoption_history_adoption_id_fkey;

-- Each check's refusal, worded and coded as the reference's own (SQLSTATE 23503, its name).
CREATE FUNCTION reference_violated(constraint_name text, message text, detail text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', message USING ERRCODE = 'foreign_key_violation', CONSTRAINT = constraint_name, DETAIL = detail;
END
$$;

-- The (product, area) pairs an adoption statement wrote are offered: once per statement over the
-- few distinct pairs of an insert, and for each update that moves an adoption to another product
-- or area. The pairs are locked as a reference locks them (FOR KEY SHARE: a concurrent removal
-- waits for this transaction, then sees its adoptions and is refused).
CREATE FUNCTION adoption_products_offered() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing record;
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        SELECT NEW.product_id, NEW.business_area INTO missing
        WHERE NOT EXISTS (
            SELECT 1 FROM product_business_areas p WHERE p.product_id = NEW.product_id AND p.business_area = NEW.business_area
            FOR KEY SHARE);
    ELSE
        SELECT w.product_id, w.business_area INTO missing FROM (SELECT DISTINCT product_id, business_area FROM written) w
        WHERE NOT EXISTS (
            SELECT 1 FROM product_business_areas p WHERE p.product_id = w.product_id AND p.business_area = w.business_area
            FOR KEY SHARE)
        LIMIT 1;
    END IF;
    IF FOUND THEN
        PERFORM reference_violated('adoptions_product_id_business_area_fkey', 'insert or update on table "adoptions" violates foreign key constraint "adoptions_product_id_business_area_fkey"',
            format('Product %s does not offer business area %s.', missing.product_id, missing.business_area));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER adoptions_products_offered AFTER INSERT ON adoptions REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION adoption_products_offered();
CREATE TRIGGER adoptions_product_moved AFTER UPDATE OF product_id, business_area ON adoptions
    FOR EACH ROW WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id OR OLD.business_area IS DISTINCT FROM NEW.business_area)
    EXECUTE FUNCTION adoption_products_offered();

-- Taking an area away from a product that has adoptions for it is refused, as the reference did
-- (the products store says so in words first).
CREATE FUNCTION product_areas_keep_adoptions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used record;
BEGIN
    SELECT r.product_id, r.business_area INTO used FROM removed r
    WHERE EXISTS (SELECT 1 FROM adoptions a WHERE a.product_id = r.product_id AND a.business_area = r.business_area)
      AND NOT EXISTS (SELECT 1 FROM product_business_areas p WHERE p.product_id = r.product_id AND p.business_area = r.business_area)
    LIMIT 1;
    IF FOUND THEN
        PERFORM reference_violated('adoptions_product_id_business_area_fkey', 'update or delete on table "product_business_areas" violates foreign key constraint "adoptions_product_id_business_area_fkey" on table "adoptions"',
            format('Product %s still has adoptions for business area %s.', used.product_id, used.business_area));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER product_areas_keep_adoptions AFTER DELETE ON product_business_areas REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION product_areas_keep_adoptions();
CREATE TRIGGER product_areas_keep_adoptions_after_update AFTER UPDATE ON product_business_areas REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION product_areas_keep_adoptions();

-- Each history row's adoption exists. Adoptions are never deleted (their history names them), so
-- the check needs no lock; emptying both tables at once (an operator's TRUNCATE) stays possible.
CREATE FUNCTION adoption_history_adoptions_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT h.adoption_id INTO missing FROM (SELECT DISTINCT adoption_id FROM added) h
    WHERE NOT EXISTS (SELECT 1 FROM adoptions a WHERE a.id = h.adoption_id)
    LIMIT 1;
    IF FOUND THEN
        PERFORM reference_violated('adoption_history_adoption_id_fkey', 'insert or update on table "adoption_history" violates foreign key constraint "adoption_history_adoption_id_fkey"',
            format('Adoption %s does not exist.', missing));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER adoption_history_adoptions_exist AFTER INSERT ON adoption_history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION adoption_history_adoptions_exist();
CREATE TRIGGER adoption_history_adoptions_exist_after_update AFTER UPDATE ON adoption_history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION adoption_history_adoptions_exist();

CREATE FUNCTION refuse_deleting_adoptions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'adoptions are never deleted: their history names them (DELETE refused)'
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER adoptions_never_deleted BEFORE DELETE ON adoptions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_deleting_adoptions();

-- TRUNCATE of adoptions without their history would leave history naming nothing.
CREATE FUNCTION adoptions_truncated_with_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM adoption_history) THEN
        RAISE EXCEPTION 'adoptions can only be truncated together with adoption_history'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER adoptions_truncated_with_history AFTER TRUNCATE ON adoptions
    FOR EACH STATEMENT EXECUTE FUNCTION adoptions_truncated_with_history();
