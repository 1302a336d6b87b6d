import Hummingbird

/// Who blocks whom, for a 団体, for a vendor, grouped any way; and the 特定移行支援 report.
struct BlockerRoutes: Sendable {
    let store: BlockerStore
    let masterData: MasterDataStore
    let organizations: OrganizationStore

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

    struct AreaBlockers: Codable, Sendable {
        let businessArea: BusinessArea
        let name: String
        let blockers: [Blocker]
    }

    struct DantaiBlockers: Codable, Sendable {
        let dantaiCode: String
        let name: String
        let businessAreas: [AreaBlockers]
    }

    func forMunicipality(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let text = context.parameters.get("code") ?? ""
        guard let code = MunicipalityCode(rawValue: text) else { throw Problem.invalid("code", MunicipalityCode.whyInvalid(text)) }
        guard let name = try await masterData.dantaiName(code) else { throw Problem.notFound("no 団体 \(code)") }
        var filter = BlockerFilter()
        filter.dantai = code.rawValue
        let blockers = try await store.all(filter, scope: Policy.issueScope(try context.caller()))
        let areas = try await masterData.businessAreas().map { area in
            AreaBlockers(businessArea: area.slug, name: area.name, blockers: blockers.filter { $0.businessArea == area.slug })
        }
        return try .json(DantaiBlockers(dantaiCode: code.rawValue, name: name, businessAreas: areas))
    }

    struct VendorBlocked: Codable, Sendable {
        let vendor: OrganizationRef
        let municipalities: Int
        let systems: Int
        let blocks: [BlockGroup]

        struct BlockGroup: Codable, Sendable {
            let block: Block
            let name: String
            let prefectures: [PrefectureGroup]
        }

        struct PrefectureGroup: Codable, Sendable {
            let prefectureCode: PrefectureCode
            let name: String
            let municipalities: [Entry]
        }

        struct Entry: Codable, Sendable {
            let dantaiCode: String
            let name: String
            let businessAreas: [BusinessArea]
            let issues: [Int]
            let reasons: [AdoptionReason]
        }
    }

    func forVendor(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try QueryParameters(request, allowed: ["business_area", "all"])
        let id = try context.id("id")
        guard let vendor = try await organizations.organization(id), vendor.kind == .vendor else { throw Problem.notFound("no vendor \(id)") }
        var filter = BlockerFilter()
        filter.vendor = id
        filter.businessArea = try parameters.value("business_area", as: BusinessArea.self)
        if try parameters.bool("all") != true { filter.prefectures = Policy.defaultPrefectureScope(principal) }
        let blockers = try await store.all(filter, scope: Policy.issueScope(principal))
        let prefectures = try await masterData.prefectures()
        let blocks = Block.allCases.compactMap { block -> VendorBlocked.BlockGroup? in
            let groups = prefectures.filter { $0.block == block }.compactMap { prefecture -> VendorBlocked.PrefectureGroup? in
                let rows = blockers.filter { $0.prefectureCode == prefecture.code }
                guard !rows.isEmpty else { return nil }
                let entries = Dictionary(grouping: rows, by: \.dantaiCode).sorted { $0.key < $1.key }.map { code, rows in
                    VendorBlocked.Entry(dantaiCode: code, name: rows[0].dantaiName, businessAreas: rows.map(\.businessArea),
                                        issues: Array(Set(rows.flatMap(\.issues))).sorted(), reasons: Array(Set(rows.compactMap(\.reason))).sorted { $0.rawValue < $1.rawValue })
                }
                return VendorBlocked.PrefectureGroup(prefectureCode: prefecture.code, name: prefecture.name, municipalities: entries)
            }
            return groups.isEmpty ? nil : VendorBlocked.BlockGroup(block: block, name: block.japaneseName, prefectures: groups)
        }
        return try .json(VendorBlocked(vendor: OrganizationRef(id: vendor.id, name: vendor.name),
                                       municipalities: Set(blockers.map(\.dantaiCode)).count,
                                       systems: Set(blockers.map { $0.dantaiCode + $0.businessArea.rawValue }).count, blocks: blocks))
    }

    func specifiedSupport(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try .json(try await store.specifiedSupport())
    }
}
