-- One vendor's blockers walk its open issues to their blocked links; with the areas in the
-- index that walk never visits the (wide) link rows. Replaces the index of 0007.
CREATE INDEX issue_municipalities_blocked_cover_idx ON issue_municipalities (issue_number) INCLUDE (dantai_code, business_areas)
    WHERE impact = 'blocked';
DROP INDEX issue_municipalities_blocked_idx;
