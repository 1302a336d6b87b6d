import CouncilDatabase

/// One spreadsheet's rows through the store that owns them, on the caller's transaction, with
/// `Policy` deciding each row as the API's imports do: what changes, a sample of it, and the
/// fingerprint a confirmation must match.
struct SheetRun: Sendable {
    let kind: SheetKind
    let principal: Principal
    let actor: AuditActor
    let products: [(id: Int, vendor: Int, name: String)]
    let expecting: String?

    struct Summary: Sendable, Encodable {
        let rows: Int
        let new: Int
        let changed: Int
        let unchanged: Int
        let sample: [Line]
        let fingerprint: String
    }

    /// One change as the preview lists it; states and stages are slugs the page words.
    struct Line: Sendable, Encodable {
        let line: Int
        let subject: String
        let area: BusinessArea
        let before: String?
        let after: String
        let detail: String?
    }

    func adoptions(_ rows: [AdoptionStore.Row], dryRun: Bool, on connection: Connection) throws -> Summary {
        let principal = self.principal
        do {
            let plan = try AdoptionStore.plan(
                rows, by: actor,
                authorize: { Policy.adoptionRefusal(dantai: $0, existingVendor: $1, newVendor: $2, principal) }, dryRun: dryRun,
                expecting: expecting, on: connection)
            let sample = plan.changes.prefix(UploadPages.sampleSize)
            let names = try AdoptionStore.dantaiNames(Array(Set(sample.map(\.row.draft.dantaiCode.rawValue))), on: connection)
            return Summary(
                rows: plan.outcome.rows, new: plan.outcome.inserted, changed: plan.outcome.updated, unchanged: plan.outcome.unchanged,
                sample: sample.map { change in
                    let draft = change.row.draft
                    return Line(
                        line: change.row.line,
                        subject: [draft.dantaiCode.rawValue, names[draft.dantaiCode.rawValue]].compactMap { $0 }.joined(separator: " "),
                        area: draft.businessArea, before: change.before?.state.rawValue, after: draft.state.rawValue,
                        detail: draft.plannedMonth?.rawValue)
                },
                fingerprint: plan.fingerprint)
        } catch let rejected as AdoptionRejected {
            throw rejected.asImportRejected
        }
    }

    func status(_ rows: [StatusSheet.Row], dryRun: Bool, on connection: Connection) throws -> Summary {
        let principal = self.principal
        let names = Dictionary(products.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let plan = try StatusStore.plan(
            rows, by: actor, dryRun: dryRun, expecting: expecting,
            authorize: { try Policy.requireWriteFilings(of: $0.vendorID, principal) }, on: connection)
        let new = plan.changes.filter { $0.before == nil }.count
        return Summary(
            rows: plan.outcome.rows, new: new, changed: plan.changes.count - new, unchanged: plan.outcome.unchanged,
            sample: plan.changes.prefix(UploadPages.sampleSize).map { change in
                let draft = change.row.draft
                return Line(
                    line: change.row.line, subject: names[draft.productID] ?? String(draft.productID), area: draft.businessArea,
                    before: change.before?.stage.rawValue, after: draft.stage.rawValue, detail: draft.plannedAvailability?.rawValue)
            },
            fingerprint: plan.fingerprint)
    }
}
