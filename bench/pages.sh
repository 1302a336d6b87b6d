#!/usr/bin/env bash
# Web pages benchmark, one run: seeds a fresh database at national scale (`council dev seed
# --scale national`), signs the seeded secretariat administrator in (a password set through a
# one-time link, a session cookie from the sign-in form), then measures with wrk at $CONNECTIONS
# connections carrying that cookie:
#   - the dashboard (/)
#   - 課題一覧, filtered (/issues?state=new,triaged&business_area=juki)
#   - 課題 pages (the first 2,000 issues in turn)
#   - 団体 pages (every 団体 in turn)
#   - 協議会 pages (every seeded meeting in turn, as the secretariat sees them: with the agenda's forms)
#   - 監査ログ (/admin/audit: the newest 100 entries; and filtered by action)
# and the size of each page's HTML and of a first visit (HTML + stylesheet + script).
# Usage: bench/pages.sh   (DURATION=seconds per measurement, default 20; CONNECTIONS, default 16)
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
source "$(dirname "$0")/lib.sh"
bench_national
bench_sign_in "$("${PSQL[@]}" -d council -c "SELECT id FROM accounts WHERE email = 'seed-admin@example.jp'")"
export COOKIE

echo "/" > "$WORK/dashboard.txt"
echo "/issues?state=new,triaged&business_area=juki" > "$WORK/list.txt"
"${PSQL[@]}" -d council -c "SELECT '/issues/' || number FROM issues ORDER BY number LIMIT 2000" > "$WORK/issues.txt"
"${PSQL[@]}" -d council -c "SELECT '/municipalities/' || code FROM municipalities WHERE active ORDER BY code" > "$WORK/dantai.txt"
"${PSQL[@]}" -d council -c "SELECT '/meetings/' || id FROM meetings ORDER BY id" > "$WORK/meetings.txt"
printf '/admin/audit\n/admin/audit?action=issue.create\n' > "$WORK/audit.txt"

size() { curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $COOKIE" "localhost:$PORT$1"; }
page="$WORK/page.html"
curl -s -o "$page" -H "Cookie: $COOKIE" "localhost:$PORT/"
assets=0
for asset in $(grep -o '/assets/[0-9a-f]*/[a-z.]*' "$page" | sort -u); do assets=$((assets + $(size "$asset"))); done
sizes=""
for path in / "$(cat "$WORK/list.txt")" "$(head -1 "$WORK/issues.txt")" /municipalities/011002 "$(head -1 "$WORK/meetings.txt")" /admin/audit; do
    html=$(size "$path")
    sizes+="  $path: HTML $((html / 1024)) KB, first visit $(((html + assets) / 1024)) KB"$'\n'
done

bench_statements_reset
read -r d_rps d_p50 d_p99 d_err <<<"$(bench_paths "$WORK/dashboard.txt" "$CONNECTIONS")"
read -r l_rps l_p50 l_p99 l_err <<<"$(bench_paths "$WORK/list.txt" "$CONNECTIONS")"
read -r i_rps i_p50 i_p99 i_err <<<"$(bench_paths "$WORK/issues.txt" "$CONNECTIONS")"
read -r m_rps m_p50 m_p99 m_err <<<"$(bench_paths "$WORK/dantai.txt" "$CONNECTIONS")"
read -r g_rps g_p50 g_p99 g_err <<<"$(bench_paths "$WORK/meetings.txt" "$CONNECTIONS")"
read -r a_rps a_p50 a_p99 a_err <<<"$(bench_paths "$WORK/audit.txt" "$CONNECTIONS")"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")

cat <<REPORT
Council web pages benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r)
$SEED_OUT
page sizes (stylesheet + script: $((assets / 1024)) KB):
${sizes}wrk ${CONNECTIONS} connections with a session cookie, ${DURATION}s each (req/s, p50, p99, errors):
  dashboard:                      ${d_rps} req/s, p50 ${d_p50}, p99 ${d_p99}, errors ${d_err}
  課題一覧 (state, 業務):          ${l_rps} req/s, p50 ${l_p50}, p99 ${l_p99}, errors ${l_err}
  課題 pages (2,000 in turn):      ${i_rps} req/s, p50 ${i_p50}, p99 ${i_p99}, errors ${i_err}
  団体 pages (every 団体 in turn): ${m_rps} req/s, p50 ${m_p50}, p99 ${m_p99}, errors ${m_err}
  協議会 pages (every meeting):     ${g_rps} req/s, p50 ${g_p50}, p99 ${g_p99}, errors ${g_err}
  監査ログ (newest, by action):     ${a_rps} req/s, p50 ${a_p50}, p99 ${a_p99}, errors ${a_err}
daemon peak RSS: $((rss_kb / 1024)) MiB   (targets: p99 <= 30 ms each; HTML <= 100 KB, first visit <= 200 KB)

PostgreSQL's ten most expensive statements over the six measurements (pg_stat_statements):

$(bench_statements_top)
REPORT
