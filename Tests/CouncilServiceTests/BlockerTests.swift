import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Who blocks whom on a hand-built scenario: two vendors, three prefectures, issues and
/// adoptions overlapping, one restricted issue, one closed issue.
@Suite struct BlockerTests {
    struct Scenario {
        let i1: Int, i2: Int, i4: Int
    }

    static func link(_ code: String, _ impact: IssueImpact, _ areas: [BusinessArea] = []) -> IssueMunicipality {
        IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: code)!, impact: impact, businessAreas: areas)
    }

    static func build(_ env: TestEnvironment) async throws -> Scenario {
        let a = env.ids.productA.id, b = env.ids.productB.id
        func adoption(_ code: String, _ area: BusinessArea, _ product: Int, _ state: AdoptionState, _ reason: AdoptionReason?) -> AdoptionStore.Row {
            .init(
                line: 0,
                draft: AdoptionDraft(
                    dantaiCode: MunicipalityCode(rawValue: code)!, businessArea: area, productID: product,
                    plannedMonth: nil, state: state, reason: reason,
                    newTargetMonth: state == .delayed ? YearMonth(rawValue: "2027-03") : nil,
                    pmoCompletion: nil, note: nil))
        }
        _ = try await AdoptionStore(pool: env.pool).apply(
            [
                adoption("011002", .juki, a, .specifiedSupport, .vendorResources),
                adoption("013030", .juki, b, .delayed, .vendorWithdrawal),
                adoption("131016", .kokuho, a, .specifiedSupport, .mainframe),  // not the vendor's doing
                adoption("141305", .juki, b, .specifiedSupport, .vendorResources),
                adoption("010006", .seikatsuHogo, a, .specifiedSupport, .vendorWithdrawal),  // the prefecture itself
                adoption("013048", .juki, a, .planned, nil),
            ], by: .system, authorize: { _, _, _ in nil }, dryRun: false)
        let i1 = try await env.issue(
            "札幌と千代田区", municipalities: [link("011002", .blocked, [.juki]), link("131016", .blocked)],
            businessAreas: [.kokuho])
        let i2 = try await env.issue("B社の限定課題", by: .vendorB, visibility: .restricted, municipalities: [link("013048", .blocked, [.juki])])
        let i3 = try await env.issue("解決済み", municipalities: [link("141305", .blocked, [.juki])])
        let admin = try await env.principal(.admin)
        _ = try await IssueStore(pool: env.pool).transition(i3.number, .init(to: .closed), by: admin, .system)
        let i4 = try await env.issue(
            "両社共通", municipalities: [link("141305", .atRisk, [.juki]), link("013030", .blocked, [.juki])],
            vendors: [env.ids.vendorA.id, env.ids.vendorB.id])
        return Scenario(i1: i1.number, i2: i2.number, i4: i4.number)
    }

    static func rows(_ response: TestResponse) throws -> [String] {
        try response.json.items.map { item in
            let vendor = (item["vendor"] as? [String: Any])?["name"] as? String ?? "?"
            let sources = (item["sources"] as? [String] ?? []).joined(separator: "+")
            return
                "\(item["dantai_code"]!) \(item["business_area"]!) \(vendor.suffix(1)) \(sources) \(item["issues"] as? [Int] ?? []) \(item["reason"] as? String ?? "-")"
        }
    }

    @Test func blockersFromBothSourcesWithTheirEvidence() async throws {
        try await withApp { client, env in
            let s = try await Self.build(env)
            var response = try await env.send(client, .get, "/v1/blockers", as: .admin)
            #expect(
                try Self.rows(response) == [
                    "010006 seikatsu_hogo A adoption [] vendor_withdrawal",
                    "011002 juki A issue+adoption [\(s.i1)] vendor_resources",
                    "013030 juki A issue [\(s.i4)] -",
                    "013030 juki B adoption [] vendor_withdrawal",  // #i4 names B, but A filed it and nobody triaged it
                    "013048 juki B issue [\(s.i2)] -",
                    "131016 kokuho A issue [\(s.i1)] -",
                    "141305 juki B adoption [] vendor_resources",
                ])
            #expect(try response.json["total"] as? Int == 7)
            let first = try response.json.items[5]
            #expect((first["product"] as? [String: Any])?["name"] as? String == "A住記クラウド")  // its adoption, though not blocking
            #expect(try response.json.items[2]["product"] == nil)  // 013030 runs B's product
            #expect(try response.json.items[0]["dantai_name"] as? String == "北海道")
            // Vendor A cannot see B's restricted issue, so that blocker does not exist for it.
            response = try await env.send(client, .get, "/v1/blockers", as: .vendorA)
            #expect(try !Self.rows(response).contains { $0.hasPrefix("013048") })
            #expect(try response.json["total"] as? Int == 6)
            response = try await env.send(client, .get, "/v1/blockers", as: .vendorB)
            #expect(try Self.rows(response).contains { $0.hasPrefix("013048") })

            let filters: [(String, [String])] = [
                ("source=issue", ["011002", "013030", "013048", "131016"]),
                ("source=adoption", ["010006", "011002", "013030", "141305"]),
                ("reason=vendor_withdrawal", ["010006", "013030"]),
                ("prefecture=13", ["131016"]),
                ("block=kanto_koshinetsu", ["131016", "141305"]),
                ("vendor=\(env.ids.vendorB.id)", ["013030", "013048", "141305"]),
                ("business_area=kokuho", ["131016"]),
            ]
            for (query, codes) in filters {
                response = try await env.send(client, .get, "/v1/blockers?\(query)", as: .member)
                #expect(try response.json.items.map { $0["dantai_code"] as? String ?? "" } == codes, "\(query)")
            }
            // A liaison sees their prefectures (東京都) unless they ask for all.
            response = try await env.send(client, .get, "/v1/blockers", as: .liaison)
            #expect(try response.json.items.map { $0["dantai_code"] as? String ?? "" } == ["131016"])
            response = try await env.send(client, .get, "/v1/blockers?all=1", as: .liaison)
            #expect(try response.json["total"] as? Int == 7)
            for (query, field) in [
                ("group_by=colour", "group_by"), ("source=rumour", "source"), ("reason=weather", "reason"), ("prefecture=99", "prefecture"),
            ] {
                try expectProblem(try await env.send(client, .get, "/v1/blockers?\(query)", as: .member), .badRequest, field: field)
            }
        }
    }

    @Test func groupedEveryWay() async throws {
        try await withApp { client, env in
            _ = try await Self.build(env)
            func groups(_ by: String, as caller: TestIdentities.Caller = .admin) async throws -> [String] {
                let response = try await env.send(client, .get, "/v1/blockers?group_by=\(by)", as: caller)
                return try (response.json["groups"] as? [[String: Any]] ?? []).map {
                    "\($0["key"]!) \($0["label"]!) \($0["municipalities"]!)/\($0["systems"]!)"
                }
            }
            let a = env.ids.vendorA.id, b = env.ids.vendorB.id
            #expect(try await groups("vendor") == ["\(a) 株式会社ベンダーA 4/4", "\(b) 株式会社ベンダーB 3/3"])
            #expect(try await groups("vendor", as: .vendorA) == ["\(a) 株式会社ベンダーA 4/4", "\(b) 株式会社ベンダーB 2/2"])
            #expect(try await groups("prefecture") == ["01 北海道 4/4", "13 東京都 1/1", "14 神奈川県 1/1"])
            #expect(try await groups("block") == ["hokkaido 北海道 4/4", "kanto_koshinetsu 関東・甲信静越 2/2"])
            #expect(try await groups("business_area") == ["juki 住民基本台帳 4/4", "kokuho 国民健康保険 1/1", "seikatsu_hogo 生活保護 1/1"])
            #expect(try await groups("reason") == ["none 課題による 3/3", "vendor_resources 事業者リソース不足 2/2", "vendor_withdrawal 事業者撤退 2/2"])
        }
    }

    @Test func oneMunicipalityAndOneVendor() async throws {
        try await withApp { client, env in
            let s = try await Self.build(env)
            var response = try await env.send(client, .get, "/v1/municipalities/013030/blockers", as: .observer)
            let areas = try response.json["business_areas"] as? [[String: Any]] ?? []
            #expect(areas.count == 20)
            let juki = (areas.first { $0["business_area"] as? String == "juki" }?["blockers"] as? [[String: Any]]) ?? []
            #expect(juki.map { (($0["vendor"] as? [String: Any])?["id"] as? Int) ?? 0 } == [env.ids.vendorA.id, env.ids.vendorB.id])
            #expect(juki.map { $0["sources"] as? [String] ?? [] } == [["issue"], ["adoption"]])
            #expect(areas.filter { ($0["blockers"] as? [Any])?.isEmpty == false }.count == 1)
            try expectProblem(try await env.send(client, .get, "/v1/municipalities/011003/blockers", as: .observer), .badRequest, field: "code")
            try expectProblem(try await env.send(client, .get, "/v1/municipalities/472158/blockers", as: .observer), .notFound)

            response = try await env.send(client, .get, "/v1/vendors/\(env.ids.vendorB.id)/blocked-municipalities", as: .admin)
            #expect(try response.json["municipalities"] as? Int == 3)
            let blocks = try response.json["blocks"] as? [[String: Any]] ?? []
            #expect(blocks.map { $0["block"] as? String } == ["hokkaido", "kanto_koshinetsu"])
            let hokkaido = (blocks[0]["prefectures"] as? [[String: Any]])?.first
            #expect((hokkaido?["municipalities"] as? [[String: Any]])?.map { $0["dantai_code"] as? String } == ["013030", "013048"])
            #expect((hokkaido?["municipalities"] as? [[String: Any]])?.last?["issues"] as? [Int] == [s.i2])
            response = try await env.send(client, .get, "/v1/vendors/\(env.ids.vendorB.id)/blocked-municipalities", as: .vendorA)
            #expect(try response.json["municipalities"] as? Int == 2)
            try expectProblem(try await env.send(client, .get, "/v1/vendors/\(env.ids.observer.id)/blocked-municipalities", as: .admin), .notFound)
        }
    }

    @Test func specifiedSupportReportHasThePublishedShape() async throws {
        try await withApp { client, env in
            _ = try await Self.build(env)
            let response = try await env.send(client, .get, "/v1/reports/specified-support", as: .vendorB)
            let report = try response.json
            func table(_ name: String) -> [String] {
                ((report[name] as? [[String: Any]]) ?? []).map { "\($0["key"]!) \($0["label"]!) \($0["dantai"]!)/\($0["systems"]!)" }
            }
            #expect((report["total"] as? [String: Any])?["dantai"] as? Int == 4)
            #expect((report["total"] as? [String: Any])?["systems"] as? Int == 4)
            #expect(table("by_reason") == ["mainframe メインフレーム 1/1", "vendor_resources 事業者リソース不足 2/2", "vendor_withdrawal 事業者撤退 1/1"])
            #expect(table("by_block") == ["hokkaido 北海道 2/2", "kanto_koshinetsu 関東・甲信静越 2/2"])
            #expect(table("by_prefecture") == ["01 北海道 2/2", "13 東京都 1/1", "14 神奈川県 1/1"])
            #expect(table("by_business_area") == ["juki 住民基本台帳 2/2", "kokuho 国民健康保険 1/1", "seikatsu_hogo 生活保護 1/1"])
        }
    }

    /// Views are cached while nothing they read changes: any committed change is seen at once,
    /// by this daemon and by another one on the same database.
    @Test func cachedViewsFollowEveryCommittedChange() async throws {
        try await withApp { client, env in
            _ = try await Self.build(env)
            let other = BlockerStore(pool: env.pool)  // a second daemon's store: its own cache
            func vendorA(_ store: BlockerStore? = nil) async throws -> Int {
                if let store {
                    return try await store.groups(BlockerFilter(), by: .vendor, scope: .all).first { $0.key == String(env.ids.vendorA.id) }?
                        .municipalities ?? 0
                }
                let response = try await env.send(client, .get, "/v1/blockers?group_by=vendor", as: .admin)
                let groups = try response.json["groups"] as? [[String: Any]] ?? []
                return groups.first { $0["key"] as? String == String(env.ids.vendorA.id) }?["municipalities"] as? Int ?? 0
            }
            #expect(try await vendorA() == 4)
            #expect(try await vendorA() == 4)  // served from the cache
            #expect(try await vendorA(other) == 4)
            let issue = try await env.issue("新たな阻害", municipalities: [Self.link("141305", .blocked, [.juki])])
            #expect(try await vendorA() == 5)
            #expect(try await vendorA(other) == 5)
            let admin = try await env.principal(.admin)
            _ = try await IssueStore(pool: env.pool).transition(issue.number, .init(to: .rejected), by: admin, .system)
            #expect(try await vendorA() == 4)
            #expect(try await vendorA(other) == 4)
            // Adoptions count too.
            _ = try await AdoptionStore(pool: env.pool).apply(
                [
                    .init(
                        line: 0,
                        draft: AdoptionDraft(
                            dantaiCode: MunicipalityCode(rawValue: "013048")!, businessArea: .juki, productID: env.ids.productA.id, plannedMonth: nil,
                            state: .specifiedSupport, reason: .vendorWithdrawal, newTargetMonth: nil, pmoCompletion: nil, note: nil))
                ],
                by: .system, authorize: { _, _, _ in nil }, dryRun: false)
            #expect(try await vendorA() == 5)
            // The whole-view JSON of a 団体 follows too.
            func sapporoJuki() async throws -> Int {
                let response = try await env.send(client, .get, "/v1/municipalities/011002/blockers", as: .admin)
                let areas = try response.json["business_areas"] as? [[String: Any]] ?? []
                return (areas.first { $0["business_area"] as? String == "juki" }?["blockers"] as? [Any])?.count ?? -1
            }
            #expect(try await sapporoJuki() == 1)
            #expect(try await sapporoJuki() == 1)
            _ = try await env.issue("札幌の新たな阻害", by: .vendorB, municipalities: [Self.link("011002", .blocked, [.juki])])
            #expect(try await sapporoJuki() == 2)
        }
    }

    /// A comment, a new title or a relation changes nothing the views (or the kept list totals)
    /// read: the cached views stay valid. A transition, a new severity (a facet lists filter on,
    /// sql/0034) or a new link does change them.
    @Test func onlyWhatTheViewsReadInvalidatesThem() async throws {
        try await withApp { client, env in
            let issue = try await env.issue("阻害の判定", municipalities: [Self.link("011002", .blocked, [.juki])])
            let other = try await env.issue("別の課題")
            func version() async throws -> Int {
                try await env.pool.withConnection { try $0.query(ViewCache.versionQuery).single().decode("version") }
            }
            let before = try await version()
            _ = try await env.comment(on: issue.number, by: .vendorA, "補足します")
            let retitled = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["title": "阻害の判定（改題）"],
                headers: [.ifMatch: "\"issue-\(issue.number)-v\(issue.version + 1)\""])
            #expect(retitled.status == .ok, "\(retitled.text)")
            let related = try await env.send(
                client, .post, "/v1/issues/\(issue.number)/relations", as: .admin, json: ["kind": "relates", "issue": other.number])
            #expect(related.status == .created)
            #expect(try await version() == before)
            // The comment, the new title and the relation each moved the issue's version.
            let severe = try await env.send(
                client, .patch, "/v1/issues/\(issue.number)", as: .vendorA, json: ["severity": "high"],
                headers: [.ifMatch: "\"issue-\(issue.number)-v\(issue.version + 3)\""])
            #expect(severe.status == .ok, "\(severe.text)")
            let afterSeverity = try await version()
            #expect(afterSeverity > before)
            let moved = try await env.send(client, .post, "/v1/issues/\(issue.number)/transitions", as: .admin, json: ["to": "triaged"])
            #expect(moved.status == .ok)
            let afterTransition = try await version()
            #expect(afterTransition > afterSeverity)
            _ = try await env.issue("新しい阻害", municipalities: [Self.link("011002", .blocked, [.juki])])
            #expect(try await version() > afterTransition)
        }
    }
}
