import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Walks the whole routes table with every role. Each operation must have a probe here (a
/// request and the status each caller must get); a new route without one fails the suite, so
/// no route can ship without a declared, tested policy.
@Suite struct AuthorizationMatrixTests {
    typealias Caller = TestIdentities.Caller

    struct Probe: Sendable {
        /// The request path (may create what the request needs first).
        let path: @Sendable (TestEnvironment, Caller) async throws -> String
        /// A JSON or CSV body, for the caller.
        var body: (@Sendable (TestEnvironment, Caller) throws -> (contentType: String, bytes: ByteBuffer))? = nil
        /// Send the current ETag (read as the admin) in If-Match.
        var ifMatch = false
        let expected: [Caller: HTTPResponse.Status]

        /// The probe's request as `caller`: its path, the caller's token, its body and If-Match.
        func request(
            as caller: Caller, _ client: any TestClientProtocol,
            _ environment: TestEnvironment
        ) async throws -> (path: String, headers: HTTPFields, body: ByteBuffer?) {
            let path = try await self.path(environment, caller)
            var headers = environment.headers(caller)
            var bytes: ByteBuffer?
            if let make = body {
                let (contentType, made) = try make(environment, caller)
                headers[.contentType] = contentType
                bytes = made
            }
            if ifMatch { headers[.ifMatch] = try await AuthorizationMatrixTests.etag(client, path, environment) }
            return (path, headers, bytes)
        }
    }

    static func everyone(_ status: HTTPResponse.Status) -> [Caller: HTTPResponse.Status] {
        Dictionary(uniqueKeysWithValues: Caller.allCases.map { ($0, status) })
    }

    static func authenticated(_ status: HTTPResponse.Status) -> [Caller: HTTPResponse.Status] {
        var expected = everyone(status)
        expected[.anonymous] = .unauthorized
        return expected
    }

    static func only(_ allowed: [Caller: HTTPResponse.Status], otherwise: HTTPResponse.Status = .forbidden) -> [Caller: HTTPResponse.Status] {
        var expected = authenticated(otherwise)
        for (caller, status) in allowed { expected[caller] = status }
        return expected
    }

    static func json(_ object: [String: Any]) -> (contentType: String, bytes: ByteBuffer) {
        ("application/json", ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object)))
    }

    static func fixed(_ path: String) -> @Sendable (TestEnvironment, Caller) async throws -> String { { _, _ in path } }

    static let probes: [String: Probe] = [
        "getLiveness": Probe(path: fixed("/health/live"), expected: everyone(.ok)),
        "getReadiness": Probe(path: fixed("/health/ready"), expected: everyone(.ok)),
        "getMetrics": Probe(path: fixed("/metrics"), expected: everyone(.ok)),
        "getOpenAPIDocument": Probe(path: fixed("/openapi.yaml"), expected: everyone(.ok)),
        "listBusinessAreas": Probe(path: fixed("/v1/business-areas"), expected: everyone(.ok)),
        "listBlocks": Probe(path: fixed("/v1/blocks"), expected: everyone(.ok)),
        "listPrefectures": Probe(path: fixed("/v1/prefectures"), expected: everyone(.ok)),
        "listMunicipalities": Probe(path: fixed("/v1/municipalities"), expected: everyone(.ok)),
        "getMunicipality": Probe(path: fixed("/v1/municipalities/011002"), expected: everyone(.ok)),
        "importMunicipalities": Probe(
            path: fixed("/v1/municipalities/import"),
            body: { _, _ in ("text/csv", ByteBuffer(bytes: try TestFixtureData.sample)) },
            expected: only([.admin: .ok])),
        "getMe": Probe(path: fixed("/v1/me"), expected: authenticated(.ok)),
        "getNotificationSettings": Probe(path: fixed("/v1/me/notifications"), expected: authenticated(.ok)),
        "recordMailBounce": Probe(
            path: fixed("/v1/mail/bounces"),
            body: { _, _ in
                ("message/rfc822", ByteBuffer(string: BounceReport.postfix(recipient: "nobody@example.jp", returning: "Message-ID: <x@example.jp>")))
            },
            expected: only([.admin: .ok])),
        "setNotificationSettings": Probe(
            path: fixed("/v1/me/notifications"), body: { _, _ in json(["mail": "digest"]) }, expected: authenticated(.ok)),
        "listOrganizations": Probe(path: fixed("/v1/organizations"), expected: authenticated(.ok)),
        "createOrganization": Probe(
            path: fixed("/v1/organizations"),
            body: { _, caller in json(["kind": "vendor", "name": "新規ベンダー \(caller.rawValue)", "short_name": "新規"]) },
            expected: only([.admin: .created])),
        "getOrganization": Probe(path: { env, _ in "/v1/organizations/\(env.ids.vendorB.id)" }, expected: authenticated(.ok)),
        "updateOrganization": Probe(
            path: { env, _ in "/v1/organizations/\(env.ids.vendorB.id)" },
            body: { _, caller in json(["short_name": "B-\(caller.rawValue)"]) },
            expected: only([.admin: .ok])),
        "listAccounts": Probe(path: fixed("/v1/accounts"), expected: authenticated(.ok)),
        "createAccount": Probe(
            path: fixed("/v1/accounts"),
            body: { env, caller in
                json(["organization_id": env.ids.vendorA.id, "display_name": "新人", "email": "new-\(caller.rawValue)@example.jp"])
            },
            expected: only([.admin: .created, .vendorA: .created])),
        "getAccount": Probe(
            path: { env, _ in "/v1/accounts/\(env.ids.identity(.vendorA).account.id)" },
            expected: only([.admin: .ok, .member: .ok, .liaison: .ok, .vendorA: .ok], otherwise: .notFound)),
        "updateAccount": Probe(
            path: { env, _ in "/v1/accounts/\(env.ids.identity(.vendorA).account.id)" },
            body: { _, caller in json(["display_name": "更新 \(caller.rawValue)"]) },
            expected: only([.admin: .ok, .member: .forbidden, .liaison: .forbidden, .vendorA: .ok], otherwise: .notFound)),
        "createPasswordLink": Probe(
            path: { env, _ in "/v1/accounts/\(env.ids.identity(.vendorA).account.id)/password-link" },
            expected: only([.admin: .created, .member: .forbidden, .liaison: .forbidden, .vendorA: .created], otherwise: .notFound)),
        "listTokens": Probe(
            path: { env, _ in "/v1/accounts/\(env.ids.identity(.vendorB).account.id)/tokens" },
            expected: only([.admin: .ok, .member: .forbidden, .liaison: .forbidden, .vendorB: .ok], otherwise: .notFound)),
        "createToken": Probe(
            path: { env, _ in "/v1/accounts/\(env.ids.identity(.vendorB).account.id)/tokens" },
            body: { _, caller in json(["name": "token of \(caller.rawValue)"]) },
            expected: only([.admin: .created, .member: .forbidden, .liaison: .forbidden, .vendorB: .created], otherwise: .notFound)),
        "revokeToken": Probe(
            path: { env, _ in
                let issued = try await TokenStore(pool: env.pool).issue(
                    to: env.ids.identity(.vendorB).account.id, name: "to revoke", expiresAt: nil, by: .system)
                return "/v1/tokens/\(issued.token.id)"
            },
            expected: only([.admin: .ok, .member: .forbidden, .liaison: .forbidden, .vendorB: .ok], otherwise: .notFound)),
        "listAuditEntries": Probe(path: fixed("/v1/audit"), expected: only([.admin: .ok, .member: .ok, .liaison: .ok])),

        "listProducts": Probe(path: fixed("/v1/products"), expected: authenticated(.ok)),
        "createProduct": Probe(
            path: fixed("/v1/products"),
            body: { env, caller in json(["vendor_id": env.ids.vendorA.id, "name": "製品 \(caller.rawValue)", "business_areas": ["juki"]]) },
            expected: only(filers(.created, ownVendor: .vendorA))),
        "getProduct": Probe(path: { env, _ in "/v1/products/\(env.ids.productB.id)" }, expected: authenticated(.ok)),
        "updateProduct": Probe(
            path: { env, _ in "/v1/products/\(env.ids.productA.id)" },
            body: { _, caller in json(["notes": "更新 \(caller.rawValue)"]) },
            expected: only(filers(.ok, ownVendor: .vendorA))),
        "fileStatusReport": Probe(
            path: fixed("/v1/development-status"),
            body: { env, caller in
                json([
                    "product_id": env.ids.productA.id, "business_area": "juki", "stage": "designing",
                    "cloud_readiness": "verifying", "note": "by \(caller.rawValue)",
                ])
            },
            expected: only(filers(.created, ownVendor: .vendorA))),
        "getStatusMatrix": Probe(path: fixed("/v1/development-status"), expected: authenticated(.ok)),
        "getStatusHistory": Probe(
            path: { env, _ in "/v1/development-status/history?product_id=\(env.ids.productA.id)&business_area=juki" },
            expected: authenticated(.ok)),
        "getStatusSummary": Probe(path: fixed("/v1/development-status/summary"), expected: authenticated(.ok)),
        "importStatusReports": Probe(
            path: fixed("/v1/development-status/import"),
            body: { env, _ in ("text/csv", ByteBuffer(string: "製品ID,業務,段階,ガバメントクラウド対応\n\(env.ids.productA.id),国民健康保険,開発中,検証中\n")) },
            expected: only(filers(.ok, ownVendor: .vendorA, liaison: .unprocessableContent).merging([.vendorB: .unprocessableContent]) { $1 })),
        "exportStatusReports": Probe(path: fixed("/v1/development-status/export"), expected: authenticated(.ok)),
        "listAdoptions": Probe(path: fixed("/v1/adoptions"), expected: authenticated(.ok)),
        "exportAdoptions": Probe(path: fixed("/v1/adoptions/export"), expected: authenticated(.ok)),
        "getAdoptionTemplate": Probe(path: fixed("/v1/adoptions/template"), expected: authenticated(.ok)),
        "getStatusTemplate": Probe(path: fixed("/v1/development-status/template"), expected: authenticated(.ok)),
        "importAdoptions": Probe(
            path: fixed("/v1/adoptions/import"),
            body: { env, _ in ("text/csv", ByteBuffer(string: "団体コード,業務,製品ID,状態\n011002,juki,\(env.ids.productA.id),planned\n")) },
            // Vendor B may not file vendor A's product, nor the liaison a 団体 of 北海道: refused line by line.
            expected: only(filers(.ok, ownVendor: .vendorA, liaison: .unprocessableContent).merging([.vendorB: .unprocessableContent]) { $1 })),
        "getAdoption": Probe(path: adoptionPath(""), expected: authenticated(.ok)),
        "getAdoptionHistory": Probe(path: adoptionPath("/history"), expected: authenticated(.ok)),
        "fileAdoption": Probe(
            path: adoptionPath(""),
            body: { env, caller in json(["product_id": env.ids.productA.id, "state": "in_progress", "note": "by \(caller.rawValue)"]) },
            expected: only(filers(.ok, ownVendor: .vendorA))),

        "listIssues": Probe(path: fixed("/v1/issues"), expected: authenticated(.ok)),
        "createIssue": Probe(
            path: fixed("/v1/issues"),
            body: { _, caller in json(["title": "課題 \(caller.rawValue)", "category": "spec", "severity": "high"]) },
            expected: authenticated(.created)),
        "exportIssues": Probe(path: fixed("/v1/issues/export"), expected: authenticated(.ok)),
        "getIssue": Probe(path: restricted(""), expected: restrictedReaders(.ok)),
        "updateIssue": Probe(
            path: councilIssue(""), body: { _, caller in json(["title": "更新 \(caller.rawValue)"]) }, ifMatch: true,
            expected: only([.admin: .ok, .member: .ok, .liaison: .ok, .vendorA: .ok])),
        "listIssueTransitions": Probe(path: restricted("/transitions"), expected: restrictedReaders(.ok)),
        // Only the secretariat triages; the reporter may only withdraw, so for it triage is a 409.
        "transitionIssue": Probe(
            path: councilIssue("/transitions"), body: { _, _ in json(["to": "triaged"]) },
            expected: only([.admin: .ok, .member: .ok, .liaison: .ok], otherwise: .conflict)),
        "listIssueEvents": Probe(path: restricted("/events"), expected: restrictedReaders(.ok)),
        "listIssueComments": Probe(path: restricted("/comments"), expected: restrictedReaders(.ok)),
        "listIssueAttachments": Probe(path: restricted("/attachments"), expected: restrictedReaders(.ok)),
        "createIssueAttachment": Probe(
            path: restricted("/attachments?filename=画面.png"),
            body: { _, caller in ("image/png", ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(caller.rawValue.utf8))) },
            expected: restrictedReaders(.created)),
        "getIssueAttachment": Probe(
            path: { env, _ in
                let issue = try await env.restrictedIssue()
                let attachment = try await env.attachment(on: issue.number, by: .vendorA, "仕様書.pdf", Array("%PDF-1.7 抜粋".utf8))
                return "/v1/issues/\(issue.number)/attachments/\(attachment.id)"
            }, expected: restrictedReaders(.ok)),
        "createIssueComment": Probe(
            path: restricted("/comments"), body: { _, caller in json(["body": "意見 \(caller.rawValue)"]) },
            expected: restrictedReaders(.created)),
        "updateIssueComment": Probe(
            path: { env, _ in
                let issue = try await env.issue()
                let comment = try await env.comment(on: issue.number, by: .admin)
                return "/v1/issues/\(issue.number)/comments/\(comment.id)"
            },
            body: { _, caller in json(["body": "修正 \(caller.rawValue)"]) },
            expected: only([.admin: .ok])),
        "listIssueCommentRevisions": Probe(
            path: { env, _ in
                let issue = try await env.restrictedIssue()
                let comment = try await env.comment(on: issue.number, by: .admin)
                return "/v1/issues/\(issue.number)/comments/\(comment.id)/revisions"
            },
            expected: restrictedReaders(.ok)),
        "listIssueRelations": Probe(path: restricted("/relations"), expected: restrictedReaders(.ok)),
        "createIssueRelation": Probe(
            // Relates a fresh issue of vendor A to #1 (the first issue, made here if need be), which
            // names vendor A: relations are made by those who take part in both issues.
            path: { env, _ in
                if try await IssueSearch(pool: env.pool).page(
                    IssueFilter(), sort: .default, after: nil, limit: 1,
                    for: try await env.principal(.admin)
                ).total == 0 {
                    try await env.issue("最初の課題")
                }
                _ = try await env.pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.nameVendorA",
                            """
                            INSERT INTO issue_vendors (issue_number, vendor_id) VALUES (1, \(env.ids.vendorA.id)) ON CONFLICT DO NOTHING
                            """))
                }
                return "/v1/issues/\(try await env.issue().number)/relations"
            },
            body: { _, _ in json(["kind": "relates", "issue": 1]) },
            expected: only([.admin: .created, .member: .created, .liaison: .created, .vendorA: .created])),
        "deleteIssueRelation": Probe(
            path: { env, _ in
                let one = try await env.issue(), other = try await env.issue("関連先")
                let admin = try await env.principal(.admin)
                _ = try await IssueRelationStore(pool: env.pool).add(one.number, .blocks, other.number, by: admin, .system)
                return "/v1/issues/\(one.number)/relations/blocks/\(other.number)"
            },
            expected: only([.admin: .noContent, .member: .noContent, .liaison: .noContent, .vendorA: .noContent])),
        "listIssueWatchers": Probe(path: restricted("/watchers"), expected: restrictedReaders(.ok)),
        "addIssueWatcher": Probe(
            path: councilIssue("/watchers"),
            body: { env, caller in json(["kind": "account", "id": env.ids.identity(caller == .anonymous ? .vendorA : caller).account.id]) },
            expected: authenticated(.created)),
        "removeIssueWatcher": Probe(
            path: { env, caller in
                let issue = try await env.issue()
                let account = env.ids.identity(caller == .anonymous ? .vendorA : caller).account.id
                let admin = try await env.principal(.admin)
                _ = try await IssueWatcherStore(pool: env.pool).add(issue.number, .account, account, by: admin, .system)
                return "/v1/issues/\(issue.number)/watchers/account/\(account)"
            },
            expected: authenticated(.noContent)),
        "listSavedQueries": Probe(path: fixed("/v1/saved-queries"), expected: authenticated(.ok)),
        "createSavedQuery": Probe(
            path: fixed("/v1/saved-queries"),
            body: { _, caller in json(["name": "未対応 \(caller.rawValue)", "filters": ["state": ["new", "triaged"]]]) },
            expected: authenticated(.created)),
        "getSavedQuery": Probe(path: savedQuery(""), expected: authenticated(.ok)),
        "updateSavedQuery": Probe(path: savedQuery(""), body: { _, _ in json(["shared": true]) }, expected: authenticated(.ok)),
        "deleteSavedQuery": Probe(path: savedQuery(""), expected: authenticated(.noContent)),

        "listBlockers": Probe(path: fixed("/v1/blockers?group_by=vendor"), expected: authenticated(.ok)),
        "getMunicipalityBlockers": Probe(path: fixed("/v1/municipalities/011002/blockers"), expected: authenticated(.ok)),
        "getVendorBlockedMunicipalities": Probe(
            path: { env, _ in "/v1/vendors/\(env.ids.vendorA.id)/blocked-municipalities" },
            expected: authenticated(.ok)),
        "getSpecifiedSupportReport": Probe(path: fixed("/v1/reports/specified-support"), expected: authenticated(.ok)),

        "listMeetings": Probe(path: fixed("/v1/meetings"), expected: authenticated(.ok)),
        "createMeeting": Probe(
            path: fixed("/v1/meetings"), body: { _, caller in json(["held_on": "2026-12-10", "title": "定例会 \(caller.rawValue)"]) },
            expected: only(secretariat(.created))),
        "getMeeting": Probe(path: meeting(""), expected: authenticated(.ok)),
        "updateMeeting": Probe(path: meeting(""), body: { _, _ in json(["state": "held"]) }, expected: only(secretariat(.ok))),
        "getMeetingHandout": Probe(path: meeting("/handout"), expected: authenticated(.ok)),
        "exportMeetingAgenda": Probe(path: meeting("/export"), expected: authenticated(.ok)),
        "addAgendaItem": Probe(
            path: meeting("/agenda"), body: { _, _ in json(["topic": "次回日程", "allotted_minutes": 5]) },
            expected: only(secretariat(.created))),
        // With a critical issue to propose, so that proposing changes something.
        "proposeAgenda": Probe(
            path: { env, caller in
                try await env.issue("緊急の課題", severity: .critical)
                return try await meeting("/agenda/propose")(env, caller)
            },
            expected: only(secretariat(.ok))),
        "updateAgendaItem": Probe(path: agendaItem(""), body: { _, _ in json(["minutes": "議事の記録"]) }, expected: only(secretariat(.ok))),
        "deleteAgendaItem": Probe(path: agendaItem(""), expected: only(secretariat(.noContent))),
        "recordAgendaDecision": Probe(
            path: agendaItem("/decision"), body: { _, _ in json(["decision": "継続審議"]) },
            expected: only(secretariat(.ok))),

        "streamEvents": Probe(path: fixed("/v1/events/stream?follow=false"), expected: authenticated(.ok)),
        "listEventTypes": Probe(path: fixed("/v1/event-types"), expected: authenticated(.ok)),
        "listWebhooks": Probe(path: fixed("/v1/webhooks"), expected: only([.admin: .ok, .vendorA: .ok])),
        "createWebhook": Probe(
            path: fixed("/v1/webhooks"), body: { _, _ in json(["url": "https://hooks.example.jp/council"]) },
            expected: only([.admin: .created, .vendorA: .created])),
        "getWebhook": Probe(path: webhook(""), expected: webhookManagers(.ok)),
        "updateWebhook": Probe(path: webhook(""), body: { _, _ in json(["description": "課題の通知"]) }, expected: webhookManagers(.ok)),
        "deleteWebhook": Probe(path: webhook(""), expected: webhookManagers(.noContent)),
        "rotateWebhookSecret": Probe(path: webhook("/secret"), expected: webhookManagers(.ok)),
        "listWebhookDeliveries": Probe(path: webhook("/deliveries"), expected: webhookManagers(.ok)),
        "redeliverWebhook": Probe(
            path: { env, caller in
                let path = try await webhook("")(env, caller)
                let endpoint = Int(path.split(separator: "/").last!)!
                _ = try await env.issue("通知される課題")
                let delivery: Int = try await env.pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.delivery",
                            """
                            INSERT INTO webhook_deliveries (endpoint_id, event_id, state)
                            SELECT \(endpoint), max(id), 'delivered' FROM outbox_events RETURNING id
                            """)
                    ).single().decode("id")
                }
                return "\(path)/deliveries/\(delivery)/redeliver"
            },
            expected: webhookManagers(.accepted)),
    ]

    /// Vendor A's administrator and the secretariat's manage vendor A's endpoints; the rest of
    /// the secretariat sees them (403), other organizations do not (404).
    static func webhookManagers(_ status: HTTPResponse.Status) -> [Caller: HTTPResponse.Status] {
        only([.admin: status, .vendorA: status, .member: .forbidden, .liaison: .forbidden], otherwise: .notFound)
    }

    /// A fresh endpoint of vendor A.
    static func webhook(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, _ in
            let endpoint = try await WebhookStore(pool: env.pool).create(
                organization: env.ids.vendorA.id,
                WebhookStore.Draft(url: "https://hooks.example.jp/a", eventTypes: [], scope: .all, description: "", enabled: true), by: .system)
            return "/v1/webhooks/\(endpoint.id)\(suffix)"
        }
    }

    static func secretariat(_ status: HTTPResponse.Status) -> [Caller: HTTPResponse.Status] {
        [.admin: status, .member: status, .liaison: status]
    }

    /// A fresh planned meeting (the number follows the last one).
    static func meeting(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, _ in
            let meeting = try await MeetingStore(pool: env.pool).create(
                MeetingDraft(number: nil, heldOn: CalendarDate(rawValue: "2026-12-10")!, title: "定例会", attendeeIDs: []), by: .system)
            return "/v1/meetings/\(meeting.id)\(suffix)"
        }
    }

    /// A free-topic item on a fresh meeting.
    static func agendaItem(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, _ in
            let store = MeetingStore(pool: env.pool)
            let meeting = try await store.create(
                MeetingDraft(number: nil, heldOn: CalendarDate(rawValue: "2026-12-10")!, title: "定例会", attendeeIDs: []), by: .system)
            let withItem = try await store.addItem(
                meeting.id,
                AgendaItemDraft(
                    issueNumber: nil, topic: "報告事項", presenterID: nil,
                    allottedMinutes: 10), position: nil, by: .system)
            return "/v1/meetings/\(meeting.id)/agenda/\(withItem.agenda[0].id)\(suffix)"
        }
    }

    /// Those who see a restricted issue of vendor A assigned to the observer; vendor B gets 404.
    static func restrictedReaders(_ status: HTTPResponse.Status) -> [Caller: HTTPResponse.Status] {
        only([.admin: status, .member: status, .liaison: status, .vendorA: status, .observer: status], otherwise: .notFound)
    }

    static func restricted(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, _ in "/v1/issues/\(try await env.restrictedIssue().number)\(suffix)" }
    }

    /// A fresh council-wide issue reported by vendor A (state new).
    static func councilIssue(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, _ in "/v1/issues/\(try await env.issue().number)\(suffix)" }
    }

    /// A saved query of the caller's own (vendor A's for the anonymous caller).
    static func savedQuery(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, caller in
            let owner = try await env.principal(caller == .anonymous ? .vendorA : caller)
            let query = try await SavedQueryStore(pool: env.pool).create(
                name: "保存 \(UUID().uuidString)", filters: ["state": ["new"]], shared: false, by: owner, .system)
            return "/v1/saved-queries/\(query.id)\(suffix)"
        }
    }

    /// The secretariat and the owning vendor get `status`; other vendors and observers 403.
    /// The secretariat's members and the owning vendor file; a liaison (東京都) files adoptions
    /// of its prefecture's 団体 only, and no products or status: every probe here is elsewhere.
    static func filers(_ status: HTTPResponse.Status, ownVendor: Caller, liaison: HTTPResponse.Status = .forbidden) -> [Caller: HTTPResponse.Status] {
        [.admin: status, .member: status, .liaison: liaison, ownVendor: status]
    }

    /// The adoption of 当別町 for 住民基本台帳 with vendor A's product, filed first if missing.
    static func adoptionPath(_ suffix: String) -> @Sendable (TestEnvironment, Caller) async throws -> String {
        { env, _ in
            let code = MunicipalityCode(rawValue: "013030")!
            let draft = AdoptionDraft(
                dantaiCode: code, businessArea: .juki, productID: env.ids.productA.id, plannedMonth: nil,
                state: .planned, reason: nil, newTargetMonth: nil, pmoCompletion: nil, note: nil)
            let store = AdoptionStore(pool: env.pool)
            if try await store.adoption(dantai: code, area: .juki) == nil {
                _ = try await store.apply([.init(line: 0, draft: draft)], by: .system, authorize: { _, _, _ in nil }, dryRun: false)
            }
            return "/v1/adoptions/013030/juki\(suffix)"
        }
    }

    static func etag(_ client: any TestClientProtocol, _ path: String, _ environment: TestEnvironment) async throws -> String {
        try await client.execute(uri: path, method: .get, headers: environment.headers(.admin)) { response in
            response.headers[.eTag] ?? ""
        }
    }

    @Test func everyRouteAnswersEveryRoleAsDeclared() async throws {
        try await withApp { client, environment in
            let table = buildRouteTable(AppDependencies(pool: environment.pool))
            var checked = 0
            for endpoint in table.endpoints {
                guard let probe = Self.probes[endpoint.operationID] else {
                    Issue.record("no authorization probe for \(endpoint.method) \(endpoint.path) (\(endpoint.operationID))")
                    continue
                }
                #expect(Set(probe.expected.keys) == Set(Caller.allCases), "\(endpoint.operationID) must list every caller")
                for caller in Caller.allCases {
                    let (path, headers, body) = try await probe.request(as: caller, client, environment)
                    let expected = probe.expected[caller]!
                    try await client.execute(uri: path, method: endpoint.method, headers: headers, body: body) { (response) throws in
                        #expect(
                            response.status == expected,
                            "\(caller.rawValue) \(endpoint.method) \(path): \(response.status.code) \(response.text.prefix(300))")
                        if expected == .unauthorized {
                            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                        }
                    }
                    checked += 1
                }
            }
            #expect(checked == table.endpoints.count * Caller.allCases.count)
        }
    }

    /// Every mutating endpoint writes exactly one audit row per change, in the same request.
    @Test func everyMutatingEndpointWritesAnAuditRow() async throws {
        try await withApp { client, environment in
            let table = buildRouteTable(AppDependencies(pool: environment.pool))
            let mutating = table.endpoints.filter { $0.method != .get && $0.method != .head }
            #expect(mutating.count >= 7)
            for endpoint in mutating {
                let probe = try #require(Self.probes[endpoint.operationID])
                // The admin may do everything; use the admin's answer.
                var (path, headers, body) = try await probe.request(as: .admin, client, environment)
                let requestID = "audit-\(endpoint.operationID)"
                headers[HTTPField.Name("X-Request-Id")!] = requestID
                try await client.execute(uri: path, method: endpoint.method, headers: headers, body: body) { (response) throws in
                    #expect((200..<300).contains(response.status.code), "\(endpoint.operationID): \(response.text)")
                }
                let rows: Int = try await environment.pool.withConnection { connection in
                    try connection.query(
                        Query(
                            "test.auditByRequest",
                            """
                            SELECT count(*) AS n FROM audit_log WHERE client_request_id = \(requestID) AND request_id <> \(requestID)
                              AND actor_account_id = \(environment.ids.identity(.admin).account.id)
                            """)
                    ).single().decode("n")
                }
                #expect(rows == 1, "\(endpoint.operationID) wrote \(rows) audit rows")
            }
        }
    }
}
