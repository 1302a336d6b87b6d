import Foundation
import Hummingbird

/// ダッシュボード: national progress and what waits for me. Counts of issues and of blocked 団体
/// come through the caller's issue scope, so a restricted issue of another organization is in
/// no number this caller sees.
struct DashboardPage: Sendable {
    let status: StatusStore
    let adoptions: AdoptionStore
    let blockers: BlockerStore
    let search: IssueSearch
    let masterData: MasterDataStore
    let organizations: OrganizationStore
    /// National figures kept while the data under them is unchanged (one per daemon).
    let cache = ViewCache(capacity: 16)

    struct Model: Sendable, Encodable {
        let stageHeaders: [String]
        let stages: [StageRow]
        let adoptionStates: [Count]
        let reasons: [Count]
        let tileMap: String
        let prefectureRows: [PrefectureRow]
        let assigned: [IssuePages.Row]
        let assignedTotal: String
        let assignedLink: String
        let reported: [IssuePages.Row]
        let reportedTotal: String
        let reportedLink: String
        let watched: [IssuePages.Row]
    }

    struct StageRow: Sendable, Encodable {
        let name: String
        let counts: [String]
        let total: String
    }

    struct Count: Sendable, Encodable {
        let label: String
        let value: String
    }

    struct PrefectureRow: Sendable, Encodable {
        let name: String
        let blocked: String
        let municipalities: String
        let link: String
    }

    static let openStates = IssueState.allCases.filter(\.isOpen).map(\.rawValue).joined(separator: ",")
    /// Watched issues show on the dashboard while they changed within this window.
    static let watchedWindow: TimeInterval = 14 * 86400

    func show(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let language = page.language
        let scope = Policy.issueScope(principal)
        // The national figures, prefectures and names are kept: the change version read with the
        // session serves them all (a connection and a round trip each otherwise, with four
        // connections per daemon).
        let version: Int64
        if let known = page.changeVersion { version = known } else { version = try await blockers.version() }
        async let summary = status.summary(asOf: nil)
        async let adoptionCounts = adoptions.countsByState(cache: cache, known: version)
        async let support = blockers.specifiedSupport(known: version)
        async let byPrefecture = blockers.groups(BlockerFilter(), by: .prefecture, scope: scope, known: version)
        async let prefectures = masterData.prefectures(known: version)
        var assignedFilter = IssueFilter(), reportedFilter = IssueFilter()
        assignedFilter.states = IssueState.allCases.filter(\.isOpen)
        assignedFilter.assignee = principal.organizationID
        reportedFilter.states = IssueState.allCases.filter(\.isOpen)
        reportedFilter.reporterOrganization = principal.organizationID
        async let assigned = search.summaries(assignedFilter, sort: .default, after: nil, limit: 10, for: principal, known: page.rowsVersion)
        async let reported = search.summaries(reportedFilter, sort: .default, after: nil, limit: 10, for: principal, known: page.rowsVersion)
        var watchedFilter = IssueFilter()
        watchedFilter.watchedBy = .init(account: principal.accountID, organization: principal.organizationID)
        watchedFilter.updatedSince = Date().addingTimeInterval(-Self.watchedWindow)
        async let watched = search.summaries(
            watchedFilter, sort: IssueSort(key: .updated, descending: true), after: nil, limit: 10, for: principal)

        let blocked = Dictionary(uniqueKeysWithValues: try await byPrefecture.map { ($0.key, $0.municipalities) })
        let tiles = try await prefectures.map { prefecture in
            TileMap.Tile(
                code: prefecture.code, name: prefecture.name, block: prefecture.block, blocked: blocked[prefecture.code.rawValue] ?? 0,
                municipalities: prefecture.municipalityCount)
        }
        let link = { (code: PrefectureCode) in "/issues?prefecture=\(code.rawValue)&state=\(Self.openStates)" }
        let label = { (tile: TileMap.Tile) in
            language == .ja
                ? "\(tile.name): \(tile.municipalities)団体中 \(tile.blocked)団体が阻害されています"
                : "\(tile.name): \(tile.blocked) of \(tile.municipalities) municipalities blocked"
        }
        let stages = DevelopmentStage.allCases
        let assignedPage = try await assigned, reportedPage = try await reported, watchedPage = try await watched
        let vendorNames = try await organizations.names(
            including: (assignedPage.items + reportedPage.items + watchedPage.items).flatMap(\.vendorIDs), known: version)
        let row = { (issue: IssueSummary) in IssuePages.row(issue, language, vendorNames: vendorNames) }
        let counts = try await adoptionCounts
        let model = Model(
            stageHeaders: stages.map { language.word(.stage, $0.rawValue) },
            stages: try await summary.map { row in
                StageRow(
                    name: language.word(.businessArea, row.businessArea.rawValue),
                    counts: stages.map { PageFormat.number(row.stages[$0.rawValue] ?? 0) }, total: PageFormat.number(row.total))
            },
            adoptionStates: AdoptionState.allCases.map {
                Count(label: language.word(.adoptionState, $0.rawValue), value: PageFormat.number(counts[$0] ?? 0))
            },
            reasons: try await support.byReason.map {
                Count(label: language.word(.adoptionReason, $0.key), value: PageFormat.number($0.systems))
            },
            tileMap: TileMap.svg(tiles, title: page.word("tile_map_title"), link: link, label: label),
            prefectureRows: tiles.map {
                PrefectureRow(
                    name: $0.name, blocked: PageFormat.number($0.blocked), municipalities: PageFormat.number($0.municipalities), link: link($0.code))
            },
            assigned: assignedPage.items.map(row), assignedTotal: PageFormat.number(assignedPage.total),
            assignedLink: "/issues?assignee=\(principal.organizationID)&state=\(Self.openStates)",
            reported: reportedPage.items.map(row), reportedTotal: PageFormat.number(reportedPage.total),
            reportedLink: "/issues?reporter_organization=\(principal.organizationID)&state=\(Self.openStates)",
            watched: watchedPage.items.map(row))
        return page.render("dashboard", model)
    }
}
