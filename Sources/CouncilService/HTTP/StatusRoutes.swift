import Foundation
import Hummingbird

/// Development status (開発状況): filing, the current matrix (or as of a day), history, summary.
struct StatusRoutes: Sendable {
    let store: StatusStore
    let products: ProductStore

    struct NewReport: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case productID, businessArea, stage, specVersion, cloudReadiness, plannedCompletion, plannedAvailability, note, regressionReason
        }
        let productID: Int
        let businessArea: BusinessArea
        let stage: DevelopmentStage
        let specVersion: String?
        let cloudReadiness: CloudReadiness
        let plannedCompletion: CalendarDate?
        let plannedAvailability: CalendarDate?
        let note: String?
        let regressionReason: String?
    }

    func file(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let body = try await request.decodeJSON(NewReport.self, context: context)
        let draft = StatusDraft(
            productID: body.productID, businessArea: body.businessArea, stage: body.stage, specVersion: body.specVersion,
            cloudReadiness: body.cloudReadiness, plannedCompletion: body.plannedCompletion,
            plannedAvailability: body.plannedAvailability, note: body.note, regressionReason: body.regressionReason)
        let (report, created) = try await store.file(draft, by: try context.auditActor()) { product in
            try Policy.requireWriteFilings(of: product.vendorID, principal)
        }
        return try .json(report, status: created ? .created : .ok)
    }

    func matrix(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: Self.filterParameters)
        return try .json(Items(items: try await store.matrix(try Self.filter(parameters))))
    }

    func history(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["product_id", "business_area"])
        guard let product = try parameters.id("product_id") else { throw Problem.invalid("product_id", RequestReason.required) }
        guard let area = try parameters.value("business_area", as: BusinessArea.self) else {
            throw Problem.invalid("business_area", RequestReason.required)
        }
        guard try await products.product(product) != nil else { throw Problem.notFound(Reason.noProduct(product)) }
        return try .json(Items(items: try await store.history(product: product, businessArea: area)))
    }

    func summary(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["as_of"])
        return try .json(Items(items: try await store.summary(asOf: try parameters.date("as_of"))))
    }

    func importFile(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let upload = try await Spreadsheet.read(request, context: context, products: products)
        let parsed = try StatusSheet.read(try upload.source.table(having: StatusSheet.required), products: upload.products)
        let actor = try context.auditActor()
        return try .json(
            try await SheetImport.apply(parsed, dryRun: upload.dryRun) { rows, dryRun in
                try await store.importRows(rows, by: actor, dryRun: dryRun) { product in
                    try Policy.requireWriteFilings(of: product.vendorID, principal)
                }
            })
    }

    func export(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: Self.filterParameters.union(ExportResponse.parameters))
        let filter = try Self.filter(parameters)
        return try ExportResponse.make(StatusSheet.table(try await store.matrix(filter)), parameters, filename: "development-status")
    }

    /// An empty sheet with the accepted labels as drop-down lists, the caller's products among them.
    func template(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ExportResponse.parameters)
        let principal = try context.caller()
        let names = try await products.names(vendor: principal.isSecretariat ? nil : principal.organizationID).map(\.name)
        return try ExportResponse.make(StatusSheet.template(products: names), parameters, filename: "development-status-template")
    }

    static let filterParameters: Set<String> = ["vendor", "business_area", "stage", "readiness", "as_of"]

    static func filter(_ parameters: QueryParameters) throws -> StatusStore.MatrixFilter {
        var filter = StatusStore.MatrixFilter()
        filter.vendor = try parameters.id("vendor")
        filter.businessArea = try parameters.value("business_area", as: BusinessArea.self)
        filter.stage = try parameters.value("stage", as: DevelopmentStage.self)
        filter.readiness = try parameters.value("readiness", as: CloudReadiness.self)
        filter.asOf = try parameters.date("as_of")
        return filter
    }
}
