import Foundation
import Testing

@testable import CouncilService

/// The API's own JSON encoder writes exactly the bytes Foundation's `JSONEncoder` (snake_case
/// keys, sorted, ISO 8601 dates, slashes unescaped) writes for the same value.
@Suite struct APIJSONEncoderTests {
    func expectSameBytes<Value: Encodable>(_ value: Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = String(decoding: try APIJSONEncoder().encode(value), as: UTF8.self)
        let foundation = String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
        #expect(ours == foundation, sourceLocation: sourceLocation)
    }

    struct Edges: Codable {
        struct Inner: Codable {
            let dueDate: Date?
            let ratioValue: Double
            let flags: [Bool]
        }
        let createdAt: Date
        let text: String
        let whole: Double
        let half: Double
        let small: Double
        let big: Int64
        let negative: Int
        let missing: String?
        let inner: Inner
        let nested: [[Inner]]
        let byName: [String: [Int]]
        let free: JSONValue
        let url: URL
        let id2Code: String
        let ABCValue: Int
        let percent: Decimal
        let percents: [Decimal?]
    }

    @Test func edgeCasesMatchFoundation() throws {
        let free = JSONValue.object([
            "camelKey": .array([.number(1), .number(2.5), .null, .bool(false), .string("a/b")]),
            "日本語キー": .object(["x": .number(-0.125)]),
        ])
        let value = Edges(
            createdAt: Date(timeIntervalSince1970: 1_795_653_591.987), text: "改行\n\"引用\" \\ tab\t ctl\u{1}\u{1F} / 🎌 𠮷 \u{7F}",
            whole: 3, half: 0.5, small: 0.001, big: Int64.max, negative: -42, missing: nil,
            inner: .init(dueDate: Date(timeIntervalSince1970: 0), ratioValue: 12.25, flags: [true, false]),
            nested: [[.init(dueDate: nil, ratioValue: -1, flags: [])], []],
            byName: ["dueBefore": [1], "plain": [], "state_list": [2, 3]], free: free,
            url: URL(string: "https://example.jp/a?b=c")!, id2Code: "x", ABCValue: 1,
            percent: Decimal(string: "31.7")!, percents: [Decimal(100), Decimal(string: "0.05"), nil, Decimal(string: "-12.345")])
        try expectSameBytes(value)
        try expectSameBytes([String: String]())
        try expectSameBytes(["zeta": 1, "alpha": 2])
    }

    /// A key written twice keeps its last value; a value that reads its coding path finds the
    /// keys that led to it (the encoder builds the path only when asked).
    struct Repeats: Encodable {
        struct PathProbe: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.codingPath.map(\.stringValue).joined(separator: "."))
            }
        }
        struct Middle: Encodable {
            let probe = PathProbe()
        }
        enum Key: String, CodingKey { case zeta, alpha, middle, beta }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: .zeta)
            try container.encode("first", forKey: .alpha)
            try container.encode(Middle(), forKey: .middle)
            try container.encode(2, forKey: .beta)
            try container.encode("last", forKey: .alpha)
            try container.encode(3, forKey: .zeta)
        }
    }

    @Test func aRepeatedKeyKeepsItsLastValueAndPathsAreWhole() throws {
        try expectSameBytes(Repeats())
        let text = String(decoding: try APIJSONEncoder().encode(Repeats()), as: UTF8.self)
        #expect(text == #"{"alpha":"last","beta":2,"middle":{"probe":"middle.probe"},"zeta":3}"#)
    }

    /// Real views: an issue with links, its comment, the blockers of a 団体 and of a vendor, a
    /// paged list and a meeting.
    @Test func apiValuesMatchFoundation() async throws {
        try await withApp { _, env in
            let issue = try await env.issue(
                "帳票/レイアウト \"変更\"", body: "本文\n二行目",
                municipalities: [
                    IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: "011002")!, impact: .blocked, businessAreas: [.juki]),
                    IssueMunicipality(dantaiCode: MunicipalityCode(rawValue: "131016")!, impact: .affected, businessAreas: [.koseki, .juki]),
                ], severity: .critical, labels: ["性能", "ABC"])
            try expectSameBytes(issue)
            try expectSameBytes(try await env.comment(on: issue.number, by: .vendorA, "コメント 🎌"))
            let store = BlockerStore(pool: env.pool)
            let admin = try await env.principal(.admin)
            let scope = Policy.issueScope(admin)
            try expectSameBytes(try await store.municipalityView(MunicipalityCode(rawValue: "011002")!, scope: scope))
            try expectSameBytes(try await store.vendorView(env.ids.vendorA.id, businessArea: nil, prefectures: [], scope: scope))
            try expectSameBytes(try await store.blockers(BlockerFilter(), page: Page(limit: 10, offset: 0), scope: scope))
            for grouping in BlockerGrouping.allCases {
                try expectSameBytes(try await store.groups(BlockerFilter(), by: grouping, scope: scope))
            }
            let meeting = try await MeetingStore(pool: env.pool).create(
                MeetingDraft(number: nil, heldOn: CalendarDate(rawValue: "2026-12-10")!, title: "第1回 定例会", attendeeIDs: []), by: .system)
            try expectSameBytes(meeting)
            let code = MunicipalityCode(rawValue: "013030")!
            let adoptions = AdoptionStore(pool: env.pool)
            let draft = AdoptionDraft(
                dantaiCode: code, businessArea: .juki, productID: env.ids.productA.id, plannedMonth: nil, state: .planned,
                reason: nil, newTargetMonth: nil, pmoCompletion: Decimal(string: "42.5"), note: "備考")
            _ = try await adoptions.apply([.init(line: 0, draft: draft)], by: .system, authorize: { _, _, _ in nil }, dryRun: false)
            let adoption = try #require(try await adoptions.adoption(dantai: code, area: .juki))
            #expect(adoption.pmoCompletion == Decimal(string: "42.5"))
            try expectSameBytes(adoption)
        }
    }
}
