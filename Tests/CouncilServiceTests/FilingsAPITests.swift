import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

@Suite struct FilingsAPITests {
    private func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    @Test func statusHistoryAsOfAndSummary() async throws {
        try await withApp(seed: false) { client, environment in
            let product = environment.ids.productA.id
            // Two reports filed in the past (Japan time), then today's.
            _ = try await environment.pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.pastReports",
                        """
                        INSERT INTO status_reports (product_id, business_area, stage, cloud_readiness, reported_at) VALUES
                            (\(product), 'juki', 'designing', 'not_ready', '2026-01-10 12:00+09'),
                            (\(product), 'juki', 'developing', 'verifying', '2026-02-10 23:30+09')
                        """))
            }
            let asA = environment.headers(.vendorA, [.contentType: "application/json"])
            try await client.execute(
                uri: "/v1/development-status", method: .post, headers: asA,
                body: json([
                    "product_id": product, "business_area": "juki", "stage": "testing",
                    "cloud_readiness": "ready", "spec_version": "4.0", "planned_completion": "2026-03-31",
                ])
            ) { (response) throws in
                #expect(response.status == .created)
            }
            func stage(asOf: String?) async throws -> String? {
                let uri = "/v1/development-status?vendor=\(environment.ids.vendorA.id)&business_area=juki" + (asOf.map { "&as_of=\($0)" } ?? "")
                return try await client.execute(uri: uri, method: .get, headers: environment.headers(.observer)) { (response) throws in
                    try response.json.items.first?["stage"] as? String
                }
            }
            #expect(try await stage(asOf: "2026-01-09") == nil)
            #expect(try await stage(asOf: "2026-01-31") == "designing")
            #expect(try await stage(asOf: "2026-02-10") == "developing")  // 23:30 JST still counts on the 10th
            #expect(try await stage(asOf: nil) == "testing")
            try await client.execute(
                uri: "/v1/development-status/history?product_id=\(product)&business_area=juki", method: .get,
                headers: environment.headers(.member)
            ) { (response) throws in
                #expect(try response.json.items.map { $0["stage"] as? String } == ["designing", "developing", "testing"])
            }
            try await client.execute(uri: "/v1/development-status/summary", method: .get, headers: environment.headers(.member)) {
                (response) throws in
                let items = try response.json.items
                #expect(items.count == 20)
                let juki = items.first { $0["business_area"] as? String == "juki" }
                #expect((juki?["stages"] as? [String: Int])?["testing"] == 1 && juki?["total"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/development-status/summary?as_of=2026-01-31", method: .get, headers: environment.headers(.member)) {
                (response) throws in
                let juki = try response.json.items.first { $0["business_area"] as? String == "juki" }
                #expect((juki?["stages"] as? [String: Int])?["designing"] == 1)
            }
            try await client.execute(uri: "/v1/development-status?as_of=2026-02-30", method: .get, headers: environment.headers(.member)) {
                (response) throws in
                try expectProblem(response, .badRequest, field: "as_of")
            }
        }
    }

    @Test func statusRules() async throws {
        try await withApp(seed: false) { client, environment in
            let product = environment.ids.productA.id
            let asA = environment.headers(.vendorA, [.contentType: "application/json"])
            func file(_ body: [String: Any], headers: HTTPFields? = nil) async throws -> TestResponse {
                var full: [String: Any] = ["product_id": product, "business_area": "kokuho", "cloud_readiness": "verifying"]
                full.merge(body) { $1 }
                return try await client.execute(uri: "/v1/development-status", method: .post, headers: headers ?? asA, body: json(full)) { $0 }
            }
            #expect(try await file(["stage": "developing"]).status == .created)
            #expect(try await file(["stage": "developing"]).status == .ok)  // the same status again: nothing new
            try expectProblem(try await file(["stage": "designing"]), .unprocessableContent, field: "regression_reason")
            #expect(try await file(["stage": "designing", "regression_reason": "仕様書改版への対応"]).status == .created)
            try expectProblem(try await file(["stage": "testing", "business_area": "koseki"]), .unprocessableContent, field: "business_area")
            try expectProblem(try await file(["stage": "shipping"]), .badRequest, field: "stage")
            try expectProblem(try await file(["stage": "testing", "planned_completion": "2026-13-01"]), .badRequest, field: "planned_completion")
            // Vendor B cannot file for vendor A's product; observers file nothing.
            try expectProblem(
                try await file(["stage": "testing"], headers: environment.headers(.vendorB, [.contentType: "application/json"])), .forbidden)
            try expectProblem(
                try await file(["stage": "testing"], headers: environment.headers(.observer, [.contentType: "application/json"])), .forbidden)
            let history = try await StatusStore(pool: environment.pool).history(product: product, businessArea: .kokuho)
            #expect(history.map(\.stage) == [.developing, .designing])
            // History is append-only in the database itself.
            let error = await #expect(throws: DatabaseError.self) {
                try await environment.pool.withConnection { try $0.query(Query("test.rewrite", "UPDATE status_reports SET stage = 'available'")) }
            }
            #expect(error?.sqlState == "42501")
        }
    }

    /// A filing holds its product's 業務, not the product: while one area's filing is not yet
    /// committed, another area of the same product is filed at once, and the same area waits
    /// for it and then sees it as the current report.
    @Test func aFilingWaitsOnlyForTheSameProductAndArea() async throws {
        try await withTestPool { pool, configuration in
            let ids = try await TestIdentities.create(pool)
            let product = ids.productA.id  // 住民記録, 国民健康保険, 生活保護
            @Sendable func draft(_ area: BusinessArea, _ note: String) -> StatusDraft {
                StatusDraft(
                    productID: product, businessArea: area, stage: .designing, specVersion: nil, cloudReadiness: .notReady,
                    plannedCompletion: nil, plannedAvailability: nil, note: note, regressionReason: nil)
            }
            let first = try Connection.connect(configuration), other = try Connection.connect(configuration)
            let same = try Connection.connect(configuration), observer = try Connection.connect(configuration)
            try first.execute(script: "BEGIN", name: "test.begin")
            #expect(try StatusStore.file(draft(.juki, "一回目"), by: .system, on: first) { _ in }.created)
            // Another area of the product: a wait would end in the lock timeout's error.
            try other.execute(script: "BEGIN; SET LOCAL lock_timeout = '5s'", name: "test.begin")
            #expect(try StatusStore.file(draft(.kokuho, "別の業務"), by: .system, on: other) { _ in }.created)
            try other.execute(script: "COMMIT", name: "test.commit")
            // The same area waits for the first filing's commit.
            let second = Task {
                try await TestDatabases.blocking {
                    try same.execute(script: "BEGIN", name: "test.begin")
                    let filed = try StatusStore.file(draft(.juki, "二回目"), by: .system, on: same) { _ in }
                    try same.execute(script: "COMMIT", name: "test.commit")
                    return filed.created
                }
            }
            try await waitUntil(within: .seconds(60)) {
                try observer.query(
                    Query(
                        "test.waiting",
                        """
                        SELECT count(*) AS n FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'
                        """)
                ).single().decode("n") as Int == 1
            }
            try first.execute(script: "COMMIT", name: "test.commit")
            #expect(try await second.value)
            // A product id beyond any product is refused as no such product, lock or not.
            let beyond = StatusDraft(
                productID: Int(Int32.max) + 1, businessArea: .juki, stage: .designing, specVersion: nil, cloudReadiness: .notReady,
                plannedCompletion: nil, plannedAvailability: nil, note: nil, regressionReason: nil)
            let refused = await #expect(throws: Problem.self) { try await StatusStore(pool: pool).file(beyond, by: .system) { _ in } }
            #expect(refused?.status == .unprocessableContent)
            let history = try await StatusStore(pool: pool).history(product: product, businessArea: .juki)
            #expect(Set(history.compactMap(\.note)) == ["一回目", "二回目"])
            #expect(try await StatusStore(pool: pool).history(product: product, businessArea: .kokuho).map(\.note) == ["別の業務"])
        }
    }

    @Test func productsBelongToTheirVendor() async throws {
        try await withApp(seed: false) { client, environment in
            let asA = environment.headers(.vendorA, [.contentType: "application/json"])
            try await client.execute(
                uri: "/v1/products/\(environment.ids.productB.id)", method: .patch, headers: asA,
                body: json(["name": "乗っ取り"])
            ) { (response) throws in
                try expectProblem(response, .forbidden)
            }
            try await client.execute(
                uri: "/v1/products", method: .post, headers: asA,
                body: json(["vendor_id": environment.ids.vendorB.id, "name": "偽物", "business_areas": ["juki"]])
            ) { (response) throws in
                try expectProblem(response, .forbidden)
            }
            try await client.execute(
                uri: "/v1/products", method: .post, headers: asA,
                body: json(["name": "ａ住記クラウド", "business_areas": ["juki"]])
            ) { (response) throws in
                try expectProblem(response, .conflict)  // the same name, ignoring width and case
            }
            try await client.execute(
                uri: "/v1/products", method: .post, headers: asA,
                body: json(["name": "A介護", "business_areas": []])
            ) { (response) throws in
                try expectProblem(response, .badRequest, field: "business_areas")
            }
            try await client.execute(
                uri: "/v1/products", method: .post, headers: environment.headers(.admin, [.contentType: "application/json"]),
                body: json(["name": "事務局登録", "business_areas": ["juki"]])
            ) { (response) throws in
                try expectProblem(response, .badRequest, field: "vendor_id")
            }
            try await client.execute(
                uri: "/v1/products", method: .post, headers: asA,
                body: json(["name": "A介護", "business_areas": ["kaigo"]])
            ) { (response) throws in
                #expect(response.status == .created)
                #expect(try response.json["vendor_id"] as? Int == environment.ids.vendorA.id)
            }
            // An area with filings cannot be dropped from the product.
            _ = try await StatusStore(pool: environment.pool).file(
                StatusDraft(
                    productID: environment.ids.productA.id, businessArea: .kokuho, stage: .designing, specVersion: nil,
                    cloudReadiness: .notReady, plannedCompletion: nil, plannedAvailability: nil, note: nil, regressionReason: nil),
                by: .system, authorize: { _ in })
            try await client.execute(
                uri: "/v1/products/\(environment.ids.productA.id)", method: .patch, headers: asA,
                body: json(["business_areas": ["juki"]])
            ) { (response) throws in
                try expectProblem(response, .unprocessableContent, field: "business_areas")
            }
            try await client.execute(
                uri: "/v1/products?vendor=\(environment.ids.vendorA.id)&business_area=kaigo", method: .get,
                headers: environment.headers(.observer)
            ) { (response) throws in
                #expect(try response.json.items.map { $0["name"] as? String } == ["A介護"])
            }
        }
    }

    @Test func adoptionRulesEachWithItsError() async throws {
        try await withApp { client, environment in
            let a = environment.ids.productA.id, b = environment.ids.productB.id
            let asA = environment.headers(.vendorA, [.contentType: "application/json"])
            func put(_ path: String, _ body: [String: Any], headers: HTTPFields? = nil) async throws -> TestResponse {
                try await client.execute(uri: "/v1/adoptions/\(path)", method: .put, headers: headers ?? asA, body: json(body)) { $0 }
            }
            let created = try await put("011002/juki", ["product_id": a, "state": "planned", "planned_month": "令和8年1月", "pmo_completion": 42.5])
            #expect(created.status == .created)
            #expect(try created.json["planned_month"] as? String == "2026-01")
            #expect(
                try await put("011002/juki", ["product_id": a, "state": "planned", "planned_month": "2026-01", "pmo_completion": 42.5]).status == .ok)
            try expectProblem(try await put("010006/juki", ["product_id": a, "state": "planned"]), .unprocessableContent, field: "business_area")
            #expect(try await put("010006/seikatsu_hogo", ["product_id": a, "state": "planned"]).status == .created)
            try expectProblem(
                try await put(
                    "011002/kokuho", ["product_id": b, "state": "planned"],
                    headers: environment.headers(.admin, [.contentType: "application/json"])), .unprocessableContent, field: "product_id")
            try expectProblem(
                try await put("011002/kokuho", ["product_id": a, "state": "specified_support"]), .unprocessableContent, field: "reason")
            #expect(try await put("011002/kokuho", ["product_id": a, "state": "specified_support", "reason": "vendor_resources"]).status == .created)
            try expectProblem(try await put("013030/juki", ["product_id": a, "state": "delayed"]), .unprocessableContent, field: "new_target_month")
            try expectProblem(
                try await put("013030/juki", ["product_id": a, "state": "planned", "reason": "mainframe"]), .unprocessableContent, field: "reason")
            try expectProblem(
                try await put("013030/juki", ["product_id": a, "state": "planned", "pmo_completion": 101]), .unprocessableContent,
                field: "pmo_completion")
            try expectProblem(try await put("012025/juki", ["product_id": a, "state": "planned"]), .unprocessableContent, field: "dantai_code")
            try expectProblem(try await put("012024/juki", ["product_id": a, "state": "planned"]), .badRequest, field: "dantai_code")
            try expectProblem(try await put("013030/gomi", ["product_id": a, "state": "planned"]), .badRequest, field: "business_area")
            try expectProblem(
                try await put("013030/juki", ["product_id": a, "state": "planned", "planned_month": "来年"]), .badRequest, field: "planned_month")
            // A merged (inactive) municipality takes no new adoptions.
            _ = try await environment.pool.withConnection {
                try $0.query(Query("test.merge", "UPDATE municipalities SET active = false WHERE code = '013048'"))
            }
            try expectProblem(try await put("013048/juki", ["product_id": a, "state": "planned"]), .unprocessableContent, field: "dantai_code")
            // Vendor B may not file A's product, nor take over A's record with its own.
            let asB = environment.headers(.vendorB, [.contentType: "application/json"])
            try expectProblem(try await put("131016/juki", ["product_id": a, "state": "planned"], headers: asB), .forbidden)
            try expectProblem(try await put("011002/juki", ["product_id": b, "state": "planned"], headers: asB), .forbidden)
            // The secretariat may reassign it.
            #expect(
                try await put(
                    "011002/juki", ["product_id": b, "state": "delayed", "new_target_month": "2027-03"],
                    headers: environment.headers(.admin, [.contentType: "application/json"])
                ).status == .ok)
            let adoptionID = try #require(
                try await AdoptionStore(pool: environment.pool).adoption(dantai: MunicipalityCode(rawValue: "011002")!, area: .juki)?.id)
            try await client.execute(
                uri: "/v1/audit?entity_type=adoption&entity_id=\(adoptionID)", method: .get,
                headers: environment.headers(.admin)
            ) { (response) throws in
                let items = try response.json.items
                #expect(items.count == 2)  // filed, then reassigned (the unchanged re-filing wrote nothing)
                let reassigned = items.first?["changes"] as? [String: [String: Any]]
                #expect(Set(reassigned?.keys.map { $0 } ?? []) == ["product_id", "state", "new_target_month", "planned_month", "pmo_completion"])
                #expect(reassigned?["state"]?["old"] as? String == "planned" && reassigned?["state"]?["new"] as? String == "delayed")
                #expect(reassigned?["new_target_month"]?["new"] as? String == "2027-03")
                let created = items.last?["changes"] as? [String: [String: Any]]
                #expect(created?["planned_month"]?["new"] as? String == "2026-01" && created?["planned_month"]?["old"] == nil)
                #expect(created?["note"] == nil)  // nothing to record for an empty field of a new record
            }
            try await client.execute(uri: "/v1/adoptions/011002/juki/history", method: .get, headers: environment.headers(.observer)) {
                (response) throws in
                let states = try response.json.items.map { $0["state"] as? String }
                #expect(states == ["planned", "delayed"])
            }
            try await client.execute(
                uri: "/v1/adoptions?state=specified_support&reason=vendor_resources&block=hokkaido", method: .get,
                headers: environment.headers(.observer)
            ) { (response) throws in
                #expect(try response.json.items.map { $0["dantai_code"] as? String } == ["011002"])
            }
            try await client.execute(
                uri: "/v1/adoptions?vendor=\(environment.ids.vendorA.id)&prefecture=01", method: .get,
                headers: environment.headers(.observer)
            ) { (response) throws in
                #expect(try response.json["total"] as? Int == 2)  // 札幌市 国保 and 北海道 生活保護
            }
        }
    }

    /// A new record's audit changes, built in one step, are what comparing its fields with nothing gives.
    @Test func aNewAdoptionsAuditChangesAreEveryFieldItHas() async throws {
        try await withApp { client, env in
            let a = env.ids.productA.id
            let sheet = """
                団体コード,業務,製品ID,移行予定,状態,事由,新目標月,PMO進捗,備考
                011002,juki,\(a),2026-01,in_progress,,,55,
                011002,kokuho,\(a),,specified_support,vendor_resources,,,要員不足
                131016,juki,\(a),2026-03,delayed,,2026-09,0,"備考, カンマ入り"
                010006,seikatsu_hogo,\(a),,migrated,,,100,
                """
            let response = try await env.send(
                client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"], body: ByteBuffer(string: sheet))
            #expect(response.status == .ok, "\(response.text)")
            let (adoptions, differing): (Int, Int) = try await env.pool.withConnection { connection in
                let row = try connection.query(
                    Query(
                        "test.auditCreated",
                        """
                        SELECT count(*) AS n, count(*) FILTER (WHERE adoption_audit_created(a) IS DISTINCT FROM (
                            SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('new', value)), '{}')
                            FROM jsonb_each(adoption_audit_fields(a)) WHERE value <> 'null'::jsonb)) AS differing
                        FROM adoptions a
                        """)
                ).single()
                return (try row.decode("n"), try row.decode("differing"))
            }
            #expect(adoptions == 4 && differing == 0)
            let audited: Int = try await env.pool.withConnection {
                try $0.query(
                    Query(
                        "test.auditRows",
                        """
                        SELECT count(*) AS n FROM audit_log l JOIN adoptions a ON l.entity_id = a.id::text
                        WHERE l.entity_type = 'adoption' AND l.changes = adoption_audit_created(a)
                        """)
                ).single().decode("n")
            }
            #expect(audited == 4)
        }
    }

    /// Every adoption audit row (built by the daemon) holds what comparing the adoption's version
    /// with the one before gives in SQL (`adoption_audit_fields`, sql/0005): created, changed in
    /// every field kind, values PostgreSQL rounds (PMO進捗 33.335 → 33.34), text with quotes,
    /// backslashes, line breaks and control characters, fields set and cleared.
    @Test func everyAdoptionAuditRowIsWhatComparingItsVersionsGives() async throws {
        try await withApp { client, env in
            let a = env.ids.productA.id
            func load(_ sheet: String) async throws {
                let response = try await env.send(
                    client, .post, "/v1/adoptions/import", as: .vendorA, headers: [.contentType: "text/csv"], body: ByteBuffer(string: sheet))
                #expect(response.status == .ok, "\(response.text)")
            }
            try await load(
                """
                団体コード,業務,製品ID,移行予定,状態,事由,新目標月,PMO進捗,備考
                011002,juki,\(a),2026-01,in_progress,,,55,
                011002,kokuho,\(a),,specified_support,vendor_resources,,,要員不足
                131016,juki,\(a),2026-03,delayed,,2026-09,0,"備考, カンマ入り"
                010006,seikatsu_hogo,\(a),,migrated,,,100,
                """)
            try await load(
                """
                団体コード,業務,製品ID,移行予定,状態,事由,新目標月,PMO進捗,備考
                011002,juki,\(a),2026-02,in_progress,,,33.335,"引用符""と\\バックスラッシュ
                改行	タブ"
                011002,kokuho,\(a),2027-04,delayed,vendor_withdrawal,2027-10,12.5,
                131016,juki,\(a),,planned,,,,"備考, カンマ入り"
                010006,seikatsu_hogo,\(a),,migrated,,,100.00,
                """)
            let update = try await env.send(
                client, .put, "/v1/adoptions/131016/juki", as: .vendorA,
                json: ["product_id": a, "state": "in_progress", "pmo_completion": 0.5, "note": "制御\u{1}文字"])
            #expect(update.status == .ok, "\(update.text)")

            let (compared, differing, sample): (Int, Int, String?) = try await env.pool.withConnection { connection in
                let row = try connection.query(
                    Query(
                        "test.auditVersions",
                        """
                        WITH versions AS (
                            SELECT h.adoption_id, row_number() OVER (PARTITION BY h.adoption_id ORDER BY h.id) AS n,
                                   adoption_audit_fields(ROW(h.adoption_id, a.dantai_code, a.business_area, h.product_id, h.planned_month,
                                       h.state, h.reason, h.new_target_month, h.pmo_completion, h.note, a.created_at, a.updated_at)::adoptions) AS f
                            FROM adoption_history h JOIN adoptions a ON a.id = h.adoption_id
                        ), expected AS (
                            SELECT v.adoption_id, v.n, CASE WHEN p.f IS NULL
                                THEN (SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('new', value)), '{}')
                                      FROM jsonb_each(v.f) WHERE value <> 'null'::jsonb)
                                ELSE (SELECT coalesce(jsonb_object_agg(after.key, jsonb_build_object('old', before.value, 'new', after.value)), '{}')
                                      FROM jsonb_each(v.f) AS after JOIN jsonb_each(p.f) AS before ON before.key = after.key
                                      WHERE before.value IS DISTINCT FROM after.value) END AS changes
                            FROM versions v LEFT JOIN versions p ON p.adoption_id = v.adoption_id AND p.n = v.n - 1
                        ), audited AS (
                            SELECT entity_id::bigint AS adoption_id, row_number() OVER (PARTITION BY entity_id ORDER BY id) AS n, changes
                            FROM audit_log WHERE entity_type = 'adoption'
                        )
                        SELECT count(*) AS n, count(*) FILTER (WHERE e.changes::text IS DISTINCT FROM d.changes::text) AS differing,
                               min(e.changes::text || ' <> ' || d.changes::text) FILTER (WHERE e.changes::text IS DISTINCT FROM d.changes::text) AS sample
                        FROM expected e FULL JOIN audited d USING (adoption_id, n)
                        """)
                ).single()
                return (try row.decode("n"), try row.decode("differing"), try row.decodeIfPresent("sample"))
            }
            #expect(compared == 4 + 3 + 1, "four created, three changed by the second sheet (one unchanged), one by the API")
            #expect(differing == 0, "\(sample ?? "")")
            let rounded: String = try await env.pool.withConnection {
                try $0.query(
                    Query(
                        "test.roundedChange",
                        """
                        SELECT l.changes -> 'pmo_completion' ->> 'new' AS pmo FROM audit_log l JOIN adoptions a ON l.entity_id = a.id::text
                        WHERE a.dantai_code = '011002' AND a.business_area = 'juki' ORDER BY l.id DESC LIMIT 1
                        """)
                ).single().decode("pmo")
            }
            #expect(rounded == "33.34")
        }
    }

    @Test func spreadsheetImportIsAllOrNothingIdempotentAndRoundTripsInCP932() async throws {
        try await withApp { client, environment in
            let a = environment.ids.productA.id
            let csv = """
                団体コード,団体名,業務,製品,移行予定,状態,事由,新目標月,PMO進捗,備考\r
                011002,札幌市,住民記録,A住記クラウド,令和8年1月,移行中,,,55,\r
                11002,札幌市,国民健康保険,Ａ住記クラウド,2026/02,特定移行支援,事業者リソース不足,,,要員不足\r
                131016,千代田区,juki,A住記クラウド,2026-03,delayed,,2026-09,,"備考, カンマ入り"\r
                010006,北海道,生活保護,A住記クラウド,2025-12,移行済,,,100,\r
                """
            let file = try #require(csv.data(using: .shiftJIS))
            let asA = environment.headers(.vendorA, [.contentType: "text/csv"])
            try await client.execute(uri: "/v1/adoptions/import?dry_run=true", method: .post, headers: asA, body: ByteBuffer(bytes: file)) {
                (response) throws in
                let body = try response.json
                #expect(body["inserted"] as? Int == 4 && body["dry_run"] as? Bool == true, "\(response.text)")
            }
            try await client.execute(uri: "/v1/adoptions", method: .get, headers: asA) { (response) throws in
                #expect(try response.json["total"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/adoptions/import", method: .post, headers: asA, body: ByteBuffer(bytes: file)) { (response) throws in
                #expect(try response.json["inserted"] as? Int == 4)
            }
            try await client.execute(uri: "/v1/adoptions/import", method: .post, headers: asA, body: ByteBuffer(bytes: file)) { (response) throws in
                let body = try response.json
                #expect(body["unchanged"] as? Int == 4 && body["inserted"] as? Int == 0 && body["updated"] as? Int == 0)
            }
            // Export in CP932, then import the export unchanged: nothing changes.
            let exported: ByteBuffer = try await client.execute(
                uri: "/v1/adoptions/export?encoding=cp932", method: .get,
                headers: environment.headers(.vendorA)
            ) { (response) throws in
                #expect(response.headers[.contentType] == "text/csv; charset=Shift_JIS")
                return response.body
            }
            let exportedText = try #require(String(data: Data(exported.readableBytesView), encoding: .shiftJIS))
            #expect(exportedText.contains("札幌市") && exportedText.contains("特定移行支援") && exportedText.contains("\"備考, カンマ入り\""))
            try await client.execute(uri: "/v1/adoptions/import", method: .post, headers: asA, body: exported) { (response) throws in
                #expect(try response.json["unchanged"] as? Int == 4, "\(response.text)")
            }
            // A file with bad lines changes nothing and lists every line.
            let bad = """
                団体コード,業務,製品ID,状態,事由\r
                011002,juki,\(a),migrated,\r
                011003,juki,\(a),planned,\r
                131016,介護,\(a),planned,\r
                013030,juki,\(a),specified_support,\r
                013030,juki,\(a),planned,\r
                010006,juki,\(a),planned,\r
                """
            try await client.execute(uri: "/v1/adoptions/import", method: .post, headers: asA, body: ByteBuffer(string: bad)) { (response) throws in
                let body = try expectProblem(response, .unprocessableContent)
                let lines = (body["errors"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
                // Every bad line in one answer: the file's own (a bad code, an unknown 業務) and the
                // rules' (specified_support without 事由, a duplicate, a prefecture filing 住民記録).
                #expect(lines == [3, 4, 5, 6, 7], "\(response.text)")
                #expect(body["detail"] as? String == "5 problems found; nothing was changed")
            }
            try await client.execute(uri: "/v1/adoptions/011002/juki", method: .get, headers: asA) { (response) throws in
                #expect(try response.json["state"] as? String == "in_progress")
            }
        }
    }

    @Test func statusSpreadsheetImportsIdempotentlyAndRoundTrips() async throws {
        try await withApp(seed: false) { client, environment in
            let asA = environment.headers(.vendorA, [.contentType: "text/csv"])
            let csv = """
                製品,業務,段階,標準仕様書の版,ガバメントクラウド対応,完了予定日,提供予定日,備考\r
                A住記クラウド,住民記録,テスト中,4.0,対応済,2026/03/31,2026-04-01,\r
                A住記クラウド,kokuho,developing,3.1,verifying,,,"国保, 第2版"\r
                """
            let file = ByteBuffer(bytes: try #require(csv.data(using: .shiftJIS)))
            try await client.execute(uri: "/v1/development-status/import?dry_run=true", method: .post, headers: asA, body: file) {
                (response) throws in
                #expect(try response.json["filed"] as? Int == 2, "\(response.text)")
            }
            #expect(try await StatusStore(pool: environment.pool).matrix(.init()).isEmpty)
            try await client.execute(uri: "/v1/development-status/import", method: .post, headers: asA, body: file) { (response) throws in
                #expect(try response.json["filed"] as? Int == 2)
            }
            try await client.execute(uri: "/v1/development-status/import", method: .post, headers: asA, body: file) { (response) throws in
                #expect(try response.json["unchanged"] as? Int == 2)
            }
            let exported: ByteBuffer = try await client.execute(
                uri: "/v1/development-status/export?encoding=cp932", method: .get,
                headers: environment.headers(.vendorA)
            ) { (response) throws in response.body }
            try await client.execute(uri: "/v1/development-status/import", method: .post, headers: asA, body: exported) { (response) throws in
                #expect(try response.json["unchanged"] as? Int == 2, "\(response.text)")
            }
            // A backward stage without a reason refuses the whole file, naming the line.
            let backwards = "製品,業務,段階,ガバメントクラウド対応\nA住記クラウド,juki,設計中,対応済\nA住記クラウド,kokuho,テスト中,対応済\n"
            try await client.execute(uri: "/v1/development-status/import", method: .post, headers: asA, body: ByteBuffer(string: backwards)) {
                (response) throws in
                let body = try expectProblem(response, .unprocessableContent)
                let errors = body["errors"] as? [[String: Any]] ?? []
                #expect(errors.map { $0["line"] as? Int } == [2] && errors.first?["column"] as? String == "後退理由")
            }
            let kokuho = try await StatusStore(pool: environment.pool).history(product: environment.ids.productA.id, businessArea: .kokuho)
            #expect(kokuho.map(\.stage) == [.developing])
        }
    }
}
