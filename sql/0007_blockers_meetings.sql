-- Cross-reference (who blocks whom) and council meetings (協議会) with their agendas.

-- Every 団体 that runs systems: municipalities and the prefectures themselves (生活保護 and
-- 児童扶養手当 are run by prefectures for their towns and villages).
CREATE VIEW dantai AS
    SELECT code, name, prefecture_code FROM municipalities
    UNION ALL
    SELECT dantai_code, name, code FROM prefectures;

-- Only blocking rows are read by the blocker queries; these keep them small at national scale.
CREATE INDEX issue_municipalities_blocked_idx ON issue_municipalities (issue_number, dantai_code) WHERE impact = 'blocked';
CREATE INDEX adoptions_vendor_side_idx ON adoptions (product_id, dantai_code)
    WHERE state IN ('delayed', 'specified_support') AND reason IN ('vendor_withdrawal', 'vendor_resources');
CREATE INDEX adoptions_specified_support_idx ON adoptions (dantai_code, business_area) WHERE state = 'specified_support';

-- 第N回 協議会.
CREATE TABLE meetings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number     integer NOT NULL UNIQUE CHECK (number > 0),
    held_on    date NOT NULL,
    title      text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
    state      text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'held', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meeting_attendees (
    meeting_id      bigint NOT NULL REFERENCES meetings (id),
    organization_id bigint NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (meeting_id, organization_id)
);

-- An agenda item: a linked issue or a free topic. Proposed items await the secretariat's
-- confirmation; minutes and the decision are recorded per item.
CREATE TABLE agenda_items (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id                bigint NOT NULL REFERENCES meetings (id),
    position                  integer NOT NULL CHECK (position > 0),
    issue_number              integer REFERENCES issues (number),
    topic                     text CHECK (topic IS NULL OR (btrim(topic) <> '' AND length(topic) <= 200)),
    presenter_organization_id bigint REFERENCES organizations (id),
    allotted_minutes          integer NOT NULL DEFAULT 10 CHECK (allotted_minutes BETWEEN 1 AND 480),
    status                    text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('proposed', 'confirmed')),
    minutes                   text,
    decision                  text,
    decided_at                timestamptz,
    decided_by                bigint REFERENCES accounts (id),
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK ((issue_number IS NULL) <> (topic IS NULL)),
    CHECK ((decision IS NULL) = (decided_at IS NULL)),
    UNIQUE (meeting_id, position) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (meeting_id, issue_number)
);
CREATE INDEX agenda_items_issue_idx ON agenda_items (issue_number) WHERE issue_number IS NOT NULL;
