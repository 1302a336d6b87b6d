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
        let after = fields(draft)
        var members: [String] = []
        if let before {
            for ((key, old), (_, new)) in zip(fields(AdoptionDraft(before)), after) where old != new {
                members.append("\"\(key)\":{\"old\":\(old),\"new\":\(new)}")
            }
        } else {
            for (key, value) in after where value != "null" {
                members.append("\"\(key)\":{\"new\":\(value)}")
            }
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The fields of `adoption_audit_fields`, each value as JSON text (`null` when absent).
    static func fields(_ draft: AdoptionDraft) -> [(String, String)] {
        [
            ("dantai_code", string(draft.dantaiCode.rawValue)), ("business_area", string(draft.businessArea.rawValue)),
            ("product_id", String(draft.productID)), ("planned_month", draft.plannedMonth.map { string($0.rawValue) } ?? "null"),
            ("state", string(draft.state.rawValue)), ("reason", draft.reason.map { string($0.rawValue) } ?? "null"),
            ("new_target_month", draft.newTargetMonth.map { string($0.rawValue) } ?? "null"),
            ("pmo_completion", draft.pmoCompletion.map(percent) ?? "null"), ("note", draft.note.map(string) ?? "null"),
        ]
    }

    /// A JSON string, escaped as the API writes strings.
    static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        Slot.writeString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
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
