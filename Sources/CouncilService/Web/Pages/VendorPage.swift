import Hummingbird

/// ベンダー page: its products, the development status of each product per 業務 with its
/// history, and the 団体 it blocks by block and prefecture (issues as the caller may see them).
struct VendorPage: Sendable {
    let organizations: OrganizationStore
    let products: ProductStore
    let status: StatusStore
    let blockers: BlockerStore

    struct Model: Sendable, Encodable {
        let name: String
        let products: [ProductModel]
        let blockedMunicipalities: String
        let blockedSystems: String
        let blocks: [BlockModel]
    }

    struct ProductModel: Sendable, Encodable {
        let name: String
        let version: String?
        let areas: [AreaStatus]
    }

    struct AreaStatus: Sendable, Encodable {
        let name: String
        let stage: String
        let readiness: String
        let planned: String?
        let reported: String
        let history: [HistoryLine]
    }

    struct HistoryLine: Sendable, Encodable {
        let at: String
        let stage: String
        let note: String?
    }

    struct BlockModel: Sendable, Encodable {
        let name: String
        let prefectures: [PrefectureModel]
    }

    struct PrefectureModel: Sendable, Encodable {
        let name: String
        let municipalities: [BlockedModel]
    }

    struct BlockedModel: Sendable, Encodable {
        let name: String
        let href: String
        let areas: String
        let issues: [MunicipalityPage.Evidence]
        let reasons: String?
    }

    func show(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let language = page.language
        guard let id = page.context.parameters.get("id").flatMap({ Int($0) }), id > 0,
            let vendor = try await organizations.organization(id), vendor.kind == .vendor
        else { throw Problem.notFound(Reason("no such vendor", ja: "そのベンダーはありません")) }
        async let owned = products.products(vendor: id, businessArea: nil, page: Page(limit: 100, offset: 0))
        var filter = StatusStore.MatrixFilter()
        filter.vendor = id
        async let matrix = status.matrix(filter)
        async let blocked = blockers.vendorView(id, businessArea: nil, prefectures: [], scope: Policy.issueScope(principal))
        let reports = try await matrix
        var productModels: [ProductModel] = []
        for product in try await owned.items {
            var areas: [AreaStatus] = []
            for report in reports where report.productID == product.id {
                let history = try await status.history(product: product.id, businessArea: report.businessArea)
                areas.append(
                    AreaStatus(
                        name: language.word(.businessArea, report.businessArea.rawValue), stage: language.word(.stage, report.stage.rawValue),
                        readiness: language.word(.readiness, report.cloudReadiness.rawValue),
                        planned: report.plannedAvailability.map { PageFormat.date($0, language) },
                        reported: PageFormat.dateTime(report.reportedAt, language),
                        history: history.map {
                            HistoryLine(
                                at: PageFormat.dateTime($0.reportedAt, language), stage: language.word(.stage, $0.stage.rawValue), note: $0.note)
                        }))
            }
            productModels.append(ProductModel(name: product.name, version: product.version, areas: areas))
        }
        let view = try await blocked
        let model = Model(
            name: vendor.name, products: productModels, blockedMunicipalities: PageFormat.number(view?.municipalities ?? 0),
            blockedSystems: PageFormat.number(view?.systems ?? 0),
            blocks: (view?.blocks ?? []).map { block in
                BlockModel(
                    name: language.word(.block, block.block.rawValue),
                    prefectures: block.prefectures.map { prefecture in
                        PrefectureModel(
                            name: prefecture.name,
                            municipalities: prefecture.municipalities.map { entry in
                                BlockedModel(
                                    name: entry.name, href: "/municipalities/\(entry.dantaiCode)",
                                    areas: entry.businessAreas.map { language.word(.businessArea, $0.rawValue) }.joined(separator: "、"),
                                    issues: entry.issues.map { MunicipalityPage.Evidence(label: "#\($0)", href: "/issues/\($0)") },
                                    reasons: entry.reasons.isEmpty
                                        ? nil : entry.reasons.map { language.word(.adoptionReason, $0.rawValue) }.joined(separator: "、"))
                            })
                    })
            })
        return page.render("vendor", model)
    }
}
