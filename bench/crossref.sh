#!/usr/bin/env bash
# Cross-reference benchmark, one run: seeds a fresh database at national scale
# (`council dev seed --scale national`: 1,788 団体, 34,592 adoptions, 100,000 issues, ~1M
# municipality links), then measures with wrk at $CONNECTIONS connections:
#   - GET /v1/blockers?vendor=<largest vendor>&group_by=prefecture (as the secretariat)
#   - the same for every vendor in turn (300 different views)
#   - GET /v1/municipalities/{code}/blockers over all 1,788 団体, twice: the first pass computes
#     every view once, the second finds them cached
#   - every vendor's and every 団体's view again while the change counters move every 10 ms, so
#     (almost) every view is computed during the measurement
# and the cost of a view computed afresh (after a change), sequentially.
# Usage: bench/crossref.sh   (DURATION=seconds per measurement, default 20; CONNECTIONS, default 16)
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
source "$(dirname "$0")/lib.sh"
bench_national
top=$("${PSQL[@]}" -d council -c "SELECT id FROM organizations WHERE short_name = 'V001'")
echo "/v1/blockers?vendor=$top&group_by=prefecture" > "$WORK/top.txt"
"${PSQL[@]}" -d council -c "SELECT '/v1/blockers?vendor=' || id || '&group_by=prefecture' FROM organizations WHERE kind = 'vendor' ORDER BY id" > "$WORK/vendors.txt"
"${PSQL[@]}" -d council -c "SELECT '/v1/municipalities/' || code || '/blockers' FROM dantai ORDER BY code" > "$WORK/dantai.txt"

# A view computed afresh: bump the change counters, then time one request (20 times).
cold() {
    for _ in $(seq 20); do
        "${PSQL[@]}" -d council -c "UPDATE change_counters SET value = value + 1 WHERE shard = 0"
        curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "localhost:$PORT$1"
    done | sort -n | awk '{a[NR] = $1} END {printf "median %.1f ms, max %.1f ms", a[int((NR + 1) / 2)] * 1000, a[NR] * 1000}'
}
cold_vendor=$(cold "$(cat "$WORK/top.txt")")
cold_dantai=$(cold "/v1/municipalities/011002/blockers")
read -r top_rps top_p50 top_p99 top_err <<<"$(bench_paths "$WORK/top.txt" "$CONNECTIONS")"
read -r ven_rps ven_p50 ven_p99 ven_err <<<"$(bench_paths "$WORK/vendors.txt" "$CONNECTIONS")"
read -r dan_rps dan_p50 dan_p99 dan_err <<<"$(bench_paths "$WORK/dantai.txt" "$CONNECTIONS")"
# The same again: every 団体's view is now cached (nothing changed in between).
read -r dan2_rps dan2_p50 dan2_p99 dan2_err <<<"$(bench_paths "$WORK/dantai.txt" "$CONNECTIONS")"
# Views computed during the measurement: one session moves the change counters every 10 ms (as a
# committed write does), so a view is found cached only if asked for twice within 10 ms.
changing() {
    while :; do echo "UPDATE change_counters SET value = value + 1 WHERE shard = 0;"; sleep 0.01; done | "${PSQL[@]}" -d council >/dev/null &
    local writer=$!
    bench_paths "$1" "$CONNECTIONS"
    kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null || true
}
read -r venw_rps venw_p50 venw_p99 venw_err <<<"$(changing "$WORK/vendors.txt")"
read -r danw_rps danw_p50 danw_p99 danw_err <<<"$(changing "$WORK/dantai.txt")"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")

cat <<REPORT
Council cross-reference benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r)
$SEED_OUT
wrk ${CONNECTIONS} connections, ${DURATION}s each (req/s, p50, p99, errors):
  blockers, largest vendor, group_by=prefecture:       ${top_rps} req/s, p50 ${top_p50}, p99 ${top_p99}, errors ${top_err}
  blockers, each of 300 vendors, group_by=prefecture:  ${ven_rps} req/s, p50 ${ven_p50}, p99 ${ven_p99}, errors ${ven_err}
  municipality blockers, each of 1,788 団体 (first pass, every view computed once):
                                                        ${dan_rps} req/s, p50 ${dan_p50}, p99 ${dan_p99}, errors ${dan_err}
  municipality blockers, second pass (views cached):   ${dan2_rps} req/s, p50 ${dan2_p50}, p99 ${dan2_p99}, errors ${dan2_err}
with a change every 10 ms (views computed during the measurement):
  blockers, each of 300 vendors, group_by=prefecture:  ${venw_rps} req/s, p50 ${venw_p50}, p99 ${venw_p99}, errors ${venw_err}
  municipality blockers, each of 1,788 団体:          ${danw_rps} req/s, p50 ${danw_p50}, p99 ${danw_p99}, errors ${danw_err}
computed afresh after a change (sequential, 20 runs): largest vendor ${cold_vendor}; one 団体 ${cold_dantai}
daemon peak RSS: $((rss_kb / 1024)) MiB   (target p99 <= 20 ms at 16 connections)
REPORT
