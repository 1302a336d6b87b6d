import Hummingbird

/// 団体 page: who runs each 業務 there, how its migration stands, and who blocks it, with the
/// evidence (open issues the caller may see, delayed adoptions with their 事由).
struct MunicipalityPage: Sendable {
    let municipalities: MunicipalityStore
    let blockers: BlockerStore
    /// Each 団体's record and adoptions, kept while nothing they are read from has changed
    /// (municipalities, adoptions, products and organizations move the change counters): a
    /// page that read the same version with its session reads nothing more (one per daemon).
    let kept = ViewCache(capacity: 2048)

    /// What the page shows of a 団体 besides its blockers; no municipality when there is no such 団体.
    struct Dantai: Sendable {
        let municipality: Municipality?
        let adopted: [(adoption: Adoption, vendorName: String)]
    }

    struct Model: Sendable, Encodable {
        let code: String
        let name: String
        let prefecture: String
        let kind: String
        let areas: [Area]
        let blockedAreas: Int
        let issuesLink: String
    }

    struct Area: Sendable, Encodable {
        let name: String
        let product: String?
        let vendor: String?
        let vendorLink: String?
        let state: String?
        let stateSlug: String?
        let month: String?
        let reason: String?
        let blockers: [BlockerLine]
    }

    struct BlockerLine: Sendable, Encodable {
        let vendor: String
        let vendorLink: String
        let evidence: [Evidence]
        let reason: String?
    }

    struct Evidence: Sendable, Encodable {
        let label: String
        let href: String
    }

    func show(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let language = page.language
        let notFound = Problem.notFound(Reason("no such municipality", ja: "その団体はありません"))
        guard let code = page.context.parameters.get("code").flatMap(MunicipalityCode.init(rawValue:)) else { throw notFound }
        let dantai = try await kept.value("dantai|\(code.rawValue)", known: page.changeVersion, lease: municipalities.pool.withConnection) {
            connection in
            guard let municipality = try MunicipalityStore.municipality(code, on: connection) else {
                return Dantai(municipality: nil, adopted: [])
            }
            return Dantai(municipality: municipality, adopted: try AdoptionStore.ofMunicipality(code, on: connection))
        }
        guard let municipality = dantai.municipality else { throw notFound }
        async let view = blockers.municipalityView(code, scope: Policy.issueScope(principal), known: page.changeVersion)
        let byArea = Dictionary(dantai.adopted.map { ($0.adoption.businessArea, $0) }, uniquingKeysWith: { first, _ in first })
        let blocked = Dictionary((try await view)?.businessAreas.map { ($0.businessArea, $0.blockers) } ?? [], uniquingKeysWith: { a, _ in a })
        let areas = BusinessArea.allCases.map { area -> Area in
            let adoption = byArea[area]?.adoption
            return Area(
                name: language.word(.businessArea, area.rawValue), product: adoption?.productName,
                vendor: byArea[area]?.vendorName,
                vendorLink: adoption.map { "/vendors/\($0.vendorID)" },
                state: adoption.map { language.word(.adoptionState, $0.state.rawValue) }, stateSlug: adoption?.state.rawValue,
                month: (adoption?.newTargetMonth ?? adoption?.plannedMonth).map { PageFormat.month($0, language) },
                reason: adoption?.reason.map { language.word(.adoptionReason, $0.rawValue) },
                blockers: (blocked[area] ?? []).map { blocker in
                    BlockerLine(
                        vendor: blocker.vendor.name, vendorLink: "/vendors/\(blocker.vendor.id)",
                        evidence: blocker.issues.map { Evidence(label: "#\($0)", href: "/issues/\($0)") },
                        reason: blocker.reason.map { language.word(.adoptionReason, $0.rawValue) })
                })
        }
        let model = Model(
            code: code.rawValue, name: municipality.name, prefecture: municipality.prefectureName,
            kind: language.word(.municipalityKind, municipality.kind.rawValue), areas: areas,
            blockedAreas: areas.filter { !$0.blockers.isEmpty }.count,
            issuesLink: "/issues?municipality=\(code.rawValue)&state=\(DashboardPage.openStates)")
        return page.render("municipality", model)
    }
}
