# Shared setup for the benchmarks: a release build, a fresh durable PostgreSQL cluster on a
# unix socket, the daemon on it, a bootstrap token, and the national municipality list.
# Source it, then call `bench_start`; everything is torn down on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT=${PORT:-18080}
NATIONAL_FILE=${NATIONAL_FILE:-../shared/data/dantai-code-cp932.csv}

as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

bench_cleanup() {
    [[ -n ${DAEMON:-} ]] && kill "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null || true
    as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
    [[ -n ${BENCH_PG_LOG:-} ]] && cp "$WORK/pg.log" "$BENCH_PG_LOG"
    rm -rf "$WORK"
}

bench_cluster() {
    scripts/install-deps
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
    # BUILD_CONFIG=debug skips the release build (for fuzzing, where speed does not matter).
    swift build -c "${BUILD_CONFIG:-release}" --product council >&2
    COUNCIL=$(swift build -c "${BUILD_CONFIG:-release}" --show-bin-path)/council
    bench_postgres
    "${PSQL[@]}" -c "CREATE DATABASE council"
    export DATABASE_URL="host=$WORK user=postgres dbname=council"
}

# A fresh durable cluster in $WORK (removed on exit), reachable through $PSQL. BENCH_PG_OPTIONS
# adds server options, e.g. to log slow statements' plans: "-c shared_preload_libraries=
# pg_stat_statements,auto_explain -c auto_explain.log_min_duration=20"; BENCH_PG_LOG=file keeps
# the server's log when the cluster goes.
bench_postgres() {
    PGBIN=$(pg_config --bindir)
    [[ -x $PGBIN/initdb ]] || PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    WORK=$(mktemp -d /tmp/council-bench.XXXXXX)
    chmod 755 "$WORK"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$WORK"
    trap bench_cleanup EXIT
    as_pg "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/pg.log" -w -o "-k $WORK -c listen_addresses='' -c max_connections=100 -c shared_preload_libraries=pg_stat_statements ${BENCH_PG_OPTIONS:-}" start >/dev/null
    PSQL=(psql -h "$WORK" -U postgres -X -q -t -A)
}

bench_daemon() {
    "$COUNCIL" serve --port "$PORT" --log-level warning &
    DAEMON=$!
    for _ in $(seq 100); do curl -sf "localhost:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
}

# A fresh cluster seeded at national scale (`council dev seed --scale national --seed 1`), the
# daemon on it, and TOKEN the seeded secretariat administrator's; SEED_OUT says what was made.
bench_national() {
    bench_cluster
    "$COUNCIL" db migrate >/dev/null
    SEED_OUT=$("$COUNCIL" dev seed --scale national --seed 1 --municipalities "$NATIONAL_FILE" --tokens "$WORK/tokens.json")
    bench_daemon
    TOKEN=$(bench_token admin)
}

# A token of the national seed by role: admin, vendor or observer.
bench_token() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$WORK/tokens.json" "$1"; }

bench_start() {
    bench_cluster
    bench_daemon
    TOKEN=$("$COUNCIL" admin bootstrap --name bench --email bench@example.jp 2>/dev/null | tail -1)
    AUTH=(-H "Authorization: Bearer $TOKEN")
}

# wrk over the request paths listed in a file (round robin), as the holder of $TOKEN; prints
# "req/s p50 p99 errors".
bench_paths() {
    local out
    out=$(PATHS_FILE="$1" TOKEN="$TOKEN" wrk -t2 -c"${2:-16}" -d"${DURATION}s" --latency -s bench/paths.lua "http://127.0.0.1:$PORT")
    echo "$(awk '/^Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out") $(awk -F': ' '/non-2xx or socket errors/ {print $2}' <<<"$out")"
}

# Signs account $1 in as a browser would: a one-time password link (made with $TOKEN), a password
# set through its form; leaves the session in $JAR and $COOKIE, and `csrf` reads a page's token.
bench_sign_in() {
    local link token password="ベンチマークのパスワード"
    JAR="$WORK/cookies.txt"
    link=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" "localhost:$PORT/v1/accounts/$1/password-link" |
        python3 -c "import json,sys; print(json.load(sys.stdin)['url'])")
    token=$(curl -sf -c "$JAR" -b "$JAR" "$link" | csrf)
    curl -sf -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$token" --data-urlencode "password=$password" \
        --data-urlencode "password_again=$password" "$link"
    COOKIE="council_session=$(awk '$6 == "council_session" {print $7}' "$JAR")"
}
csrf() { grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

# POSTs a CSV file; prints the seconds it took and leaves the answer in $WORK/answer.json.
bench_upload() {
    curl -sf -o "$WORK/answer.json" -w '%{time_total}' "${AUTH[@]}" -H 'Content-Type: text/csv' --data-binary @"$2" "localhost:$PORT$1"
}

# wrk over the request lines of a file (bench/requests.lua) at $2 connections, starting at line
# offset $3; prints "req/s p50 p95 p99 errors" (milliseconds).
bench_requests() {
    local threads=$(( $2 > 1 ? 2 : 1 )) out
    out=$(REQUESTS_FILE="$1" OFFSET="${3:-0}" THREADS=$threads wrk -t"$threads" -c"$2" -d"${DURATION}s" -s bench/requests.lua "http://127.0.0.1:$PORT")
    echo "$(awk '/^Requests\/sec/ {print $2}' <<<"$out") $(awk '/^percentiles ms:/ {print $3, $4, $5}' <<<"$out") $(awk -F': ' '/non-2xx or socket errors/ {print $2}' <<<"$out")"
}

# pg_stat_statements (the cluster preloads it): forget what came before (seed, request files)…
bench_statements_reset() {
    "${PSQL[@]}" -d council -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
}

# …and the ten statements that cost PostgreSQL the most time since, as a Markdown table.
bench_statements_top() {
    echo "| calls | mean ms | total s | statement |"
    echo "|---|---|---|---|"
    "${PSQL[@]}" -d council -F ' | ' <<'SQL'
SELECT '| ' || calls, round(mean_exec_time::numeric, 2), round(total_exec_time::numeric / 1000, 1),
       '`' || replace(left(regexp_replace(query, '\s+', ' ', 'g'), 140), '|', '\|') || '` |'
FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'council')
ORDER BY total_exec_time DESC LIMIT 10
SQL
}

# CPU seconds (user + system) spent so far by the given processes and the children they reaped;
# `bench_cpu_postgres` is PostgreSQL's: the postmaster (with its reaped backends) and every child.
bench_cpu() {
    local pid ticks=0
    for pid in "$@"; do
        # Fields after the command name (which may hold spaces): utime stime cutime cstime are 12-15.
        [[ -r /proc/$pid/stat ]] && ticks=$((ticks + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'
}
bench_cpu_postgres() {
    local postmaster
    postmaster=$(head -1 "$WORK/data/postmaster.pid")
    bench_cpu "$postmaster" $(pgrep -P "$postmaster")
}
