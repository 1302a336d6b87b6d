#!/usr/bin/env bash
# National-scale benchmark, one run: release build, fresh cluster, `council dev seed --scale
# national --seed 1`, then every scenario at 1, 16 and 64 connections with wrk ($DURATION s each):
#   get issue by id · list issues filtered (vendor + state + business area, first page with its
#   total) · blockers by vendor grouped by prefecture (each of the 300 vendors) · municipality
#   blockers (each of the 1,788 団体) · create issue with 20 municipality links · PATCH with
#   If-Match · status report filing · mixed (35% get, 35% list, 20% PATCH, 10% create) · state
#   change with its note (one POST naming the state it expects) · mixed with state changes
#   (35% get, 30% list, 15% PATCH, 10% create, 10% state change)
# and, on the same cluster, `pgbench -S` and a one-row UPDATE script at the same client counts.
# Reads are compared with pgbench -S, writes (and the mixed load) with the UPDATE script.
# Prints a Markdown table (bench/RESULTS.md keeps the recorded run).
# Usage: bench/scale.sh   (DURATION=seconds per measurement, default 10)
DURATION=${DURATION:-10}
LEVELS=(1 16 64)
source "$(dirname "$0")/lib.sh"
bench_national
source bench/request-files.sh

# Mixed: 35 get, 35 list, 20 PATCH, 10 create per 100 requests.
patches 60001 100000 > "$WORK/patch-mixed.tsv"
python3 bench/mix.py "$WORK/mixed.tsv" "$WORK/get.tsv:35" "$WORK/list.tsv:35" "$WORK/patch-mixed.tsv:20:once" "$WORK/create.tsv:10:30000"

# pgbench on the same cluster: its own database, scale 10 (1,000,000 accounts).
"${PSQL[@]}" -c "CREATE DATABASE pgbench"
pgbench -h "$WORK" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1
printf '\\set aid random(1, 100000 * :scale)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n' > "$WORK/update.sql"
pgb() { pgbench -h "$WORK" -U postgres -n -c "$1" -j $(( $1 > 1 ? 2 : 1 )) -T "$DURATION" "${@:2}" pgbench 2>/dev/null | awk '/^tps/ {print int($3)}'; }
declare -A SELECT UPDATE
for c in "${LEVELS[@]}"; do
    SELECT[$c]=$(pgb "$c" -S)
    UPDATE[$c]=$(pgb "$c" -f "$WORK/update.sql")
done

# Statement statistics from here on: the scenarios only, not the seed or the request files.
bench_statements_reset

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
row() {  # name file base offset-step
    local name=$1 file=$2 base=$3 step=${4:-0} i=0
    for c in "${LEVELS[@]}"; do
        read -r rps p50 p95 p99 err <<<"$(bench_requests "$WORK/$file" "$c" $((i * step)))"
        local against
        if [[ $base == S ]]; then against=${SELECT[$c]}; else against=${UPDATE[$c]}; fi
        echo "| $name | $c | ${rps%.*} | $p50 | $p95 | $p99 | $err | $(ratio "${rps%.*}" "$against") × $( [[ $base == S ]] && echo '-S' || echo 'update') |"
        i=$((i + 1))
    done
}
{
    echo "| scenario | conns | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to pgbench |"
    echo "|---|---|---|---|---|---|---|---|"
    row "get issue by id" get.tsv S
    row "list issues (vendor + state + area, first 50 with total)" list.tsv S
    row "blockers by vendor, group_by=prefecture (300 vendors)" vendors.tsv S
    row "municipality blockers (1,788 団体)" dantai.tsv S
    row "create issue with 20 municipality links" create.tsv U 20000
    row "PATCH with If-Match" patch.tsv U 20000
    row "status report filing" status.tsv U 20000
    row "mixed: 35% get, 35% list, 20% PATCH, 10% create" mixed.tsv U 60000
    # A state change with its note as a client does it now: one POST naming the state it expects.
    # Generated here, from the states and versions the rows above left.
    q "SELECT concat_ws(E'\t', 'POST', '/v1/issues/' || number || '/transitions', :'admin', '-',
                        json_build_object('to', 'triaged', 'from', 'new', 'comment', '受け付けました。内容を確認します。')::text)
       FROM issues WHERE state = 'new' ORDER BY hashint4(number)" > "$WORK/transition.tsv"
    step=$(( $(wc -l < "$WORK/transition.tsv") / 3 ))
    row "state change with note (POST transition with from)" transition.tsv U "$step"
    mixed_with_state_changes
    step=$(( $(wc -l < "$WORK/mixed2.tsv") / 3 ))
    row "mixed: 35% get, 30% list, 15% PATCH, 10% create, 10% state change with note" mixed2.tsv U "$step"
    for c in "${LEVELS[@]}"; do echo "| pgbench -S | $c | ${SELECT[$c]} | | | | | |"; done
    for c in "${LEVELS[@]}"; do echo "| pgbench one-row UPDATE | $c | ${UPDATE[$c]} | | | | | |"; done
} > "$WORK/table.md"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")

cat <<REPORT
Council national-scale benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r), $("$PGBIN/postgres" --version)
$SEED_OUT
wrk ${DURATION}s per row; daemon pool size ${COUNCIL_POOL_SIZE:-4}; wrk, the daemon, PostgreSQL and pgbench share the machine.

$(cat "$WORK/table.md")

daemon peak RSS: $((rss_kb / 1024)) MiB (target ≤ 150 MB)

PostgreSQL's ten most expensive statements over the scenarios (pg_stat_statements):

$(bench_statements_top)
REPORT
