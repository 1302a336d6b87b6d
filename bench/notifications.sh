#!/usr/bin/env bash
# Notifications at national scale: the mixed load with state changes (35% get, 30% list, 15%
# PATCH, 10% create, 10% state change with note; 16 connections, $DURATION s) first without
# subscribers, then with 200 webhook endpoints (one per vendor, `scope: own`, every event type)
# on a receiver on loopback and mail through a real SMTP server (aiosmtpd), then without them
# again (the endpoints deleted; mail stays on throughout), after a first run that only ages the
# database — and, from the
# database, how long each event took from its write to the receiver's answer and to the relay
# (the event's `at` is taken inside the writing transaction, before its commit, so these are
# upper bounds of "commit to receiver").
# Usage: bench/notifications.sh   (DURATION=seconds per run, default 30; PROFILE=perf.data to profile
# the daemon during the run with subscribers)
DURATION=${DURATION:-30}
source "$(dirname "$0")/lib.sh"

HOOK_PORT=$((PORT + 1)) SMTP_PORT=$((PORT + 2))
export COUNCIL_WEBHOOK_ALLOW=127.0.0.1 COUNCIL_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" COUNCIL_PUBLIC_URL="http://council.bench"

bench_national
# The real peers: a receiver answering 204 to every POST, an SMTP server keeping nothing.
[[ -x .venv-bench/bin/python ]] || { python3 -m venv .venv-bench && .venv-bench/bin/pip install --quiet "aiosmtpd==1.4.6"; }
python3 - "$HOOK_PORT" <<'PY' &
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
RECEIVER=$!
.venv-bench/bin/python -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Sink &
SMTP=$!
trap 'kill $RECEIVER $SMTP 2>/dev/null; bench_cleanup' EXIT
source bench/request-files.sh
mixed_with_state_changes
# Four runs on quarters of the request file (each PATCH and state change used once): one to age
# the freshly seeded database (a first run is faster than any after it), not counted; then
# without subscribers, with them, without again — the database keeps growing and aging, so the
# "with" run is compared with the mean of the two around it.
quarter=$(( $(wc -l < "$WORK/mixed2.tsv") / 4 ))
# What each run cost in CPU, so a throughput ratio can be read against who spent the two cores:
# prints "daemon-s postgres-s peers-s req/s p50 p95 p99 errors" for the run from line offset $1.
cpu_now() { echo "$(bench_cpu "$DAEMON") $(bench_cpu_postgres) $(bench_cpu "$RECEIVER" "$SMTP")"; }
measured_run() {
    local before result after
    before=$(cpu_now)
    result=$(bench_requests "$WORK/mixed2.tsv" 16 "$1")
    after=$(cpu_now)
    echo "$(awk -v b="$before" -v a="$after" 'BEGIN { split(b, x); split(a, y); printf "%.1f %.1f %.1f", y[1] - x[1], y[2] - x[2], y[3] - x[3] }') $result"
}
# "daemon-s / postgres-s / peers-s | daemon and PostgreSQL CPU ms per request" for a run's figures.
cpu_cells() { awk -v d="$1" -v p="$2" -v o="$3" -v r="$4" -v s="$DURATION" 'BEGIN { printf "%s / %s / %s | %.2f", d, p, o, (d + p) * 1000 / (r * s) }'; }

bench_requests "$WORK/mixed2.tsv" 16 0 >/dev/null
read -r cpu_d_without cpu_p_without cpu_o_without rps_without p50_without p95_without p99_without err_without <<<"$(measured_run "$quarter")"

# 200 vendors' endpoints, registered through the API as their organizations' would be.
for id in $(q "SELECT id FROM organizations WHERE kind = 'vendor' ORDER BY id LIMIT 200"); do
    curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "{\"url\": \"http://127.0.0.1:$HOOK_PORT/hook/$id\", \"organization_id\": $id, \"scope\": \"own\"}" "localhost:$PORT/v1/webhooks"
done
endpoints=$(q "SELECT count(*) FROM webhook_endpoints")
first_event=$(q "SELECT coalesce(max(id), 0) + 1 FROM outbox_events")
bench_statements_reset
# PROFILE=file records the daemon with perf (call graphs) through the middle of this run.
if [[ -n ${PROFILE:-} ]]; then
    (sleep 3 && perf record -q -g -F 499 -p "$DAEMON" -o "$PROFILE" -- sleep $((DURATION - 6)) >/dev/null 2>&1) &
