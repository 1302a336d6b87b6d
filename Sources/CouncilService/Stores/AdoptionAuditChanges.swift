import Foundation

/// The audit changes of an adoption a write replaces or creates, as JSON text: for a new one
/// `{"field": {"new": value}}` for every field it has, for a changed one `{"field": {"old": …,
/// "new": …}}` for every field that differs — exactly what comparing `adoption_audit_fields`
/// (sql/0005) before and after gives, values formatted as PostgreSQL formats them.
///
/// Built here rather than in SQL because the writer holds the adoptions' table lock from reading
/// the records to writing them, so the records it read are the ones replaced; on a national import
/// PostgreSQL building 34,592 jsonb documents cost about half a second of a three-second write.
enum AdoptionAuditChanges {
    static func of(_ draft: AdoptionDraft, replacing before: Adoption?) -> String {
        // Written as bytes: 34,592 documents per national import, where assembling Strings was a
        // fifth of the daemon's time.
        let after = fields(draft)
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(320)
        func member(_ key: String, _ old: [UInt8]?, _ new: [UInt8]) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            Slot.writeString(key, to: &out)
            out.append(contentsOf: old == nil ? #":{"new":"#.utf8 : #":{"old":"#.utf8)
            if let old {
                out.append(contentsOf: old)
                out.append(contentsOf: #","new":"#.utf8)
            }
            out.append(contentsOf: new)
            out.append(UInt8(ascii: "}"))
        }
        if let before {
            for ((key, old), (_, new)) in zip(fields(AdoptionDraft(before)), after) where old != new { member(key, old, new) }
        } else {
            for (key, value) in after where value != null { member(key, nil, value) }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let null = Array("null".utf8)

    /// The fields of `adoption_audit_fields`, each value as JSON text (`null` when absent).
    static func fields(_ draft: AdoptionDraft) -> [(String, [UInt8])] {
        [
            ("dantai_code", string(draft.dantaiCode.rawValue)), ("business_area", string(draft.businessArea.rawValue)),
            ("product_id", Array(String(draft.productID).utf8)), ("planned_month", draft.plannedMonth.map { string($0.rawValue) } ?? null),
            ("state", string(draft.state.rawValue)), ("reason", draft.reason.map { string($0.rawValue) } ?? null),
            ("new_target_month", draft.newTargetMonth.map { string($0.rawValue) } ?? null),
            ("pmo_completion", draft.pmoCompletion.map { Array(percent($0).utf8) } ?? null), ("note", draft.note.map(string) ?? null),
        ]
    }

    /// A JSON string, escaped as the API writes strings.
    static func string(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        Slot.writeString(text, to: &bytes)
        return bytes
    }

    /// A `numeric(5, 2)` as PostgreSQL stores and prints it: rounded half away from zero to two
    /// places, always with both (`55` → `55.00`).
    static func percent(_ value: Decimal) -> String {
        var value = value, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        let hundredths = NSDecimalNumber(decimal: rounded * 100).intValue
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        return sign + String(magnitude / 100) + "." + (magnitude % 100 < 10 ? "0" : "") + String(magnitude % 100)
    }
}
