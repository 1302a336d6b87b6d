import Foundation
import Hummingbird

/// 届出 — development status: the products the caller files for (a vendor its own, the
/// secretariat any) with each 業務's current stage, and per product × 業務 a report form (a reason
/// required when the stage goes back) above its history as a timeline. The same `StatusStore` and
/// `Policy` as `/v1/status`; spreadsheets are in `UploadPages`.
struct FilingPages: Sendable {
    let products: ProductStore
    let status: StatusStore
    let organizations: OrganizationStore

    struct ListModel: Sendable, Encodable {
        let products: [ProductRow]
        let vendors: [PageChoice]
        let filtering: Bool
        let filesStatus: Bool
    }

    struct ProductRow: Sendable, Encodable {
        let name: String
        let vendor: String
        let areas: [AreaRow]
    }

    struct AreaRow: Sendable, Encodable {
        let name: String
        let href: String
        let stage: String?
        let reported: String?
    }

    func list(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        try Policy.authorize(.filer, principal)
        let chosen = principal.isSecretariat ? page.request.uri.queryParameters["vendor"].flatMap { Int(String($0)) } : principal.organizationID
        let filesStatus = Policy.filesStatus(principal)
        let owned =
            filesStatus && (chosen != nil || !principal.isSecretariat)
            ? try await products.products(vendor: chosen, businessArea: nil, page: Page(limit: Page.maxLimit)).items : []
        var filter = StatusStore.MatrixFilter()
        filter.vendor = chosen
        let reports = owned.isEmpty ? [] : try await status.matrix(filter)
        let vendors =
            principal.isSecretariat
            ? try await organizations.organizations(kind: .vendor, active: true, page: Page(limit: Page.maxLimit)).items : []
        let model = ListModel(
            products: owned.map { product in
                ProductRow(
                    name: product.name, vendor: product.vendorName,
                    areas: product.businessAreas.map { area in
                        let report = reports.first { $0.productID == product.id && $0.businessArea == area }
                        return AreaRow(
                            name: page.language.word(.businessArea, area.rawValue),
                            href: "/filings/status?product=\(product.id)&business_area=\(area.rawValue)",
                            stage: report.map { page.language.word(.stage, $0.stage.rawValue) },
                            reported: report.map { PageFormat.dateTime($0.reportedAt, page.language) })
                    })
            },
            vendors: vendors.map { PageChoice(value: String($0.id), label: $0.name, checked: $0.id == chosen) },
            filtering: principal.isSecretariat && filesStatus, filesStatus: filesStatus)
        return page.render("filings", model)
    }

    // MARK: One product × 業務

    struct StatusModel: Sendable, Encodable {
        let product: String
        let productID: Int
        let vendor: String
        let area: String
        let areaSlug: String
        let current: String?
        let form: StatusForm
        let history: [HistoryRow]
        var errors: [String] = []
        var notice: String?
    }

    struct StatusForm: Sendable, Encodable {
        let stages: [PageChoice]
        let readiness: [PageChoice]
        let specVersion: String
        let plannedCompletion: String
        let plannedAvailability: String
        let note: String
        let regressionReason: String
    }

    struct HistoryRow: Sendable, Encodable {
        let at: String
        let stage: String
        let readiness: String
        let specVersion: String?
        let planned: String?
        let note: String?
        let reason: String?
    }

    func statusForm(_ page: PageRequest) async throws -> Response {
        let query = page.request.uri.queryParameters
        let (product, area) = try await filable(page, product: query["product"].map(String.init), area: query["business_area"].map(String.init))
        var model = try await statusModel(product, area, page, typed: nil)
        if query["done"] != nil { model.notice = page.word("status_filed") }
        return page.render("filing-status", model)
    }

