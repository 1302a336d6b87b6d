import Foundation
import Hummingbird

/// Municipalities: search, lookup, and the import of MIC's list.
struct MunicipalityRoutes: Sendable {
    let store: MunicipalityStore
    let cache: MasterDataCache?

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(
            request, allowed: ["prefecture", "block", "kind", "designated_city", "active", "q", "all", "limit", "offset"])
        var filter = MunicipalityFilter()
        if let code = try parameters.prefectureCode("prefecture") { filter.prefectures = [code] }
        filter.block = try parameters.value("block", as: Block.self)
        let all = try parameters.bool("all") ?? false
        if filter.prefectures.isEmpty, filter.block == nil, !all {
            filter.prefectures = Policy.defaultPrefectureScope(context.principal)
        }
        filter.kind = try parameters.value("kind", as: MunicipalityKind.self)
        filter.active = try parameters.bool("active")
        filter.designatedCity = try parameters.bool("designated_city")
        if let text = try parameters.string("q") {
            let key = JapaneseText.searchKey(text)
            guard !key.isEmpty, key.count <= 100 else {
                throw Problem.invalid("q", Reason("give 1 to 100 characters of a name or reading", ja: "名前か読みを1〜100文字で書いてください"))
            }
            filter.searchKey = key
        }
        return try .json(try await store.municipalities(filter, page: try parameters.page()))
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let text = context.parameters.get("code") ?? ""
        let code: MunicipalityCode
        guard let valid = MunicipalityCode(rawValue: text) else { throw Problem.invalid("code", MunicipalityCode.whyInvalid(text)) }
        code = valid
        if let body = cache?.lookup(code.rawValue) { return .json(encoded: body) }
        let generation = cache?.generation
        guard let municipality = try await store.municipality(code) else {
            throw Problem.notFound(
                code.isPrefecture
                    ? Reason("\(code) is a prefecture's code; see /v1/prefectures", ja: "\(code)は都道府県のコードです（/v1/prefectures を見てください）")
                    : Reason("no municipality has the code \(code)", ja: "団体コード\(code)の団体はありません"))
        }
        let body = ByteBuffer(bytes: try JSONCoding.fast.encode(municipality))
        if let cache, let generation { cache.store(code.rawValue, body, readAt: generation) }
        return .json(encoded: body)
    }

    /// The body is the CSV file itself (`text/csv`), UTF-8 or CP932.
    func importList(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["encoding", "dry_run"])
        let encoding = try parameters.value("encoding", as: CSVTextEncoding.self) ?? .auto
        let dryRun = try parameters.bool("dry_run") ?? false
        let source = try await UploadedFile.readSheet(request, context: context, encoding: encoding)
        var parsed = try MunicipalityList.read(try source.table(having: MunicipalityList.required))
        // MIC's workbook names the designated cities on a sheet of their own.
        var designated: [DesignatedCityRow]?
        if let (name, table) = try source.sheet(having: MunicipalityList.designatedRequired, without: MunicipalityList.designatedWithout) {
            let cities = try MunicipalityList.readDesignated(table, sheet: name)
            parsed.problems.append(cities.problems)
            designated = cities.rows
        }
        let actor = try context.auditActor()
        let report = try await SheetImport.apply(parsed, dryRun: dryRun) { [designated] rows, dryRun in
            try await store.importList(rows, designatedCities: designated, format: source.format, dryRun: dryRun, by: actor)
        }
        // This daemon's readers see the import at once; others drop their copies on its NOTIFY.
        if !dryRun { cache?.invalidate() }
        context.logger.info(
            "municipality list import: \(report.inserted) inserted, \(report.updated) updated, \(report.unchanged) unchanged, \(report.deactivated) deactivated\(dryRun ? " (dry run)" : "")"
        )
        return try .json(report)
    }
}
