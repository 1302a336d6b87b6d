#!/usr/bin/env bash
# Fuzzing, the long variant of the reliability suite: schemathesis (PyPI) generates requests from
# the served /openapi.yaml, once per role (secretariat admin, vendor, observer, anonymous), on a
# fresh database seeded with `council dev seed --scale small`. Checks: all of schemathesis's (no
# 5xx; status, content type, headers and body as documented; schema-valid requests accepted and
# schema-invalid ones refused; authentication not ignored; deleted resources gone), phases
# examples, coverage, fuzzing and stateful. Prints the generated test cases per role.
# Usage: bench/fuzz.sh   (MAX_TIME=seconds per role, default 150; FUZZ_LOGS=directory to keep
# schemathesis's reports in; BUILD_CONFIG=debug to skip the release build)
#
# Operations that can lock the fuzzing caller out (revoking its own token, deactivating its own
# account or organization) are left out of the generated runs; the authorization matrix and the
# identity tests cover them.
MAX_TIME=${MAX_TIME:-150}
source "$(dirname "$0")/lib.sh"
VENV=${FUZZ_VENV:-$HOME/.cache/council-fuzz-venv}
if [[ ! -x $VENV/bin/schemathesis ]]; then
    command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 python3-venv; }
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q schemathesis
fi
bench_cluster
LOGS=${FUZZ_LOGS:-$WORK}
mkdir -p "$LOGS"
"$COUNCIL" db migrate >/dev/null
"$COUNCIL" dev seed --scale small --seed 1 --municipalities "$NATIONAL_FILE" --tokens "$WORK/tokens.json" >/dev/null
bench_daemon

total=0
failed=0
summary=""
for role in admin vendor observer anonymous; do
    auth=()
    [[ $role != anonymous ]] && auth=(-H "Authorization: Bearer $(bench_token "$role")")
    set +e
    # Run from the work directory: schemathesis keeps a cache in the current directory.
    out=$(cd "$WORK" && "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.yaml" "${auth[@]}" \
        --checks all \
        --exclude-operation-id revokeToken --exclude-operation-id updateAccount --exclude-operation-id updateOrganization \
        --phases examples,coverage,fuzzing,stateful --max-time "$MAX_TIME" --workers 2 --suppress-health-check all \
        --request-timeout 10 --seed 1 2>&1)
    status=$?
    set -e
    cases=$( (grep -oE '[0-9]+ generated' <<<"$out" || true) | tail -1 | awk '{print $1}')
    result=$( (grep -E '^=+ .* in [0-9.]+s =+$' <<<"$out" || true) | tail -1 | tr -d '=' | sed 's/^ *//; s/ *$//')
    echo "$out" > "$LOGS/fuzz-$role.txt"
    if [[ $status -ne 0 ]]; then
        failed=1
        (grep -A40 -E '^(Failures|Errors):' <<<"$out" || true) | head -60 >&2
    fi
    total=$((total + ${cases:-0}))
    summary+="  $role: ${cases:-0} test cases — $result"$'\n'
done
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")
cat <<REPORT
Council fuzzing — $(date -u +%Y-%m-%dT%H:%MZ), schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}'), ${MAX_TIME}s per role
$summary  total: $total generated test cases; daemon peak RSS $((rss_kb / 1024)) MiB
REPORT
exit $failed
