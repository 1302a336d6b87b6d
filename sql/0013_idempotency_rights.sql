-- A replay is served only while the caller's rights are those of the first request, and an
-- answer that carried a secret (a new API token) is never kept: only that it succeeded.
ALTER TABLE idempotency_keys
    ADD COLUMN rights text NOT NULL DEFAULT '',
    ADD COLUMN secret boolean NOT NULL DEFAULT false;

-- Token secrets kept by earlier versions are dropped now.
UPDATE idempotency_keys SET body = NULL, secret = true
WHERE body IS NOT NULL AND position(convert_to('"secret":"council_', 'UTF8') IN body) > 0;
