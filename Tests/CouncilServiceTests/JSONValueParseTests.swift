import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// `JSONValue.parse` reads `jsonb` text for audit entries, issue events and outbox data: it gives
/// what the Codable path gave, and nothing for text that is not JSON.
@Suite struct JSONValueParseTests {
    static func codable(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test func documentsReadAsTheCodablePathReadsThem() {
        let documents = [
            #"{}"#, #"[]"#, #"null"#, #"true"#, #"false"#, #"0"#, #"-12"#, #"3.25"#, #"1e3"#, #"-2.5E-2"#, #"12345678901234"#,
            #""""#, #""plain""#, #""引用符\"と\\バックスラッシュ\n改行\tタブ\/""#, #""\u0001\u001f\u00e9\u3042""#,
            #""\ud842\udfb7野家 👨‍👩‍👧""#, #""\b\f\r""#,
            #"{"state": {"old": "new", "new": "triaged"}, "severity": {"new": "critical"}}"#,
            #"{"pmo_completion": {"old": 12.50, "new": 33.34}, "note": {"old": null, "new": "備考"}}"#,
            #" { "a" : [ 1 , 2 , { "b" : [ ] } ] , "c" : { } } "#, #"[[[[[]]]]]"#,
        ]
        for text in documents {
            let parsed = JSONValue.parse(text)
            #expect(parsed != nil, "\(text)")
            #expect(parsed == Self.codable(text), "\(text)")
        }
    }

    @Test func textThatIsNotJSONIsRefused() {
        for text in [
            "", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "tru", "nul", "01x", "-", "1.", ".5", "1e", "\"open",
            "\"bad \\x escape\"", "\"lone \\ud842\"", "\"low first \\udfb7\"", "\"raw\u{1}control\"", "[1] 2", "{\"a\":1}}",
            String(repeating: "[", count: JSONValue.maxDepth + 1) + String(repeating: "]", count: JSONValue.maxDepth + 1),
        ] {
            #expect(JSONValue.parse(text) == nil, "\(text.prefix(40))")
        }
        let deep = String(repeating: "[", count: JSONValue.maxDepth - 1) + String(repeating: "]", count: JSONValue.maxDepth - 1)
        #expect(JSONValue.parse(deep) != nil)
    }

    /// What PostgreSQL prints for jsonb (its own spacing, escapes and numbers) reads the same both
    /// ways, and an audit document's null sides are absent as Codable made them.
    @Test func postgresqlsOwnTextReadsTheSame() async throws {
        try await withTestPool { pool, _ in
            let texts: [String] = try await pool.withConnection { connection in
                try connection.query(
                    Query(
                        "test.jsonbTexts",
                        """
                        SELECT ARRAY[
                            jsonb_build_object('note', jsonb_build_object('old', NULL, 'new', E'改行\\nと"引用"と\\\\と\\u0001')),
                            jsonb_build_object('pmo', jsonb_build_object('old', 12.50::numeric, 'new', 1e-7::numeric), 'big', 12345678901234567890::numeric),
                            to_jsonb(ARRAY['𠮷', 'é', '']), 'null'::jsonb, '[true, false, {"a": []}]'::jsonb
                        ]::text[] AS texts
                        """)
                ).single().decode("texts")
            }
            for text in texts {
                #expect(JSONValue.parse(text) == Self.codable(text), "\(text)")
            }
            let changes = FieldChange.changes(try #require(JSONValue.parse(texts[0])))
            #expect(changes == (try JSONDecoder().decode([String: FieldChange].self, from: Data(texts[0].utf8))))
            #expect(changes["note"]?.old == nil)
        }
    }
}
