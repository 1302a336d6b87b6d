#!/usr/bin/env bash
# Foundation benchmark, one run: builds release, starts PostgreSQL and the daemon on a fresh
# database, times the import of the national CP932 file, then measures GET
# /v1/municipalities/{code} with wrk and `pgbench -S` on the same cluster, and prints the ratio.
# Usage: bench/run.sh   (DURATION=seconds per measurement, default 20; CONNECTIONS, default 16)
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
source "$(dirname "$0")/lib.sh"
bench_start
"${PSQL[@]}" -c "CREATE DATABASE pgbench"
pgbench -h "$WORK" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1

import_seconds=$(bench_upload /v1/municipalities/import "$NATIONAL_FILE")
cp "$WORK/answer.json" "$WORK/import.json"
reimport_seconds=$(bench_upload /v1/municipalities/import "$NATIONAL_FILE")
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
