import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// An issue's vendors and municipalities arrive as packed text fields (U+001F between fields,
/// the free-text name last).
@Suite struct IssueRowDecodingTests {
    @Test func packedLinksDecodeWhateverTheNameHolds() throws {
        let links = try IssueStore.municipalities([
            "011002\u{1F}blocked\u{1F}01\u{1F}juki,koseki\u{1F}札幌\u{1F}市, \"引用\"", "131016\u{1F}affected\u{1F}13\u{1F}\u{1F}千代田区",
        ])
        #expect(links.map(\.dantaiCode.rawValue) == ["011002", "131016"])
        #expect(links[0].businessAreas == [.juki, .koseki] && links[1].businessAreas.isEmpty)
        #expect(links[0].name == "札幌\u{1F}市, \"引用\"" && links[1].prefectureCode?.rawValue == "13")
        #expect(try IssueStore.vendors(["7\u{1F}株式会社\u{1F}ベンダー"]) == [OrganizationRef(id: 7, name: "株式会社\u{1F}ベンダー")])
        for malformed in [
            "011002\u{1F}blocked\u{1F}01\u{1F}juki", "011009\u{1F}blocked\u{1F}01\u{1F}juki\u{1F}x",
            "011002\u{1F}blocks\u{1F}01\u{1F}juki\u{1F}x", "011002\u{1F}blocked\u{1F}01\u{1F}jukii\u{1F}x",
        ] {
            #expect(throws: DatabaseError.self) { try IssueStore.municipalities([malformed]) }
        }
        #expect(throws: DatabaseError.self) { try IssueStore.vendors(["x\u{1F}name"]) }
    }
}
