-- Filings: vendors' products, development status per business area (append-only history), and
-- which 団体 runs which product for each business area (with its history).

CREATE TABLE products (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id  bigint NOT NULL REFERENCES organizations (id),
    name       text NOT NULL CHECK (btrim(name) <> ''),
    name_key   text GENERATED ALWAYS AS (lower(normalize(name, NFKC))) STORED,
    version    text,
    notes      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (vendor_id, name_key)
);

CREATE TABLE product_business_areas (
    product_id    bigint NOT NULL REFERENCES products (id),
    business_area text NOT NULL REFERENCES business_areas (slug),
    PRIMARY KEY (product_id, business_area)
);

-- 開発状況: every report is kept; the current status is the latest per (product, area).
CREATE TABLE status_reports (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id           bigint NOT NULL REFERENCES products (id),
    business_area        text NOT NULL REFERENCES business_areas (slug),
    stage                text NOT NULL CHECK (stage IN ('not_started', 'designing', 'developing', 'testing', 'completed', 'available')),
    spec_version         text,
    cloud_readiness      text NOT NULL CHECK (cloud_readiness IN ('not_ready', 'verifying', 'ready')),
    planned_completion   date,
    planned_availability date,
    note                 text,
    -- Required (by the store) when the stage moves backwards.
    regression_reason    text,
    reported_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    reported_by          bigint REFERENCES accounts (id),
    FOREIGN KEY (product_id, business_area) REFERENCES product_business_areas (product_id, business_area)
);

CREATE INDEX status_reports_latest_idx ON status_reports (product_id, business_area, reported_at DESC, id DESC);

CREATE FUNCTION status_reports_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'status_reports is append-only history: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER status_reports_append_only BEFORE UPDATE OR DELETE ON status_reports
    FOR EACH ROW EXECUTE FUNCTION status_reports_refuse_change();

-- One record per (団体, business area): the product in use or chosen and the migration plan.
CREATE TABLE adoptions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dantai_code      char(6) NOT NULL CHECK (dantai_code_is_valid(dantai_code)),
    business_area    text NOT NULL REFERENCES business_areas (slug),
    product_id       bigint NOT NULL REFERENCES products (id),
    planned_month    date CHECK (extract(day FROM planned_month) = 1),
    state            text NOT NULL CHECK (state IN ('planned', 'in_progress', 'migrated', 'at_risk', 'delayed', 'specified_support')),
    reason           text CHECK (reason IN ('mainframe', 'custom_built', 'vendor_withdrawal', 'vendor_resources')),
    new_target_month date CHECK (extract(day FROM new_target_month) = 1),
    pmo_completion   numeric(5, 2) CHECK (pmo_completion BETWEEN 0 AND 100),
    note             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dantai_code, business_area),
    -- 特定移行支援システム always has its 事由; a 事由 belongs only to delayed or specified support.
    CHECK (state <> 'specified_support' OR reason IS NOT NULL),
    CHECK (reason IS NULL OR state IN ('delayed', 'specified_support')),
    CHECK (state <> 'delayed' OR new_target_month IS NOT NULL),
    FOREIGN KEY (product_id, business_area) REFERENCES product_business_areas (product_id, business_area)
);

CREATE INDEX adoptions_product_idx ON adoptions (product_id);
CREATE INDEX adoptions_area_state_idx ON adoptions (business_area, state);

-- Every version of an adoption, as it was after each change.
CREATE TABLE adoption_history (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    adoption_id      bigint NOT NULL REFERENCES adoptions (id),
    at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_account_id bigint REFERENCES accounts (id),
    product_id       bigint NOT NULL,
    planned_month    date,
    state            text NOT NULL,
    reason           text,
    new_target_month date,
    pmo_completion   numeric(5, 2),
    note             text
);

CREATE INDEX adoption_history_adoption_idx ON adoption_history (adoption_id, id);
