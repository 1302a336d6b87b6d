#!/usr/bin/env bash
# Filings benchmark: imports 34,592 adoption rows (the national number of systems in scope) in one
# CSV through the API, then the same file again (all unchanged), then a dry run (target: < 3 s);
# then the same rows, changed, as an .xlsx workbook (target: < 4 s).
source "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-34592}
bench_start
bench_upload /v1/municipalities/import "$NATIONAL_FILE" >/dev/null

# A vendor with one product covering all 20 business areas.
vendor=$(curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' localhost:$PORT/v1/organizations \
    -d '{"kind": "vendor", "name": "ベンチマーク株式会社", "short_name": "ベンチ"}' | sed -E 's/.*"id":([0-9]+).*/\1/')
areas=$("${PSQL[@]}" -d council -c "SELECT string_agg('\"' || slug || '\"', ',' ORDER BY sort_order) FROM business_areas")
product=$(curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' localhost:$PORT/v1/products \
    -d "{\"vendor_id\": $vendor, \"name\": \"全業務パッケージ\", \"business_areas\": [$areas]}" | sed -E 's/^\{.*"id":([0-9]+),"name".*/\1/')

# Every municipality × every area, and every prefecture × its two areas; the first $ROWS rows.
{
    echo "団体コード,業務,製品ID,移行予定,状態,事由,新目標月,PMO進捗,備考"
    "${PSQL[@]}" -d council -F, -c "
        SELECT code, area, $product,
               CASE WHEN n % 7 = 0 THEN '2027-03' ELSE '2026-0' || (1 + n % 3) END,
               CASE WHEN n % 7 = 0 THEN 'specified_support' WHEN n % 11 = 0 THEN 'delayed' ELSE 'in_progress' END,
               CASE WHEN n % 7 = 0 THEN 'vendor_resources' ELSE '' END,
               CASE WHEN n % 7 <> 0 AND n % 11 = 0 THEN '2026-09' ELSE '' END,
               n % 101, ''
        FROM (SELECT code, area, row_number() OVER () AS n FROM (
                SELECT m.code, a.slug AS area FROM municipalities m CROSS JOIN business_areas a
                UNION ALL
                SELECT p.dantai_code, a.slug FROM prefectures p JOIN business_areas a ON a.prefectures_run_it
                ORDER BY 1, 2) pairs) numbered
        LIMIT $ROWS"
} > "$WORK/adoptions.csv"
rows=$(($(wc -l < "$WORK/adoptions.csv") - 1))

first=$(bench_upload /v1/adoptions/import "$WORK/adoptions.csv"); first_answer=$(cat "$WORK/answer.json")
again=$(bench_upload /v1/adoptions/import "$WORK/adoptions.csv"); again_answer=$(cat "$WORK/answer.json")
dry=$(bench_upload "/v1/adoptions/import?dry_run=true" "$WORK/adoptions.csv")
export_seconds=$(curl -sf -o "$WORK/export.csv" -w '%{time_total}' "${AUTH[@]}" "localhost:$PORT/v1/adoptions/export?encoding=cp932")

# The same rows as an Excel workbook (XlsxWriter writes shared strings and date cells as Excel
# does; PMO進捗 + 1 and a 備考 so it differs from the CSV), first imported into an empty table
# (target < 4 s), then again over the CSV's rows (every adoption updated, with history and
# audit). Needs the tests' Python environment (./scripts/test prepares .venv-tests).
.venv-tests/bin/python - "$WORK/adoptions.csv" "$WORK/adoptions.xlsx" <<'PYTHON'
import csv, datetime, sys, xlsxwriter
book = xlsxwriter.Workbook(sys.argv[2])
sheet = book.add_worksheet("採用状況")
month = book.add_format({"num_format": "yyyy/m"})
with open(sys.argv[1], encoding="utf-8") as source:
    for r, row in enumerate(csv.reader(source)):
        if r == 0:
            sheet.write_row(0, 0, row)
            continue
        code, area, product, planned, state, reason, target, pmo, note = row
        sheet.write_string(r, 0, code)
        sheet.write_row(r, 1, [area, int(product)])
        sheet.write_datetime(r, 3, datetime.datetime(int(planned[:4]), int(planned[5:7]), 1), month)
        sheet.write_row(r, 4, [state, reason])
        if target:
            sheet.write_datetime(r, 6, datetime.datetime(int(target[:4]), int(target[5:7]), 1), month)
        sheet.write_number(r, 7, (int(pmo) + 1) % 101)
        sheet.write_string(r, 8, "ワークブックから更新")
book.close()
PYTHON
upload_workbook() {
    curl -sf -o "$WORK/answer.json" -w '%{time_total}' "${AUTH[@]}" \
        -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
        --data-binary @"$WORK/adoptions.xlsx" "localhost:$PORT/v1/adoptions/import"
}
workbook_update_seconds=$(upload_workbook); workbook_update_answer=$(cat "$WORK/answer.json")
"${PSQL[@]}" -d council -c "TRUNCATE adoption_history, adoptions"
workbook_seconds=$(upload_workbook); workbook_answer=$(cat "$WORK/answer.json")
xlsx_export_seconds=$(curl -sf -o "$WORK/export.xlsx" -w '%{time_total}' "${AUTH[@]}" "localhost:$PORT/v1/adoptions/export?format=xlsx")

# The same CSV through the pages, into an empty table: the preview (every rule, nothing written;
# target <= 4 s), then its confirmation (target <= 3 s).
"${PSQL[@]}" -d council -c "TRUNCATE adoption_history, adoptions"
bench_sign_in "$(curl -sf "${AUTH[@]}" localhost:$PORT/v1/me | python3 -c "import json,sys; print(json.load(sys.stdin)['account']['id'])")"
token=$(curl -sf -H "Cookie: $COOKIE" "localhost:$PORT/filings/upload" | csrf)
preview_seconds=$(curl -sf -o "$WORK/preview.html" -w '%{time_total}' -H "Cookie: $COOKIE" -F "_csrf=$token" -F kind=adoptions \
    -F encoding=auto -F "file=@$WORK/adoptions.csv;type=text/csv" "localhost:$PORT/filings/upload")
preview_counts=$(grep -o 'data-testid="count-[a-z]*">[0-9]*' "$WORK/preview.html" | sed 's/data-testid="count-//; s/">/ /' | tr '\n' ' ')
confirm=$(grep -o 'action="/filings/upload/[0-9]*/confirm"' "$WORK/preview.html" | sed 's/action="//; s/"$//')
fingerprint=$(grep -o 'name="fingerprint" value="[0-9a-f]*"' "$WORK/preview.html" | sed 's/.*value="//; s/"$//')
confirm_seconds=$(curl -sf -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" --data-urlencode "_csrf=$token" \
    --data-urlencode "fingerprint=$fingerprint" "localhost:$PORT$confirm")
page_applied=$("${PSQL[@]}" -d council -c "SELECT count(*) FROM adoptions")

cat <<REPORT
Council filings benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB
adoption import, ${rows} rows ($(du -k "$WORK/adoptions.csv" | cut -f1) KiB CSV): first $(printf '%.3f' "$first") s (target < 3 s)
  $first_answer
the same file again: $(printf '%.3f' "$again") s   $again_answer
dry run of the same file: $(printf '%.3f' "$dry") s
export of all adoptions as CP932: $(printf '%.3f' "$export_seconds") s, $(($(wc -l < "$WORK/export.csv") - 1)) rows
the same rows as an .xlsx workbook ($(du -k "$WORK/adoptions.xlsx" | cut -f1) KiB) into an empty table: $(printf '%.3f' "$workbook_seconds") s (target < 4 s)
  $workbook_answer
the workbook over the CSV's rows (every adoption updated): $(printf '%.3f' "$workbook_update_seconds") s
  $workbook_update_answer
export of all adoptions as .xlsx: $(printf '%.3f' "$xlsx_export_seconds") s, $(du -k "$WORK/export.xlsx" | cut -f1) KiB
the CSV through the pages into an empty table: preview $(printf '%.3f' "$preview_seconds") s (target <= 4 s; ${preview_counts}),
  confirmation $(printf '%.3f' "$confirm_seconds") s (target <= 3 s; ${page_applied} adoptions afterwards)
REPORT
