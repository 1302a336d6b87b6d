import CouncilDatabase
import Foundation

/// Generated data at national scale for benchmarks and demos, deterministic for a seed value:
/// every random choice is a hash of (row, purpose, seed), so the same seed gives the same data
/// whatever order PostgreSQL produces rows in. Runs only on a database without organizations,
/// products, adoptions, issues or meetings, in one transaction (nothing half-seeded).
package enum DevSeed {
    package struct Scale: Sendable, Equatable {
        package let vendors: Int
        package let adoptions: Int
        package let issues: Int
        /// Average municipality links and comments per issue.
        package let linksPerIssue: Int
        package let commentsPerIssue: Int
        package let meetings: Int

        /// The real program: 300 vendors (600 products), 34,592 systems, 100,000 issues with
        /// ~1,000,000 municipality links and ~500,000 comments, 200 meetings.
        package static let national = Scale(vendors: 300, adoptions: 34_592, issues: 100_000, linksPerIssue: 10, commentsPerIssue: 5, meetings: 200)
        package static let small = Scale(vendors: 30, adoptions: 2_000, issues: 2_000, linksPerIssue: 4, commentsPerIssue: 3, meetings: 5)
    }

    package struct Report: Codable, Sendable {
        package var organizations = 0, products = 0, adoptions = 0, specifiedSupport = 0, issues = 0
        package var municipalityLinks = 0, comments = 0, meetings = 0, seconds = 0.0
        /// Tokens for the bench and demos: the secretariat admin, the largest vendor, an observer.
        package var tokens: [String: String] = [:]
    }

    /// Seeds on one connection in one transaction; with `municipalities`, the MIC list is
    /// imported first (in the same transaction). VACUUM (ANALYZE) runs after the commit.
    package static func run(
        on connection: Connection, scale: Scale, seed: Int,
        municipalities: [MunicipalityListRow]? = nil
    ) throws -> Report {
        let started = Date()
        try connection.execute(script: "BEGIN", name: "seed.begin")
        var report: Report
        do {
            if let municipalities {
                _ = try MunicipalityStore.importList(municipalities, format: .utf8, dryRun: false, by: .system, on: connection)
            }
            try requireEmpty(connection)
            for step in steps(scale: scale, seed: seed) { try connection.query(step) }
            report = try summary(connection)
            for (name, email) in [("admin", "seed-admin@example.jp"), ("vendor", "seed-vendor-1@example.jp"), ("observer", "seed-applic@example.jp")]
            {
                let account: Int = try connection.query(Query("seed.account", "SELECT id FROM accounts WHERE email = \(email)")).single().decode("id")
                report.tokens[name] = try TokenStore.issue(to: account, name: "seed", expiresAt: nil, by: .system, on: connection).secret
            }
            try AuditStore.record(
                connection, .system, action: .devSeed, entityType: .database, entityID: seed,
                before: nil, after: ["issues": .number(Double(report.issues)), "seed": .number(Double(seed))])
            try connection.execute(script: "COMMIT", name: "seed.commit")
        } catch {
            if connection.isOpen { try? connection.execute(script: "ROLLBACK", name: "seed.rollback") }
            throw error
        }
        // Statistics for the planner, and hint bits and visibility maps set now rather than by
        // the first queries (or autovacuum) after the seed.
        try connection.execute(script: "VACUUM (ANALYZE)", name: "seed.vacuum")
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    static func summary(_ connection: Connection) throws -> Report {
        var report = Report()
        let counts = try connection.query(
            Query(
                "seed.counts",
                """
                SELECT (SELECT count(*) FROM organizations) AS organizations, (SELECT count(*) FROM products) AS products,
                       (SELECT count(*) FROM adoptions) AS adoptions,
                       (SELECT count(*) FROM adoptions WHERE state = 'specified_support') AS specified_support,
                       (SELECT count(*) FROM issues) AS issues, (SELECT count(*) FROM issue_municipalities) AS links,
                       (SELECT count(*) FROM issue_comments) AS comments, (SELECT count(*) FROM meetings) AS meetings
                """)
        ).single()
        report.organizations = try counts.decode("organizations")
        report.products = try counts.decode("products")
        report.adoptions = try counts.decode("adoptions")
        report.specifiedSupport = try counts.decode("specified_support")
        report.issues = try counts.decode("issues")
        report.municipalityLinks = try counts.decode("links")
        report.comments = try counts.decode("comments")
        report.meetings = try counts.decode("meetings")
        return report
    }

    static func requireEmpty(_ connection: Connection) throws {
        let held: Int = try connection.query(
            Query(
                "seed.existing",
                """
                SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM products) + (SELECT count(*) FROM adoptions)
                     + (SELECT count(*) FROM issues) + (SELECT count(*) FROM meetings) AS n
                """)
        ).single().decode("n")
        guard held == 0 else {
            throw ConfigurationError(
                "the database already holds \(held) organizations, products, adoptions, issues or meetings; seed only a fresh database")
        }
        let municipalities: Int = try connection.query(Query("seed.municipalities", "SELECT count(*) AS n FROM municipalities")).single().decode("n")
        guard municipalities > 0 else { throw ConfigurationError("no municipalities: import the MIC list first (--municipalities FILE)") }
    }

    /// Titles, bodies and comments are picked from these; their search keys are computed here,
    /// by the same function the daemon uses, so `q` finds seeded text exactly as it finds typed text.
    static let subjects = [
        "帳票レイアウト", "データ移行", "ガバメントクラウド接続", "標準仕様書の解釈", "文字コード変換", "外字の扱い",
        "住民記録との連携", "宛名番号", "税額計算", "手数料の改定", "移行日程", "運用保守の体制",
    ]
    static let concerns = ["の変更について", "に関する質問", "の遅延", "への対応方針", "で不具合が発生", "の費用負担"]
    static let bodies = [
        "標準仕様書の記載と現行運用が合わず、移行後の業務に支障が出る見込みです。",
        "ガバメントクラウドへの接続試験で想定外の遅延が発生しています。",
        "データ移行の際に外字の扱いを統一する必要があります。",
        "帳票の様式変更により、自治体側の確認作業が増えています。",
    ]
    static let comments = [
        "事務局で確認します。", "同様の事象が他団体でも発生しています。", "仕様書の改定を検討しています。",
        "移行計画を見直しました。", "次回の協議会で議題にします。", "ベンダーとして対応方針をまとめました。",
    ]

    static func steps(scale: Scale, seed: Int) -> [Query] {
        let titles = subjects.flatMap { subject in concerns.map { subject + $0 } }
        let titleKeys = titles.map(IssueSearchKey.make), bodyKeys = bodies.map(IssueSearchKey.make), commentKeys = comments.map(IssueSearchKey.make)
        let salt = seed &* 7919
        return [
            Query(
                "seed.random",
                """
                CREATE FUNCTION pg_temp.rnd(n bigint, purpose int, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
                $$ SELECT (hashint8extended(n, purpose::bigint * 1000003 + salt) & 2147483647)::float8 / 2147483648.0 $$
                """),
            Query(
                "seed.organizations",
                """
                WITH s AS (INSERT INTO organizations (kind, name, short_name) VALUES ('secretariat', 'デジタル庁 地方業務システム基盤チーム', '地方業務T')),
                     a AS (INSERT INTO organizations (kind, category, name, short_name)
                           VALUES ('observer', 'association', 'APPLIC', 'APPLIC'), ('observer', 'association', 'JISA', 'JISA'),
                                  ('observer', 'association', 'JAHIS', 'JAHIS')),
                     m AS (INSERT INTO organizations (kind, category, ministry, name, short_name)
                           SELECT 'observer', 'ministry', slug, name, name FROM ministries)
                INSERT INTO organizations (kind, name, short_name)
                SELECT 'vendor', format('ベンダー%s株式会社', lpad(g::text, 3, '0')), format('V%s', lpad(g::text, 3, '0'))
                FROM generate_series(1, \(scale.vendors)) AS g
                """),
            Query(
                "seed.vendors",
                """
                CREATE TEMP TABLE seed_vendors ON COMMIT DROP AS
                SELECT substr(short_name, 2)::int AS rank, id FROM organizations WHERE kind = 'vendor'
                """),
            Query(
                "seed.accounts",
                """
                INSERT INTO accounts (organization_id, display_name, email, role, org_admin)
                SELECT o.id, o.short_name || ' 担当',
                       CASE WHEN o.kind = 'secretariat' THEN 'seed-admin@example.jp'
                            WHEN o.kind = 'vendor' THEN format('seed-vendor-%s@example.jp', substr(o.short_name, 2)::int)
                            ELSE format('seed-%s@example.jp', lower(coalesce(o.ministry, o.short_name))) END,
                       CASE WHEN o.kind = 'secretariat' THEN 'admin' ELSE 'member' END, o.kind <> 'secretariat'
                FROM organizations o
                """),
            Query(
                "seed.products",
                """
                INSERT INTO products (vendor_id, name, version)
                SELECT v.id, format('V%s 標準システム %s', lpad(v.rank::text, 3, '0'), p), '1.' || p FROM seed_vendors v CROSS JOIN generate_series(1, 2) AS p
                """),
            Query(
                "seed.productAreas",
                """
                INSERT INTO product_business_areas (product_id, business_area) SELECT p.id, b.slug FROM products p CROSS JOIN business_areas b
                """),
            // The systems: every municipality × area, every prefecture × the areas it runs;
            // a deterministic sample of them sized to the scale. The top five vendors hold ~60%.
            Query(
                "seed.adoptions",
                """
                WITH systems AS (
                    SELECT row_number() OVER (ORDER BY code, area) AS n, code, area FROM (
                        SELECT m.code, b.slug AS area FROM municipalities m CROSS JOIN business_areas b WHERE m.active
                        UNION ALL
                        SELECT p.dantai_code, b.slug FROM prefectures p JOIN business_areas b ON b.prefectures_run_it) s),
                picked AS (
                    SELECT n, code, area, pg_temp.rnd(n, 1, \(salt)) AS r1, pg_temp.rnd(n, 2, \(salt)) AS r2, pg_temp.rnd(n, 3, \(salt)) AS r3,
                           pg_temp.rnd(n, 4, \(salt)) AS r4, pg_temp.rnd(n, 5, \(salt)) AS r5
                    FROM systems ORDER BY pg_temp.rnd(n, 0, \(salt)) LIMIT \(scale.adoptions)),
                chosen AS (
                    SELECT p.*, CASE WHEN r1 < 0.6 THEN 1 + floor(r1 / 0.12)::int
                                     ELSE 6 + floor((r1 - 0.6) / 0.4 * (\(scale.vendors) - 5))::int END AS vendor_rank,
                           CASE WHEN r3 < 0.145 THEN 'specified_support' WHEN r3 < 0.185 THEN 'delayed' WHEN r3 < 0.25 THEN 'at_risk'
                                WHEN r3 < 0.55 THEN 'migrated' WHEN r3 < 0.8 THEN 'in_progress' ELSE 'planned' END AS state
                    FROM picked p)
                INSERT INTO adoptions (dantai_code, business_area, product_id, planned_month, state, reason, new_target_month, pmo_completion)
                SELECT c.code, c.area,
                       (SELECT pr.id FROM products pr JOIN seed_vendors v ON v.id = pr.vendor_id
                        WHERE v.rank = least(c.vendor_rank, \(scale.vendors)) ORDER BY pr.id OFFSET (c.r2 < 0.5)::int LIMIT 1),
                       (DATE '2025-04-01' + make_interval(months => floor(c.r5 * 24)::int))::date, c.state,
                       CASE WHEN c.state = 'specified_support' THEN
                                CASE WHEN c.r4 < 0.55 THEN 'vendor_resources' WHEN c.r4 < 0.75 THEN 'mainframe'
                                     WHEN c.r4 < 0.9 THEN 'custom_built' ELSE 'vendor_withdrawal' END
                            WHEN c.state = 'delayed' AND c.r4 < 0.5 THEN 'vendor_resources' END,
                       CASE WHEN c.state = 'delayed' THEN DATE '2027-03-01' END, round((c.r5 * 100)::numeric, 2)
                FROM chosen c
                """),
            Query(
                "seed.adoptionHistory",
                """
                INSERT INTO adoption_history (adoption_id, product_id, planned_month, state, reason, new_target_month, pmo_completion)
                SELECT id, product_id, planned_month, state, reason, new_target_month, pmo_completion FROM adoptions
                """),
            Query(
                "seed.municipalityIndex",
                """
                CREATE TEMP TABLE seed_munis ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY code)) - 1 AS idx, code FROM municipalities WHERE active
                """),
            Query(
                "seed.issueBase",
                """
                CREATE TEMP TABLE seed_issues ON COMMIT DROP AS
                SELECT g AS number, pg_temp.rnd(g, 10, \(salt)) AS r_reporter, pg_temp.rnd(g, 11, \(salt)) AS r_title,
                       pg_temp.rnd(g, 12, \(salt)) AS r_state, pg_temp.rnd(g, 13, \(salt)) AS r_severity, pg_temp.rnd(g, 14, \(salt)) AS r_misc,
                       pg_temp.rnd(g, 15, \(salt)) AS r_time, pg_temp.rnd(g, 16, \(salt)) AS r_links, pg_temp.rnd(g, 17, \(salt)) AS r_start,
                       pg_temp.rnd(g, 18, \(salt)) AS r_comments, pg_temp.rnd(g, 19, \(salt)) AS r_area
                FROM generate_series(1, \(scale.issues)) AS g
                """),
            Query(
                "seed.comments",
                """
                CREATE TEMP TABLE seed_comments ON COMMIT DROP AS
                SELECT i.number, c AS ordinal, (\(comments)::text[])[1 + floor(pg_temp.rnd(i.number * 100 + c, 20, \(salt)) * \(comments.count))::int] AS body,
                       (\(commentKeys)::text[])[1 + floor(pg_temp.rnd(i.number * 100 + c, 20, \(salt)) * \(comments.count))::int] AS search_key
                FROM seed_issues i CROSS JOIN LATERAL generate_series(1, floor(i.r_comments * (2 * \(scale.commentsPerIssue) + 1))::int) AS c
                """),
            // Temporary tables have no statistics until analyzed; without them the joins below plan badly.
            Query("seed.analyzeTemp", "ANALYZE seed_vendors, seed_issues, seed_comments"),
            Query(
                "seed.issues",
                """
                WITH shaped AS (
                    SELECT i.*,
                           1 + floor(i.r_title * \(titles.count))::int AS title_index, 1 + floor(i.r_misc * \(bodies.count))::int AS body_index,
                           CASE WHEN i.r_reporter < 0.85 THEN 'vendor' WHEN i.r_reporter < 0.95 THEN 'secretariat' ELSE 'observer' END AS reporter_kind,
                           CASE WHEN i.r_state < 0.15 THEN 'new' WHEN i.r_state < 0.30 THEN 'triaged' WHEN i.r_state < 0.50 THEN 'in_discussion'
                                WHEN i.r_state < 0.55 THEN 'on_agenda' WHEN i.r_state < 0.75 THEN 'resolved' WHEN i.r_state < 0.95 THEN 'closed'
                                WHEN i.r_state < 0.99 OR i.number = 1 THEN 'rejected' ELSE 'duplicate' END AS state,
                           now() - make_interval(secs => i.r_time * 365 * 86400) AS updated
                    FROM seed_issues i),
                reporters AS (
                    SELECT s.*, CASE s.reporter_kind
                        WHEN 'vendor' THEN (SELECT a.id FROM accounts a JOIN seed_vendors v ON v.id = a.organization_id
                                            WHERE v.rank = CASE WHEN s.r_reporter < 0.51 THEN 1 + floor(s.r_reporter / 0.102)::int
                                                                ELSE 6 + floor((s.r_reporter - 0.51) / 0.34 * (\(scale.vendors) - 5))::int % (\(scale.vendors) - 5) END)
                        WHEN 'secretariat' THEN (SELECT a.id FROM accounts a JOIN organizations o ON o.id = a.organization_id WHERE o.kind = 'secretariat')
                        ELSE (SELECT a.id FROM accounts a JOIN organizations o ON o.id = a.organization_id WHERE o.short_name = 'APPLIC') END AS account_id
                    FROM shaped s)
                INSERT INTO issues (number, title, body, category, severity, visibility, state, reporter_account_id, reporter_organization_id,
                                    assignee_organization_id, due_date, labels, answer, duplicate_of, created_at, updated_at, own_search_key, search_grams)
                SELECT r.number, (\(titles)::text[])[r.title_index], (\(bodies)::text[])[r.body_index],
                       (ARRAY['spec', 'gov_cloud', 'data_migration', 'resources', 'schedule', 'cost', 'regulation', 'other'])[1 + floor(r.r_misc * 8)::int],
                       CASE WHEN r.r_severity < 0.30 THEN 'low' WHEN r.r_severity < 0.70 THEN 'medium' WHEN r.r_severity < 0.98 THEN 'high' ELSE 'critical' END,
                       CASE WHEN r.r_time < 0.10 THEN 'restricted' ELSE 'council' END, r.state, r.account_id,
                       (SELECT organization_id FROM accounts WHERE id = r.account_id),
                       CASE WHEN r.state <> 'new' AND r.r_area < 0.5 THEN (SELECT id FROM organizations WHERE short_name = 'APPLIC') END,
                       CASE WHEN r.r_links < 0.3 THEN (DATE '2026-01-01' + floor(r.r_start * 730)::int) END,
                       CASE WHEN r.r_severity < 0.2 THEN ARRAY[(ARRAY['要確認', '仕様改定', '移行', '帳票'])[1 + floor(r.r_start * 4)::int]] ELSE '{}' END,
                       CASE WHEN r.state = 'resolved' THEN '標準仕様書の改定で対応します。' END,
                       CASE WHEN r.state = 'duplicate' THEN r.number - 1 END,
                       r.updated - interval '30 days', r.updated,
                       (\(titleKeys)::text[])[r.title_index] || E'\\n' || (\(bodyKeys)::text[])[r.body_index],
                       search_grams((\(titleKeys)::text[])[r.title_index] || E'\\n' || (\(bodyKeys)::text[])[r.body_index])
                FROM reporters r
                ORDER BY r.number
                """),
            Query("seed.issueNumbers", "SELECT setval('issue_numbers', (SELECT coalesce(max(number), 0) FROM issues) + 1, false)"),
            Query(
                "seed.issueVendors",
                """
                INSERT INTO issue_vendors (issue_number, vendor_id)
                SELECT i.number, a.organization_id FROM issues i JOIN accounts a ON a.id = i.reporter_account_id JOIN seed_vendors v ON v.id = a.organization_id
                UNION
                SELECT s.number, v.id FROM seed_issues s JOIN seed_vendors v
                  ON v.rank = 1 + floor(s.r_misc * \(scale.vendors))::int WHERE s.r_area < 0.3 OR s.r_reporter >= 0.85
                """),
            Query(
                "seed.issueAreas",
                """
                INSERT INTO issue_business_areas (issue_number, business_area)
                SELECT s.number, b.slug FROM seed_issues s JOIN business_areas b ON b.sort_order = 1 + floor(s.r_area * 20)::int
                UNION
                SELECT s.number, b.slug FROM seed_issues s JOIN business_areas b ON b.sort_order = 1 + floor(s.r_misc * 20)::int WHERE s.r_severity < 0.3
                """),
            Query(
                "seed.issueMunicipalities",
                """
                WITH counts AS (SELECT count(*) AS n FROM seed_munis)
                INSERT INTO issue_municipalities (issue_number, dantai_code, impact)
                SELECT s.number, m.code,
                       CASE WHEN pg_temp.rnd(s.number * 100 + k, 21, \(salt)) < 0.15 THEN 'blocked'
                            WHEN pg_temp.rnd(s.number * 100 + k, 21, \(salt)) < 0.40 THEN 'at_risk' ELSE 'affected' END
                FROM seed_issues s CROSS JOIN counts
                CROSS JOIN LATERAL generate_series(0, least(floor(s.r_links * (2 * \(scale.linksPerIssue) - 1))::int, counts.n - 1)) AS k
                JOIN seed_munis m ON m.idx = (floor(s.r_start * counts.n)::bigint + k) % counts.n
                """),
            // Facets come from the links, so they are set once every link is in.
            Query("seed.facets", "UPDATE issues SET facets = issue_facets(number, state, severity, category)"),
            Query(
                "seed.commentRows",
                """
                INSERT INTO issue_comments (issue_number, author_account_id, author_organization_id, body, search_key, search_grams,
                                            created_at, updated_at)
                SELECT c.number, a.id, a.organization_id, c.body, c.search_key, search_grams(c.search_key), i.created_at + make_interval(hours => c.ordinal),
                       i.created_at + make_interval(hours => c.ordinal)
                FROM seed_comments c JOIN issues i ON i.number = c.number
                JOIN accounts a ON a.id = CASE WHEN c.ordinal % 2 = 0 THEN i.reporter_account_id
                                               ELSE (SELECT min(x.id) FROM accounts x WHERE x.email = 'seed-admin@example.jp') END
                ORDER BY c.number, c.ordinal
                """),
            Query(
                "seed.events",
                """
                INSERT INTO issue_events (issue_number, at, actor_account_id, actor_organization_id, kind, new_value)
                SELECT number, created_at, reporter_account_id, reporter_organization_id, 'created', to_jsonb(title) FROM issues ORDER BY number
                """),
            Query(
                "seed.meetings",
                """
                INSERT INTO meetings (number, held_on, title, state)
                SELECT g, DATE '2026-12-03' - (\(scale.meetings) - g) * 7, '事業者協議会', CASE WHEN g < \(scale.meetings) THEN 'held' ELSE 'planned' END
                FROM generate_series(1, \(scale.meetings)) AS g
                """),
            Query(
                "seed.agenda",
                """
                INSERT INTO agenda_items (meeting_id, position, issue_number, presenter_organization_id, allotted_minutes, minutes, decision, decided_at)
                SELECT m.id, k, i.number, i.reporter_organization_id, 15,
                       CASE WHEN m.state = 'held' THEN '論点を確認した。' END, CASE WHEN m.state = 'held' THEN '継続して検討する。' END,
                       CASE WHEN m.state = 'held' THEN m.held_on::timestamptz END
                FROM meetings m CROSS JOIN generate_series(1, 5) AS k
                JOIN issues i ON i.number = 1 + ((m.number * 5 + k) * 97) % (SELECT count(*) FROM issues)
                """),
        ]
    }
}
