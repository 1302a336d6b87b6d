import Foundation
import Hummingbird

/// Adoptions: which 団体 runs which product per business area. Anyone in the council reads them;
/// a vendor files those of its own products; the secretariat any.
struct AdoptionRoutes: Sendable {
    let store: AdoptionStore
    let products: ProductStore

    struct Filing: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case productID, plannedMonth, state, reason, newTargetMonth, pmoCompletion, note }
        let productID: Int
        let plannedMonth: YearMonth?
        let state: AdoptionState
        let reason: AdoptionReason?
        let newTargetMonth: YearMonth?
        let pmoCompletion: Decimal?
        let note: String?
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(
            request,
            allowed: [
                "vendor", "product", "business_area", "dantai_code", "prefecture", "block", "state", "reason", "limit", "offset",
            ])
        return try .json(try await store.adoptions(try filter(parameters), page: try parameters.page()))
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(try await existing(context))
    }

    func history(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(Items(items: try await store.history(try await existing(context).id)))
    }

    /// Creates or replaces the adoption of one 団体 and business area.
    func put(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let (code, area) = try key(context)
        let body = try await request.decodeJSON(Filing.self, context: context)
        let draft = AdoptionDraft(
            dantaiCode: code, businessArea: area, productID: body.productID, plannedMonth: body.plannedMonth,
            state: body.state, reason: body.reason, newTargetMonth: body.newTargetMonth,
            pmoCompletion: body.pmoCompletion, note: body.note)
        let outcome: AdoptionStore.Outcome
        do {
            outcome = try await store.apply(
                [.init(line: 0, draft: draft)], by: try context.auditActor(),
                authorize: { dantai, existing, new in
                    Policy.adoptionRefusal(dantai: dantai, existingVendor: existing, newVendor: new, principal)
                }, dryRun: false)
        } catch let rejected as AdoptionRejected {
            let first = rejected.problems[0]
            throw first.forbidden ? Problem.forbidden(first.why) : Problem.unprocessable(first.field, first.why)
        }
        let adoption = try await store.adoption(dantai: code, area: area)!
        return try .json(adoption, status: outcome.inserted == 1 ? .created : .ok)
    }

    func importFile(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let upload = try await Spreadsheet.read(request, context: context, products: products)
        let parsed = try await AdoptionSheet.read(try upload.source.table(having: AdoptionSheet.required), products: upload.products)
        let actor = try context.auditActor()
        let outcome = try await SheetImport.apply(parsed, dryRun: upload.dryRun) { rows, dryRun in
            do {
                return try await store.apply(
                    rows, by: actor,
                    authorize: { dantai, existing, new in
                        Policy.adoptionRefusal(dantai: dantai, existingVendor: existing, newVendor: new, principal)
                    }, dryRun: dryRun)
            } catch let rejected as AdoptionRejected {
                throw rejected.asImportRejected
            }
        }
        return try .json(outcome)
    }

    func export(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(
            request,
            allowed: Self.filterParameters.union(ExportResponse.parameters))
        let adoptions = try await store.all(try filter(parameters))
        return try ExportResponse.make(AdoptionSheet.table(adoptions), parameters, filename: "adoptions")
    }

    /// An empty sheet with the accepted labels as drop-down lists, the caller's products among them.
    func template(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ExportResponse.parameters)
        let principal = try context.caller()
        let names = try await products.names(vendor: principal.isSecretariat ? nil : principal.organizationID).map(\.name)
        return try ExportResponse.make(AdoptionSheet.template(products: names), parameters, filename: "adoptions-template")
    }

    static let filterParameters: Set<String> = ["vendor", "product", "business_area", "dantai_code", "prefecture", "block", "state", "reason"]

    private func filter(_ parameters: QueryParameters) throws -> AdoptionStore.Filter {
        var filter = AdoptionStore.Filter()
        filter.vendor = try parameters.id("vendor")
        filter.product = try parameters.id("product")
        filter.businessArea = try parameters.value("business_area", as: BusinessArea.self)
        filter.dantai = try parameters.municipalityCode("dantai_code")
        filter.prefecture = try parameters.prefectureCode("prefecture")
        filter.block = try parameters.value("block", as: Block.self)
        filter.state = try parameters.value("state", as: AdoptionState.self)
        filter.reason = try parameters.value("reason", as: AdoptionReason.self)
        return filter
    }

    private func key(_ context: CouncilRequestContext) throws -> (MunicipalityCode, BusinessArea) {
        let codeText = context.parameters.get("dantai_code") ?? ""
        guard let code = MunicipalityCode(rawValue: codeText) else { throw Problem.invalid("dantai_code", MunicipalityCode.whyInvalid(codeText)) }
        let areaText = context.parameters.get("business_area") ?? ""
        guard let area = BusinessArea(rawValue: areaText) else {
            throw Problem.invalid("business_area", RequestReason.notOneOf(areaText, BusinessArea.allCases.map(\.rawValue)))
        }
        return (code, area)
    }

    private func existing(_ context: CouncilRequestContext) async throws -> Adoption {
        let (code, area) = try key(context)
        guard let adoption = try await store.adoption(dantai: code, area: area) else {
            throw Problem.notFound(Reason("no adoption filed for \(code) and \(area.rawValue)", ja: "\(code)の\(area.japaneseName)の導入は届け出られていません"))
        }
        return adoption
    }
}
