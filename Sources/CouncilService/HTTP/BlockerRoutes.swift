import CouncilDatabase
import Hummingbird

/// Who blocks whom, for a 団体, for a vendor, grouped any way; and the 特定移行支援 report.
struct BlockerRoutes: Sendable {
    let store: BlockerStore

    /// Large views (a 団体's 20 areas, a vendor's 団体) cost more to encode than to compute, so
    /// the store keeps their JSON, valid while nothing they read has changed.
    private func json<View: Encodable & Sendable>(
        _ key: String, notFound: Reason,
        _ view: @escaping @Sendable (Connection) throws -> View?
    ) async throws -> Response {
        guard let body = try await store.cachedJSON(key, view) else { throw Problem.notFound(notFound) }
        return .json(encoded: body)
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try QueryParameters(
            request,
            allowed: [
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
        let page = try parameters.page()
        if let grouping = try parameters.value("group_by", as: BlockerGrouping.self) {
            for name in ["limit", "offset"] where try parameters.string(name) != nil {
                throw Problem.invalid(
                    name,
                    Reason(
                        "groups are answered whole; \(name) applies to the list without group_by", ja: "グループはまとめて返します。\(name)は group_by なしの一覧に使えます"))
            }
            return try .json(["groups": try await store.groups(filter, by: grouping, scope: scope)])
        }
        return try .json(try await store.blockers(filter, page: page, scope: scope))
    }

    func forMunicipality(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let text = context.parameters.get("code") ?? ""
        guard let code = MunicipalityCode(rawValue: text) else { throw Problem.invalid("code", MunicipalityCode.whyInvalid(text)) }
        let scope = Policy.issueScope(try context.caller())
        return try await json("dantai|\(code)|\(scope)", notFound: Reason("no 団体 \(code)", ja: "団体\(code)はありません")) {
            try BlockerStore.municipalityView(code, scope: scope, on: $0)
        }
    }

    func forVendor(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: ["business_area", "all"])
        let id = try context.id("id")
        let prefectures = try parameters.bool("all") == true ? [] : Policy.defaultPrefectureScope(principal)
        let area = try parameters.value("business_area", as: BusinessArea.self), scope = Policy.issueScope(principal)
        return try await json(
            "vendor|\(id)|\(String(describing: area))|\(prefectures)|\(scope)", notFound: Reason("no vendor \(id)", ja: "ベンダー\(id)はありません")
        ) {
            try BlockerStore.vendorView(id, businessArea: area, prefectures: prefectures, scope: scope, on: $0)
        }
    }

    func specifiedSupport(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(try await store.specifiedSupport())
    }
}