    func file(_ page: PageRequest) async throws -> Response {
        let (product, area) = try await filable(page, product: page.form["product"], area: page.form["business_area"])
        let principal = try page.caller()
        let typed = page.form
        do {
            func date(_ name: String) throws -> CalendarDate? {
                let text = (typed[name] ?? "").trimmingCharacters(in: .whitespaces)
                if text.isEmpty { return nil }
                guard let date = CalendarDate(typed: text) else { throw Problem.invalid(name, CalendarDate.whyInvalidTyped(text)) }
                return date
            }
            guard let stage = typed["stage"].flatMap(DevelopmentStage.init(rawValue:)) else {
                throw Problem.invalid("stage", Reason("choose the stage", ja: "開発段階を選んでください"))
            }
            guard let readiness = typed["cloud_readiness"].flatMap(CloudReadiness.init(rawValue:)) else {
                throw Problem.invalid("cloud_readiness", Reason("choose the Government Cloud readiness", ja: "ガバメントクラウドへの対応状況を選んでください"))
            }
            let draft = StatusDraft(
                productID: product.id, businessArea: area, stage: stage, specVersion: typed["spec_version"], cloudReadiness: readiness,
                plannedCompletion: try date("planned_completion"), plannedAvailability: try date("planned_availability"), note: typed["note"],
                regressionReason: typed["regression_reason"])
            _ = try await status.file(draft, by: try page.auditActor()) { product in
                try Policy.requireWriteFilings(of: product.vendorID, principal)
            }
            return PageDispatcher.redirect(to: "/filings/status?product=\(product.id)&business_area=\(area.rawValue)&done=1")
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await statusModel(product, area, page, typed: typed)
            model.errors = page.reasons(problem)
            return page.render("filing-status", model, status: .unprocessableContent)
        }
    }

    /// The product and 業務 named: 404 when there is no such pair, 403 when the caller may not file for it.
    private func filable(_ page: PageRequest, product: String?, area: String?) async throws -> (Product, BusinessArea) {
        let principal = try page.caller()
        guard let id = product.flatMap({ Int($0) }), let found = try await products.product(id),
            let area = area.flatMap(BusinessArea.init(rawValue:)), found.businessAreas.contains(area)
        else { throw Problem.notFound(Reason("no such product and business area", ja: "その製品と業務の組み合わせはありません")) }
        try Policy.requireWriteFilings(of: found.vendorID, principal)
        return (found, area)
    }

    private func statusModel(_ product: Product, _ area: BusinessArea, _ page: PageRequest, typed: FormBody?) async throws -> StatusModel {
        let language = page.language
        let history = try await status.history(product: product.id, businessArea: area)
        let latest = history.max { ($0.reportedAt, $0.id) < ($1.reportedAt, $1.id) }
        let stage = typed?["stage"] ?? latest?.stage.rawValue ?? DevelopmentStage.notStarted.rawValue
        let readiness = typed?["cloud_readiness"] ?? latest?.cloudReadiness.rawValue ?? CloudReadiness.notReady.rawValue
        return StatusModel(
            product: product.name, productID: product.id, vendor: product.vendorName, area: language.word(.businessArea, area.rawValue),
            areaSlug: area.rawValue, current: latest.map { language.word(.stage, $0.stage.rawValue) },
            form: StatusForm(
                stages: DevelopmentStage.allCases.map {
                    PageChoice(value: $0.rawValue, label: language.word(.stage, $0.rawValue), checked: $0.rawValue == stage)
                },
                readiness: CloudReadiness.allCases.map {
                    PageChoice(value: $0.rawValue, label: language.word(.readiness, $0.rawValue), checked: $0.rawValue == readiness)
                },
                specVersion: typed?["spec_version"] ?? latest?.specVersion ?? "",
                plannedCompletion: typed?["planned_completion"] ?? latest?.plannedCompletion?.rawValue ?? "",
                plannedAvailability: typed?["planned_availability"] ?? latest?.plannedAvailability?.rawValue ?? "",
                note: typed?["note"] ?? "", regressionReason: typed?["regression_reason"] ?? ""),
            history: history.sorted { ($0.reportedAt, $0.id) > ($1.reportedAt, $1.id) }.map { report in
                HistoryRow(
                    at: PageFormat.dateTime(report.reportedAt, language), stage: language.word(.stage, report.stage.rawValue),
                    readiness: language.word(.readiness, report.cloudReadiness.rawValue), specVersion: report.specVersion,
                    planned: report.plannedAvailability.map { PageFormat.date($0, language) }, note: report.note, reason: report.regressionReason)
            })
    }
}
