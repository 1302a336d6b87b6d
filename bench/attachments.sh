#!/usr/bin/env bash
# Attachments benchmark: the daemon's peak memory while it takes and serves 20 MB files. Uploads
# are spooled to disk and stored in 1 MiB chunks; downloads stream chunk by chunk: the daemon's
# peak RSS (VmHWM) should grow by a few MiB per request in flight, not by the file's size.
# FILE_MB (default 20; COUNCIL_MAX_ATTACHMENT_MB must allow it) and FILES set the load.
source "$(dirname "$0")/lib.sh"
FILES=${FILES:-5}
FILE_BYTES=$(( ${FILE_MB:-20} * 1000000 ))
bench_start
rss() { awk '/^VmHWM/ {print $2}' "/proc/$DAEMON/status"; }
issue=$(curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' localhost:$PORT/v1/issues \
    -d '{"title": "添付の試験", "category": "spec", "severity": "low"}' | sed -E 's/.*"number":([0-9]+).*/\1/')
before=$(rss)
upload_seconds=()
for n in $(seq "$FILES"); do
    head -c "$FILE_BYTES" /dev/urandom > "$WORK/file-$n.bin"
    upload_seconds+=("$(curl -sf -o "$WORK/answer.json" -w '%{time_total}' "${AUTH[@]}" -H 'Content-Type: application/octet-stream' \
        -H "Idempotency-Key: bench-$n-$RANDOM" --data-binary @"$WORK/file-$n.bin" \
        "localhost:$PORT/v1/issues/$issue/attachments?filename=file-$n.bin")")
done
after_uploads=$(rss)
download_seconds=()
for n in $(seq "$FILES"); do
    download_seconds+=("$(curl -sf -o "$WORK/copy.bin" -w '%{time_total}' "${AUTH[@]}" "localhost:$PORT/v1/issues/$issue/attachments/$n")")
    cmp -s "$WORK/copy.bin" "$WORK/file-$n.bin" || { echo "download $n differs" >&2; exit 1; }
done
after_downloads=$(rss)
cat <<REPORT
Council attachments benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB
$FILES files of $FILE_BYTES random bytes, one at a time, each with an Idempotency-Key
daemon peak RSS (VmHWM): $((before / 1024)) MiB after start and setup, $((after_uploads / 1024)) MiB after the uploads, $((after_downloads / 1024)) MiB after the downloads
upload seconds: ${upload_seconds[*]}
download seconds: ${download_seconds[*]} (every copy identical)
REPORT
