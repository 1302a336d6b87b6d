import Testing

@testable import CouncilService

/// The 監査ログ page writes each change as `field: old → new`, scalars as JSON writes them.
@Suite struct AuditChangeTextTests {
    @Test func scalarsAndStructuresAreWrittenAsJSON() {
        let lines = AuditPages.changes([
            "a_count": FieldChange(old: .number(3), new: .number(4)),
            "b_share": FieldChange(old: .number(12.5), new: .number(-0.25)),
            "c_flag": FieldChange(old: .bool(false), new: .bool(true)),
            "d_note": FieldChange(old: nil, new: .string("備考")),
            "e_list": FieldChange(old: .array([.number(1), .string("x")]), new: .null),
            "f_big": FieldChange(old: .number(1e15), new: .number(12345678901234)),
        ])
        #expect(
            lines == [
                "a_count: 3 → 4", "b_share: 12.5 → -0.25", "c_flag: false → true", "d_note: — → 備考", "e_list: [1,\"x\"] → —",
                "f_big: 1000000000000000 → 12345678901234",
            ])
    }
}