fi
read -r cpu_d_with cpu_p_with cpu_o_with rps_with p50_with p95_with p99_with err_with <<<"$(measured_run "$((2 * quarter))")"
statements=$(bench_statements_top)
last_event=$(q "SELECT max(id) FROM outbox_events")
# Let the deliveries the run queued drain (at most a minute), then read the figures.
for _ in $(seq 120); do
    [[ $(q "SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'") == 0 && \
       $(q "SELECT count(*) FROM mail_deliveries WHERE state = 'pending'") == 0 ]] && break
    sleep 0.5
done
stats() {  # the latency SQL (seconds) over the run's events
    q "SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::numeric * 1000),
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s)::numeric * 1000), round(max(s)::numeric * 1000)
       FROM ($1) t" | tr '|' ' '
}
read -r hooks hook_p50 hook_p99 hook_max <<<"$(stats "
    SELECT extract(epoch FROM a.at - e.at) AS s FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
    JOIN LATERAL (SELECT at FROM webhook_attempts WHERE delivery_id = d.id AND status BETWEEN 200 AND 299 ORDER BY id LIMIT 1) a ON TRUE
    WHERE e.id BETWEEN $first_event AND $last_event")"
read -r mails mail_p50 mail_p99 mail_max <<<"$(stats "
    SELECT extract(epoch FROM m.sent_at - e.at) AS s FROM mail_deliveries m JOIN outbox_events e ON e.id = m.event_id
    WHERE e.id BETWEEN $first_event AND $last_event AND m.state = 'sent'")"
events=$(q "SELECT count(*) FROM outbox_events WHERE id BETWEEN $first_event AND $last_event")
left=$(q "SELECT (SELECT count(*) FROM webhook_deliveries WHERE state = 'pending') + (SELECT count(*) FROM mail_deliveries WHERE state = 'pending')")

# The endpoints deleted through the API, the third run without subscribers again.
for id in $(q "SELECT id FROM webhook_endpoints"); do
    curl -sf -o /dev/null -X DELETE -H "Authorization: Bearer $TOKEN" "localhost:$PORT/v1/webhooks/$id"
done
read -r cpu_d_again cpu_p_again cpu_o_again rps_again p50_again p95_again p99_again err_again <<<"$(measured_run "$((3 * quarter))")"

cat <<REPORT
Council notifications benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $("$PGBIN/postgres" --version)
$SEED_OUT
mixed load with state changes, 16 connections, wrk ${DURATION}s per run; receiver, SMTP server, wrk, the daemon and PostgreSQL share the machine.

| run | req/s | p50 ms | p95 ms | p99 ms | errors | CPU s: daemon / PostgreSQL / receiver + SMTP | daemon + PostgreSQL CPU ms per request |
|---|---|---|---|---|---|---|---|
| without subscribers | ${rps_without%.*} | $p50_without | $p95_without | $p99_without | $err_without | $(cpu_cells "$cpu_d_without" "$cpu_p_without" "$cpu_o_without" "$rps_without") |
| with $endpoints endpoints (scope own) and mail | ${rps_with%.*} | $p50_with | $p95_with | $p99_with | $err_with | $(cpu_cells "$cpu_d_with" "$cpu_p_with" "$cpu_o_with" "$rps_with") |
| without subscribers again | ${rps_again%.*} | $p50_again | $p95_again | $p99_again | $err_again | $(cpu_cells "$cpu_d_again" "$cpu_p_again" "$cpu_o_again" "$rps_again") |

throughput with subscribers: $(awk -v a="${rps_with%.*}" -v b="${rps_without%.*}" -v c="${rps_again%.*}" 'BEGIN { printf "%.2f × the mean of the runs around it (%.2f × the first, %.2f × the last)", 2 * a / (b + c), a / b, a / c }') (target ≥ 0.90)

| channel | events of the run | deliveries | p50 ms | p99 ms | max ms | target p99 |
|---|---|---|---|---|---|---|
| webhook (write → receiver's 2xx recorded) | $events | $hooks | $hook_p50 | $hook_p99 | $hook_max | ≤ 1000 |
| mail (write → relay accepted) | $events | $mails | $mail_p50 | $mail_p99 | $mail_max | ≤ 2000 |

deliveries still pending after the drain: $left

PostgreSQL's busiest statements of the run with subscribers:

$statements
REPORT
