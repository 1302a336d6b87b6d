#!/usr/bin/env bash
# Foundation benchmark, one run: builds release, starts PostgreSQL and the daemon on a fresh
# database, times the import of the national CP932 file, then measures GET
# /v1/municipalities/{code} with wrk and `pgbench -S` on the same cluster, and prints the ratio.
# Usage: bench/run.sh   (DURATION=seconds per measurement, default 20; CONNECTIONS, default 16)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18080}
NATIONAL_FILE=${NATIONAL_FILE:-../shared/data/dantai-code-cp932.csv}

scripts/install-deps
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product council >&2
COUNCIL=$(swift build -c release --show-bin-path)/council

PGBIN=$(pg_config --bindir)
[[ -x $PGBIN/initdb ]] || PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/council-bench.XXXXXX)
chmod 755 "$WORK"
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) -eq 0 ]] && chown postgres: "$WORK"
cleanup() {
    [[ -n ${DAEMON:-} ]] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null || true
    as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# A durable cluster (fsync on), as the real daemon would use; unix socket only.
as_pg "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/pg.log" -w -o "-k $WORK -c listen_addresses='' -c max_connections=100" start >/dev/null
PSQL=(psql -h "$WORK" -U postgres -X -q -t -A)
"${PSQL[@]}" -c "CREATE DATABASE council" -c "CREATE DATABASE pgbench"
pgbench -h "$WORK" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1

export DATABASE_URL="host=$WORK user=postgres dbname=council"
"$COUNCIL" serve --port "$PORT" --log-level warning &
DAEMON=$!
for _ in $(seq 100); do curl -sf "localhost:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
TOKEN=$("$COUNCIL" admin bootstrap --name bench --email bench@example.jp 2>/dev/null | tail -1)

import_seconds=$(curl -sf -o "$WORK/import.json" -w '%{time_total}' -H 'Content-Type: text/csv' -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$NATIONAL_FILE" "localhost:$PORT/v1/municipalities/import")
reimport_seconds=$(curl -sf -o /dev/null -w '%{time_total}' -H 'Content-Type: text/csv' -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$NATIONAL_FILE" "localhost:$PORT/v1/municipalities/import")
"${PSQL[@]}" -d council -c "SELECT code FROM municipalities ORDER BY code" > "$WORK/codes.txt"

health_rps=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/health/live" | awk '/^Requests\/sec/ {print $2}')
wrk_out=$(CODES_FILE="$WORK/codes.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/codes.lua "http://127.0.0.1:$PORT")
api_rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$wrk_out")
api_p50=$(awk '$1=="50%" {print $2}' <<<"$wrk_out")
api_p99=$(awk '$1=="99%" {print $2}' <<<"$wrk_out")
api_errors=$(awk -F': ' '/non-2xx or socket errors/ {print $2}' <<<"$wrk_out")
pgbench_out=$(pgbench -h "$WORK" -U postgres -S -n -c "$CONNECTIONS" -j 2 -T "$DURATION" pgbench 2>&1)
pg_tps=$(awk '/^tps/ {print $3; exit}' <<<"$pgbench_out")
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")

cat <<REPORT
Council foundation benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r)
national file import (1,788 rows, CP932):  first $(printf '%.3f' "$import_seconds") s, again (unchanged) $(printf '%.3f' "$reimport_seconds") s
  $(cat "$WORK/import.json")
GET /v1/municipalities/{code}, wrk ${CONNECTIONS} connections, ${DURATION}s: ${api_rps} req/s, p50 ${api_p50}, p99 ${api_p99}, errors ${api_errors}
GET /health/live (no database; the HTTP ceiling), same load: ${health_rps} req/s
pgbench -S, ${CONNECTIONS} clients, ${DURATION}s on the same cluster: ${pg_tps} tps
ratio API / pgbench -S: $(awk -v a="$api_rps" -v b="$pg_tps" 'BEGIN {printf "%.2f", a / b}')   (target >= 0.5)
daemon peak RSS: $((rss_kb / 1024)) MiB
REPORT
