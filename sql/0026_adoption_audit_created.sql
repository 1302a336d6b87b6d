-- A new adoption's audit changes built in one step: {"field": {"new": value}} for every field that
-- has a value — what the generic derivation (each field of adoption_audit_fields before and after,
-- compared) gives for a record without a before, at a fraction of its cost on a national import.
CREATE FUNCTION adoption_audit_created(a adoptions) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object(
        'dantai_code', jsonb_build_object('new', a.dantai_code),
        'business_area', jsonb_build_object('new', a.business_area),
        'product_id', jsonb_build_object('new', a.product_id),
        'planned_month', CASE WHEN a.planned_month IS NOT NULL THEN jsonb_build_object('new', to_char(a.planned_month, 'YYYY-MM')) END,
        'state', jsonb_build_object('new', a.state),
        'reason', CASE WHEN a.reason IS NOT NULL THEN jsonb_build_object('new', a.reason) END,
        'new_target_month', CASE WHEN a.new_target_month IS NOT NULL THEN jsonb_build_object('new', to_char(a.new_target_month, 'YYYY-MM')) END,
        'pmo_completion', CASE WHEN a.pmo_completion IS NOT NULL THEN jsonb_build_object('new', a.pmo_completion) END,
        'note', CASE WHEN a.note IS NOT NULL THEN jsonb_build_object('new', a.note) END))
$$;
