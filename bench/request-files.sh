# The request files of the national benchmarks (sourced after `bench_national`): METHOD, path,
# token, If-Match, body, tab-separated (bench/requests.lua). get.tsv, list.tsv, vendors.tsv,
# dantai.tsv, create.tsv, patch.tsv (issues 1-60,000), status.tsv, and the functions `q` (psql
# with :'admin' and :'vendor') and `patches FIRST LAST [CONDITION]`.
ADMIN=$(bench_token admin)
VENDOR=$(bench_token vendor)
# psql interpolates :'admin' and :'vendor' only in what it reads, not in -c.
q() { "${PSQL[@]}" -d council -v admin="$ADMIN" -v vendor="$VENDOR" <<<"$1"; }

# Request files: METHOD, path, token, If-Match, body (tab-separated).
q "SELECT concat_ws(E'\t', 'GET', '/v1/issues/' || n, :'admin', '-', '-')
               FROM (SELECT 1 + (hashint4(g) & 2147483647) % 100000 AS n FROM generate_series(1, 100000) g) s" > "$WORK/get.tsv"
q "SELECT concat_ws(E'\t', 'GET', '/v1/issues?vendor=' || v.id || '&state=new,triaged,in_discussion&business_area=' || a.slug || '&limit=50',
                               :'admin', '-', '-')
               FROM (SELECT vendor_id AS id FROM issue_vendors GROUP BY 1 ORDER BY count(*) DESC LIMIT 30) v CROSS JOIN business_areas a
               ORDER BY hashtext(v.id || a.slug)" > "$WORK/list.tsv"
q "SELECT concat_ws(E'\t', 'GET', '/v1/blockers?vendor=' || id || '&group_by=prefecture', :'admin', '-', '-')
               FROM organizations WHERE kind = 'vendor' ORDER BY id" > "$WORK/vendors.tsv"
q "SELECT concat_ws(E'\t', 'GET', '/v1/municipalities/' || code || '/blockers', :'admin', '-', '-') FROM dantai ORDER BY code" > "$WORK/dantai.tsv"
# Creates: the vendor's issue naming 20 municipalities, a different window of the list each time.
q "WITH codes AS (SELECT array_agg(code ORDER BY code) AS c FROM municipalities)
               SELECT concat_ws(E'\t', 'POST', '/v1/issues', :'vendor', '-', json_build_object(
                   'title', 'ベンチマーク課題 ' || g, 'category', 'spec', 'severity', 'medium', 'body', '性能測定のための課題です。',
                   'municipalities', (SELECT json_agg(json_build_object('dantai_code', codes.c[1 + (g * 37 + k) % 1741],
                                                                        'impact', 'blocked', 'business_areas', json_build_array('juki')))
                                      FROM generate_series(0, 19) k))::text)
               FROM codes, generate_series(1, 60000) g" > "$WORK/create.tsv"
# PATCHes: every issue once, with the ETag of its current version (issues 1-60,000 here, the
# rest for the mixed load), so no request meets a stale ETag.
patches() {  # first last [extra condition]
    q "SELECT concat_ws(E'\t', 'PATCH', '/v1/issues/' || number, :'admin', '\"issue-' || number || '-v' || version || '\"',
                                   json_build_object('severity', CASE WHEN severity = 'high' THEN 'low' ELSE 'high' END)::text)
                   FROM issues WHERE number BETWEEN $1 AND $2 AND ${3:-TRUE} ORDER BY hashint4(number)"
}
patches 1 60000 > "$WORK/patch.tsv"
# Status reports: the vendor's monthly report of each product and area, at its current stage
# (a stage moving back needs a reason; reports here repeat the stage with a new note).
q "SELECT concat_ws(E'\t', 'POST', '/v1/development-status', :'vendor', '-', json_build_object(
                   'product_id', p.id, 'business_area', a.slug, 'stage', coalesce(s.stage, 'designing'),
                   'cloud_readiness', coalesce(s.cloud_readiness, 'not_ready'), 'note', '第' || g || '回報告')::text)
               FROM products p JOIN organizations o ON o.id = p.vendor_id AND o.short_name = 'V001'
               CROSS JOIN business_areas a
               LEFT JOIN LATERAL (SELECT stage, cloud_readiness FROM status_reports r WHERE r.product_id = p.id AND r.business_area = a.slug
                                  ORDER BY reported_at DESC, id DESC LIMIT 1) s ON TRUE
               CROSS JOIN generate_series(1, 100) g ORDER BY g, p.id, a.slug" > "$WORK/status.tsv"

# mixed2.tsv: 35 get, 30 list, 15 PATCH, 10 create, 10 state change with note per 100 requests,
# from the states and versions the issues have now.
mixed_with_state_changes() {
    q "SELECT concat_ws(E'\t', 'POST', '/v1/issues/' || number || '/transitions', :'admin', '-',
                        json_build_object('to', 'in_discussion', 'from', 'triaged', 'comment', '論点を整理して協議します。')::text)
       FROM issues WHERE state = 'triaged' ORDER BY hashint4(number)" > "$WORK/transition-mixed.tsv"
    patches 1 100000 "state <> 'triaged'" > "$WORK/patch-mixed2.tsv"  # not the issues moved in the mix
    python3 bench/mix.py "$WORK/mixed2.tsv" "$WORK/get.tsv:35" "$WORK/list.tsv:30" "$WORK/patch-mixed2.tsv:15:once" \
        "$WORK/create.tsv:10:45000" "$WORK/transition-mixed.tsv:10:once"
}
