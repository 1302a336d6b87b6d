#!/usr/bin/env bash
# How issue numbers are handed out, measured alone: pgbench runs a create as the daemon's
# transaction has it (the issue row, 20 link rows) three ways on a fresh durable cluster —
#   counter-first: UPDATE of a one-row counter as the first statement (Council until sql/0020),
#   counter-last:  the same counter taken as the last statement before COMMIT (gapless still),
#   sequence:      nextval() in the INSERT (gaps when a create rolls back; sql/0020).
# Prints transactions per second at 1, 16 and 64 clients. Usage: bench/numbering.sh
DURATION=${DURATION:-10}
source "$(dirname "$0")/lib.sh"
bench_postgres
psql -h "$WORK" -U postgres -X -q <<'SQL'
CREATE TABLE counter (last integer NOT NULL);
INSERT INTO counter VALUES (0);
CREATE SEQUENCE numbers AS integer;
CREATE TABLE issues (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, number integer UNIQUE, title text, body text);
CREATE TABLE links (issue_id bigint REFERENCES issues (id), code integer, PRIMARY KEY (issue_id, code));
SQL
cat >"$WORK/counter-first.sql" <<'SQL'
BEGIN;
UPDATE counter SET last = last + 1 RETURNING last \gset
INSERT INTO issues (number, title, body) VALUES (:last, 'ベンチマーク課題', repeat('性能測定のための課題です。', 10)) RETURNING id \gset
INSERT INTO links SELECT :id, g FROM generate_series(1, 20) g;
COMMIT;
SQL
cat >"$WORK/counter-last.sql" <<'SQL'
BEGIN;
INSERT INTO issues (title, body) VALUES ('ベンチマーク課題', repeat('性能測定のための課題です。', 10)) RETURNING id \gset
INSERT INTO links SELECT :id, g FROM generate_series(1, 20) g;
WITH c AS (UPDATE counter SET last = last + 1 RETURNING last) UPDATE issues SET number = c.last FROM c WHERE id = :id;
COMMIT;
SQL
cat >"$WORK/sequence.sql" <<'SQL'
BEGIN;
INSERT INTO issues (number, title, body) VALUES (nextval('numbers'), 'ベンチマーク課題', repeat('性能測定のための課題です。', 10)) RETURNING id \gset
INSERT INTO links SELECT :id, g FROM generate_series(1, 20) g;
COMMIT;
SQL
echo "| numbering | 1 client | 16 clients | 64 clients |"
echo "|---|---|---|---|"
for way in counter-first counter-last sequence; do
    psql -h "$WORK" -U postgres -X -q -c "TRUNCATE links, issues" -c "UPDATE counter SET last = 0" -c "SELECT setval('numbers', 1, false)" >/dev/null
    line="| $way"
    for c in 1 16 64; do
        tps=$(pgbench -h "$WORK" -U postgres -n -c "$c" -j $((c > 1 ? 2 : 1)) -T "$DURATION" -f "$WORK/$way.sql" postgres 2>/dev/null | awk '/^tps/ {print int($3)}')
        line+=" | $tps"
    done
    echo "$line |"
done
