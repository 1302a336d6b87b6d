-- The audited fields of an adoption as JSON, in the API's form (months as YYYY-MM): bulk filings
-- derive their audit rows' changes in the database from the rows before and after.
CREATE FUNCTION adoption_audit_fields(a adoptions) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'dantai_code', a.dantai_code, 'business_area', a.business_area, 'product_id', a.product_id,
        'planned_month', to_char(a.planned_month, 'YYYY-MM'), 'state', a.state, 'reason', a.reason,
        'new_target_month', to_char(a.new_target_month, 'YYYY-MM'), 'pmo_completion', a.pmo_completion, 'note', a.note)
$$;
