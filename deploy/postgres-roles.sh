#!/usr/bin/env bash
# Run once by the postgres image when its volume is new (/docker-entrypoint-initdb.d): the daemon's
# login role, a member of council_app (sql/0014 grants that group its rights). The schema's owner
# is POSTGRES_USER; only `council db migrate` connects as it.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$COUNCIL_APP_DB_PASSWORD" <<'SQL'
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'council_app') THEN CREATE ROLE council_app NOLOGIN; END IF;
END $$;
CREATE ROLE council LOGIN IN ROLE council_app;
ALTER ROLE council PASSWORD :'app_password';
SQL
