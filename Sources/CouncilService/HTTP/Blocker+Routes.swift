import Hummingbird

/// Who blocks whom, for a 団体, for a vendor, grouped any way; and the 特定移行支援 report.
struct BlockerRoutes: Sendable {
    let store: BlockerStore

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: [
            "vendor", "business_area", "prefecture", "block", "reason", "source", "group_by", "all", "limit", "offset",
        ])
        var filter = BlockerFilter()
        filter.vendor = try parameters.id("vendor")
        filter.businessArea = try parameters.value("business_area", as: BusinessArea.self)
        if let code = try parameters.prefectureCode("prefecture") { filter.prefectures = [code] }
        filter.block = try parameters.value("block", as: Block.self)
        filter.reason = try parameters.value("reason", as: AdoptionReason.self)
        filter.source = try parameters.value("source", as: BlockerSource.self)
        if filter.prefectures.isEmpty, filter.block == nil, try parameters.bool("all") != true {
            filter.prefectures = Policy.defaultPrefectureScope(principal)
        }
        let scope = Policy.issueScope(principal)
        if let grouping = try parameters.value("group_by", as: BlockerGrouping.self) {
            return try .json(["groups": try await store.groups(filter, by: grouping, scope: scope)])
        }
        return try .json(try await store.blockers(filter, page: try parameters.page(), scope: scope))
    }

    func forMunicipality(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let text = context.parameters.get("code") ?? ""
        guard let code = MunicipalityCode(rawValue: text) else { throw Problem.invalid("code", MunicipalityCode.whyInvalid(text)) }
        guard let view = try await store.municipalityView(code, scope: Policy.issueScope(try context.caller())) else {
            throw Problem.notFound("no 団体 \(code)")
        }
        return try .json(view)
    }

    func forVendor(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: ["business_area", "all"])
        let id = try context.id("id")
        let prefectures = try parameters.bool("all") == true ? [] : Policy.defaultPrefectureScope(principal)
        guard let view = try await store.vendorView(id, businessArea: try parameters.value("business_area", as: BusinessArea.self),
                                                    prefectures: prefectures, scope: Policy.issueScope(principal)) else {
            throw Problem.notFound("no vendor \(id)")
        }
        return try .json(view)
    }

    func specifiedSupport(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(try await store.specifiedSupport())
    }
}
