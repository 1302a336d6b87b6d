-- Files on issues and comments (screenshots, PDFs, spreadsheets), kept in PostgreSQL so backups,
-- replicas and several daemons carry them. A file's bytes are stored once per SHA-256 (the same
-- spec excerpt attached to ten issues is one blob), in 1 MiB chunks, so neither an upload nor a
-- download ever holds a whole file in memory.
CREATE TABLE attachment_blobs (
    sha256       bytea PRIMARY KEY CHECK (length(sha256) = 32),
    size         bigint NOT NULL CHECK (size >= 0),
    -- Sniffed from the bytes, never taken from the client.
    content_type text NOT NULL,
    chunks       integer NOT NULL CHECK (chunks >= 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attachment_chunks (
    sha256 bytea NOT NULL REFERENCES attachment_blobs (sha256),
    index  integer NOT NULL CHECK (index >= 0),
    data   bytea NOT NULL,
    PRIMARY KEY (sha256, index)
);

CREATE TABLE attachments (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issue_number            integer NOT NULL REFERENCES issues (number),
    comment_id              bigint REFERENCES issue_comments (id),
    sha256                  bytea NOT NULL REFERENCES attachment_blobs (sha256),
    filename                text NOT NULL CHECK (btrim(filename) <> '' AND length(filename) <= 255),
    uploader_account_id     bigint NOT NULL REFERENCES accounts (id),
    uploader_organization_id bigint NOT NULL REFERENCES organizations (id),
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_issue_idx ON attachments (issue_number, id);
