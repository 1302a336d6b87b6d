-- Spreadsheets uploaded through the pages, kept between the preview and its confirmation so that
-- the confirmation applies exactly the previewed file (by any daemon). Only their uploader reads
-- them; they are deleted a day after upload, applied or not.
CREATE TABLE sheet_uploads (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id),
    kind        text NOT NULL CHECK (kind IN ('adoptions', 'status')),
    filename    text NOT NULL CHECK (length(filename) <= 255),
    encoding    text NOT NULL CHECK (encoding IN ('auto', 'utf8', 'cp932')),
    content     bytea NOT NULL CHECK (length(content) <= 16 * 1024 * 1024),
    created_at  timestamptz NOT NULL DEFAULT now(),
    applied_at  timestamptz
);

CREATE INDEX sheet_uploads_created_idx ON sheet_uploads (created_at);
