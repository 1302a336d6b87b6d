import CouncilDatabase
import Foundation

/// What `GET /v1/issues` (and its export and saved queries) filters on. Empty lists mean "any".
struct IssueFilter: Sendable, Equatable {
    var states: [IssueState] = []
    var categories: [IssueCategory] = []
    var severities: [IssueSeverity] = []
    var vendor: Int?
    var businessAreas: [BusinessArea] = []
    var municipality: MunicipalityCode?
    var prefecture: PrefectureCode?
    var block: Block?
    var impacts: [IssueImpact] = []
    var assignee: Int?
    var reporterOrganization: Int?
    var label: String?
    var dueBefore: CalendarDate?
    var updatedSince: Date?
    /// Substring of title, body or any comment.
    var text: String?
    /// Watched by this account, itself or through its organization (the dashboard's "watched").
    var watchedBy: Watcher?

    struct Watcher: Sendable, Equatable {
        let account: Int
        let organization: Int
    }

    init() {}
}

/// Sort orders; each is a keyset over (key, number), so pages stay stable under inserts.
struct IssueSort: Sendable, Equatable, RawRepresentable {
    enum Key: String, CaseIterable, Sendable { case number, updated, due, severity }
    let key: Key
    let descending: Bool

    init(key: Key, descending: Bool) {
        self.key = key
        self.descending = descending
    }

    /// `updated` ascending, `-updated` descending.
    init?(rawValue: String) {
        let descending = rawValue.hasPrefix("-")
        guard let key = Key(rawValue: descending ? String(rawValue.dropFirst()) : rawValue) else { return nil }
        self.init(key: key, descending: descending)
    }

    var rawValue: String { (descending ? "-" : "") + key.rawValue }
    static let `default` = IssueSort(key: .updated, descending: true)

    /// The sort key as one bigint (what a cursor carries): due dates as days (none last), times
    /// as microseconds.
    var expression: SQL {
        switch key {
        case .number: "i.number::bigint"
        case .updated: "(extract(epoch FROM i.updated_at) * 1000000)::bigint"
        case .due: "coalesce(i.due_date - DATE '2000-01-01', 2147483647)::bigint"
        case .severity: "(CASE i.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END)::bigint"
        }
    }

    /// What the rows are ordered by: the columns themselves where an index holds them in that
    /// order (number; update time, also per reporter and assignee), so a page stops after its rows.
    var orderColumns: SQL {
        switch key {
        case .number: "i.number"
        case .updated: "i.updated_at"
        case .due, .severity: expression
        }
    }

    /// The value of `orderColumns` a cursor's key stands for.
    func orderValue(_ key: Int64) -> SQL {
        switch self.key {
        case .number, .due, .severity: "\(key)::bigint"
        // Whole seconds and microseconds apart, so the interval arithmetic stays exact.
        case .updated: "(TIMESTAMPTZ 'epoch' + \(key / 1_000_000) * INTERVAL '1 second' + \(key % 1_000_000) * INTERVAL '1 microsecond')"
        }
    }

    /// `ORDER BY` of a page.
    var orderBy: SQL {
        let direction: SQL = descending ? "DESC" : "ASC"
        return key == .number ? "i.number \(direction)" : "\(orderColumns) \(direction), i.number \(direction)"
    }

    /// Rows after the cursor in this order.
    func after(_ cursor: IssueCursor) -> SQL {
        let comparison: SQL = descending ? "<" : ">"
        return key == .number
            ? "i.number \(comparison) \(cursor.number)"
            : "(\(orderColumns), i.number) \(comparison) (\(orderValue(cursor.key)), \(cursor.number))"
    }
}

/// Where a page ended: opaque to clients, checked against the sort it was made for.
struct IssueCursor: Equatable {
    let sort: IssueSort
    let key: Int64
    let number: Int

    var token: String {
        Data("\(sort.rawValue)|\(key)|\(number)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    init(sort: IssueSort, key: Int64, number: Int) {
        self.sort = sort
        self.key = key
        self.number = number
    }

    init?(token: String, sort: IssueSort) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, IssueSort(rawValue: String(parts[0])) == sort,
            let key = Int64(parts[1]), let number = Int(parts[2]), IssueStore.isPossibleNumber(number)
        else { return nil }
        self.init(sort: sort, key: key, number: number)
    }
}

/// Lists, counts and exports issues through one filter, always within the caller's scope.
struct IssueSearch: Sendable {
    /// Lists and exports may come from a standby (`ReadPool`).
    let pool: ReadPool
    /// Totals of the lists that only counted changes move, kept between requests.
    let totals = ListTotals()
    /// Pages of issue rows (`summaries`) kept at the versions they were read at.
    let keptPages = KeptPages()

    init(pool: DatabasePool) {
        self.init(reads: ReadPool(primary: pool))
    }

    init(reads: ReadPool) {
        self.pool = reads
    }

    static let maxExport = 50_000

    func page(
        _ filter: IssueFilter, sort: IssueSort, after cursor: IssueCursor?, limit: Int,
        for principal: Principal
    ) async throws -> CursorPage<Issue> {
        try await pool.withConnection { connection in
            let scope = Policy.issueScope(principal)
            let (rows, total, next, _) = try pageAndTotal(
                filter, Self.conditions(filter, scope: scope), sort: sort, after: cursor, limit: limit, on: connection)
            let items = try IssueStore.hidingDuplicates(try rows.map(IssueStore.issue), scope, on: connection)
            return CursorPage(items: items, total: total, nextCursor: next)
        }
    }

    /// The same page as `page` (filter, order, cursor, total), as the rows of the pages' issue
    /// tables: without each issue's 団体, text and links, which those tables do not show and
    /// which cost most of reading a page of issues.
    func summaries(
        _ filter: IssueFilter, sort: IssueSort, after cursor: IssueCursor?, limit: Int,
        for principal: Principal, known: RowsVersion? = nil
    ) async throws -> CursorPage<IssueSummary> {
        let conditions = Self.conditions(filter, scope: Policy.issueScope(principal))
        // Only a list whose matches follow the counters is the same page at the same versions.
        let key = Self.totalFollowsCounters(filter) ? KeptPages.key(Self.totalKey(conditions), sort: sort, after: cursor, limit: limit) : nil
        if let key, let known, let page = keptPages.page(key, at: known) { return page }
        return try await pool.withConnection { connection in
            let read = try pageAndTotal(
                filter, conditions, sort: sort, after: cursor, limit: limit, name: "issues.summaryPage", columns: IssueSummary.columns,
                joins: "", known: known?.changes, on: connection)
            let page = CursorPage(items: try read.rows.map(IssueSummary.init), total: read.total, nextCursor: read.next)
            if let key, let version = read.version { keptPages.store(key, at: version, page) }
            return page
        }
    }

    /// A page of the list (at most `limit` rows), its total and the cursor after it, in one
    /// statement, with the versions of its snapshot when they were read. A total that only
    /// counted changes move is kept: while the version read with the page is the one it was
    /// counted at, the page is read without counting. A caller whose version (`known`, else the
    /// one read first) is newer than the kept total's counts at once rather than reading the page twice.
    private func pageAndTotal(
        _ filter: IssueFilter, _ conditions: SQL, sort: IssueSort, after cursor: IssueCursor?, limit: Int, name: String = "issues.page",
        columns: SQL = IssueStore.columns, joins: SQL = IssueStore.joins, known: Int64? = nil, on connection: Connection
    ) throws -> (rows: [Row], total: Int, next: String?, version: RowsVersion?) {
        let everyMatch = Self.readsEveryMatch(filter)
        func read(_ total: PageTotal) throws -> PageRows {
            // Without a count, a page of facets walks the order and stops after its rows; whether
            // that beats reading every match depends on how many there are, so it is planned for
            // its values on every call: the plan cache's generic plan (5 matches assumed) read all
            // 1,943 of an area's issues in two states and sorted them.
            let walksFacets = everyMatch && total == .versionOnly
            let planning: Query.Planning = Self.plansAlike(filter, after: cursor) ? .generic : walksFacets ? .everyCall : .cached
            return try Self.pageRows(
                Self.pageQuery(
                    conditions, sort: sort, after: cursor, limit: limit + 1, name: name, columns: columns, joins: joins,
                    everyMatch: everyMatch && !walksFacets, total: total, planning: planning),
                sort: sort, limit: limit, versioned: total != .counted, on: connection)
        }
        guard Self.totalFollowsCounters(filter) else {
            let page = try read(.counted)
            return (page.rows, page.total ?? 0, page.next, nil)
        }
        let key = Self.totalKey(conditions)
        // A caller without a version read with its session (the API) reads the version first: a
        // page tried against a kept total that a commit has left behind is read twice, and under
        // writes that was most pages (two statements of 12–13 ms each in the mixed load).
        if let kept = totals.latest(key), try kept.version >= known ?? ViewCache.version(on: connection) {
            let page = try read(.versionOnly)
            if page.version?.changes == kept.version {
                totals.noteServed()
                return (page.rows, kept.total, page.next, page.version)
            }
            totals.noteReadInVain()
        }
        let page = try read(.countedWithVersion)
        let total = page.total ?? 0
        if let version = page.version { totals.store(key, ListTotals.Total(version: version.changes, total: total)) }
        return (page.rows, total, page.next, page.version)
    }

    private struct PageRows {
        let rows: [Row]
        let total: Int?
        let version: RowsVersion?
        let next: String?
    }

    /// A page query's rows (at most `limit`), its total (nil when not counted), the change
    /// version when asked for, and the cursor after it.
    private static func pageRows(_ query: Query, sort: IssueSort, limit: Int, versioned: Bool, on connection: Connection) throws -> PageRows {
        let rows = try connection.query(query).rows
        let total: Int? = try rows.first?.decodeIfPresent("total")
        var version: RowsVersion?
        if versioned, let first = rows.first {
            version = RowsVersion(changes: try first.decode("version"), edits: try first.decode("edit_version"))
        }
        let found = try rows.filter { try $0.decodeIfPresent("number", as: Int.self) != nil }
        var next: String?
        if found.count > limit, let last = found.prefix(limit).last {
            next = IssueCursor(sort: sort, key: try last.decode("sort_key"), number: try last.decode("number")).token
        }
        return PageRows(rows: Array(found.prefix(limit)), total: total, version: version, next: next)
    }

    /// Whether only changes that move `change_counters` can change a list's matches: lists by
    /// state, facets, assigned or reporting organization within the caller's scope (visibility,
    /// the two organizations, vendor links), which sql/0021, sql/0034 and the links' triggers
    /// count. Labels, dates, words and watchers change uncounted.
    static func totalFollowsCounters(_ filter: IssueFilter) -> Bool {
        filter.label == nil && filter.dueBefore == nil && filter.updatedSince == nil && filter.text == nil && filter.watchedBy == nil
    }

    /// What identifies a list's matches: its conditions (the caller's scope included) with their values.
    static func totalKey(_ conditions: SQL) -> String {
        let (text, bindings) = conditions.render()
        return bindings.reduce(into: text) { key, value in
            key += "\u{1}"
            key += value ?? "\u{0}"
        }
    }

    /// Every match, for the CSV export (bounded, so one request cannot exhaust memory).
    func all(_ filter: IssueFilter, sort: IssueSort, for principal: Principal) async throws -> [Issue] {
        try await pool.withConnection { connection in
            let conditions = Self.conditions(filter, scope: Policy.issueScope(principal))
            let rows = try connection.query(Self.listQuery(conditions, sort: sort, after: nil, limit: Self.maxExport + 1)).rows
            if rows.count > Self.maxExport {
                throw Problem.unprocessable(
                    "q", Reason("more than \(Self.maxExport) issues match; narrow the filters", ja: "該当する課題が\(Self.maxExport)件を超えます。条件を絞ってください"))
            }
            return try IssueStore.hidingDuplicates(try rows.map(IssueStore.issue), Policy.issueScope(principal), on: connection)
        }
    }

    static func listQuery(_ conditions: SQL, sort: IssueSort, after cursor: IssueCursor?, limit: Int) -> Query {
        Query(
            "issues.list",
            """
            SELECT \(IssueStore.columns), \(sort.expression) AS sort_key
            FROM issues i \(IssueStore.joins)
            WHERE \(conditions) AND \(cursor.map(sort.after) ?? "TRUE")
            ORDER BY \(sort.orderBy)
            LIMIT \(limit)
            """)
    }

    /// A page and the total of its list in one statement, so both come from one snapshot (and
    /// one round trip). With no match the one row carries the total and NULL for the rest.
    /// `everyMatch` counts (`.counted`, `.countedWithVersion`) from the matches read once.
    static func pageQuery(
        _ conditions: SQL, sort: IssueSort, after cursor: IssueCursor?, limit: Int, name: String = "issues.page",
        columns: SQL = IssueStore.columns, joins: SQL = IssueStore.joins, everyMatch: Bool = false, total: PageTotal = .counted,
        planning: Query.Planning = .cached
    ) -> Query {
        let version: SQL = """
            (SELECT sum(value) FROM change_counters)::bigint AS version,
            (SELECT sum(value) FROM issue_edit_counters)::bigint AS edit_version
            """
        guard !everyMatch else {
            precondition(total != .versionOnly, "a page from every match is read to count them")
            let counted: SQL = total == .countedWithVersion ? "count(*) AS total, \(version)" : "count(*) AS total"
            // The matches (with what the orders read) once, then both the total and the page.
            return Query(
                name + "FromMatches" + (total == .countedWithVersion ? "Counted" : ""),
                """
                WITH matches AS MATERIALIZED (
                    SELECT i.number, i.updated_at, i.due_date, i.severity FROM issues i WHERE \(conditions)),
                page AS (
                    SELECT i.number FROM matches i WHERE \(cursor.map(sort.after) ?? "TRUE")
                    ORDER BY \(sort.orderBy) LIMIT \(limit)),
                total AS (SELECT \(counted) FROM matches)
                SELECT total.*, \(columns), \(sort.expression) AS sort_key
                FROM total LEFT JOIN (page JOIN issues i ON i.number = page.number \(joins)) ON TRUE
                ORDER BY \(sort.orderBy)
                """)
        }
        let totalQuery: SQL, suffix: String
        switch total {
        case .counted: (totalQuery, suffix) = ("SELECT count(*) AS total FROM issues i WHERE \(conditions)", "")
        case .countedWithVersion: (totalQuery, suffix) = ("SELECT count(*) AS total, \(version) FROM issues i WHERE \(conditions)", "Counted")
        case .versionOnly: (totalQuery, suffix) = ("SELECT NULL::bigint AS total, \(version)", "KeptTotal")
        }
        return Query(
            name + suffix,
            """
            WITH page AS (
                SELECT i.number FROM issues i WHERE \(conditions) AND \(cursor.map(sort.after) ?? "TRUE")
                ORDER BY \(sort.orderBy) LIMIT \(limit)),
            total AS (\(totalQuery))
            SELECT total.*, \(columns), \(sort.expression) AS sort_key
            FROM total LEFT JOIN (page JOIN issues i ON i.number = page.number \(joins)) ON TRUE
            ORDER BY \(sort.orderBy)
            """, planning: planning)
    }

    /// What a page query says of its total: the count; the count with the versions of its
    /// snapshot (`ListTotals`, `KeptPages`); or only those versions, when a kept total may serve.
    enum PageTotal {
        case counted, countedWithVersion, versionOnly
    }

    /// Whether one plan serves every value of the list's parameters (`Query.Planning.generic`): a first
    /// page by state, organization or watcher, whose btree indexes answer every value alike. Skew
    /// (the national seed assigns every assigned issue to one observer) made PostgreSQL plan the
    /// dashboard's "assigned to us" afresh on every call: 0.76 ms of planning for 0.03 ms of work.
    /// Lists with a time or date bound or a cursor keep a plan per value (a recent bound is a short
    /// index range, an old one nearly the whole table).
    static func plansAlike(_ filter: IssueFilter, after cursor: IssueCursor?) -> Bool {
        !readsEveryMatch(filter) && cursor == nil && filter.updatedSince == nil && filter.dueBefore == nil
    }

    /// Whether counting a list's matches reads every one of them from the table anyway (facets,
    /// links, labels and words are found through GIN indexes, each match then read for its
    /// visibility): then a counted page is taken from those rows, read once — an area's issues
    /// in two states, 16 → 6–8 ms at national scale — rather than by walking the order's index
    /// and testing row after row. Lists by state, organization or watcher alone are counted from
    /// btree indexes without reading the rows, and keep the walk that stops after its page; so
    /// does a page whose total is kept, on an index whose entries carry the facets (sql/0034).
    static func readsEveryMatch(_ filter: IssueFilter) -> Bool {
        !filter.categories.isEmpty || !filter.severities.isEmpty || filter.vendor != nil || !filter.businessAreas.isEmpty
            || filter.municipality != nil || filter.prefecture != nil || filter.block != nil || !filter.impacts.isEmpty
            || filter.label != nil || filter.text != nil
    }

    /// The caller's scope as a condition on the issue aliased `alias` (`Policy.canSee` in SQL).
    static func visibility(_ scope: Policy.IssueScope, alias: String) -> SQL {
        switch scope {
        case .all:
            return "TRUE"
        case .organization(let organization):
            let a = SQL(unsafeRaw: alias)
            return """
                (\(a).visibility = 'council' OR \(a).reporter_organization_id = \(organization) OR \(a).assignee_organization_id = \(organization)
                 OR \(a).facets @> \(["v:\(organization)"])::text[])
                """
        }
    }

    static func conditions(_ filter: IssueFilter, scope: Policy.IssueScope) -> SQL {
        var conditions: [SQL] = [visibility(scope, alias: "i")]
        // Facets (sql/0020): every value that must be present in one containment, each list of
        // alternatives as an overlap; one GIN index answers them all together.
        var required: [String] = [], narrowing = 0
        func facet(_ prefix: String, _ values: [String]) {
            if !values.isEmpty { narrowing += 1 }
            if values.count == 1 {
                required.append(prefix + values[0])
            } else if !values.isEmpty {
                conditions.append("i.facets && \(values.map { prefix + $0 })::text[]")
            }
        }
        facet("c:", filter.categories.map(\.rawValue))
        facet("sev:", filter.severities.map(\.rawValue))
        facet("v:", filter.vendor.map { ["\($0)"] } ?? [])
        if let area = filter.businessAreas.first, filter.businessAreas.count == 1 {
            // On its own, so that a page planned for its values may walk that area's index (sql/0034).
            narrowing += 1
            conditions.append("i.facets @> \(["a:" + area.rawValue])::text[]")
        } else {
            facet("a:", filter.businessAreas.map(\.rawValue))
        }
        facet("p:", filter.prefecture.map { [$0.rawValue] } ?? [])
        facet("b:", filter.block.map { [$0.rawValue] } ?? [])
        facet("i:", filter.impacts.map(\.rawValue))
        // The states (posting lists of tens of thousands) join the intersection when it would
        // otherwise hold thousands of rows to read: an area, a prefecture (bench/RESULTS.md: the
        // 課題一覧 of one area and two states 43 → 17 ms). A vendor's facets already narrow to
        // hundreds, where reading the state lists costs more than it saves (8.8 → 12.8 ms), and
        // alone or with an organization the state column's btree indexes answer best.
        if narrowing > 0 && filter.vendor == nil {
            facet("s:", filter.states.map(\.rawValue))
        } else if !filter.states.isEmpty {
            conditions.append("i.state = ANY (\(filter.states.map(\.rawValue))::text[])")
        }
        if !required.isEmpty { conditions.append("i.facets @> \(required)::text[]") }
        // Municipality conditions together must hold of one link (`impact=blocked&prefecture=13`
        // means "blocks some municipality of Tokyo", not two unrelated facts): the facets
        // narrow, one EXISTS decides when more than one is given or a single 団体 is named.
        var link: [SQL] = []
        if let code = filter.municipality { link.append("m.dantai_code = \(code)") }
        if let prefecture = filter.prefecture { link.append("left(m.dantai_code, 2) = \(prefecture)") }
        if let block = filter.block {
            link.append("EXISTS (SELECT 1 FROM prefectures p WHERE p.code = left(m.dantai_code, 2) AND p.block = \(block))")
        }
        if !filter.impacts.isEmpty { link.append("m.impact = ANY (\(filter.impacts.map(\.rawValue))::text[])") }
        if link.count > 1 || filter.municipality != nil {
            conditions.append(
                """
                EXISTS (SELECT 1 FROM issue_municipalities m WHERE m.issue_number = i.number AND \(SQL.joined(link, separator: " AND ")))
                """)
        }
        if let assignee = filter.assignee { conditions.append("i.assignee_organization_id = \(assignee)") }
        if let reporter = filter.reporterOrganization { conditions.append("i.reporter_organization_id = \(reporter)") }
        if let label = filter.label { conditions.append("i.labels @> ARRAY[\(label)]::text[]") }
        if let due = filter.dueBefore { conditions.append("i.due_date < \(due)") }
        if let since = filter.updatedSince { conditions.append("i.updated_at >= \(since)") }
        if let text = filter.text { conditions.append(textCondition(text)) }
        if let watcher = filter.watchedBy {
            conditions.append(
                """
                EXISTS (SELECT 1 FROM issue_watchers w WHERE w.issue_number = i.number
                        AND (w.account_id = \(watcher.account) OR w.organization_id = \(watcher.organization)))
                """)
        }
        return SQL.joined(conditions, separator: " AND ")
    }

    /// Substring search served by the gram indexes of the issues' own text and of comments: a
    /// source must hold every bigram of the query (its one character when it has one), then
    /// LIKE confirms the characters are adjacent.
    static func textCondition(_ text: String) -> SQL {
        let key = IssueSearchKey.make(text)
        let escaped = key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let grams = grams(key), pattern = "%" + escaped + "%"
        return """
            i.number IN (SELECT s.number FROM issues s WHERE s.search_grams @> \(grams)::text[] AND s.own_search_key LIKE \(pattern)
                         UNION ALL
                         SELECT c.issue_number FROM issue_comments c WHERE c.search_grams @> \(grams)::text[] AND c.search_key LIKE \(pattern))
            """
    }

    /// Bigrams of the key by Unicode scalar (as PostgreSQL's substr counts), or its single character.
    static func grams(_ key: String) -> [String] {
        let scalars = Array(key.unicodeScalars)
        guard scalars.count > 1 else { return scalars.map { String($0) } }
        var grams = Set<String>()
        for index in 0..<(scalars.count - 1) {
            var gram = String.UnicodeScalarView()
            gram.append(scalars[index])
            gram.append(scalars[index + 1])
            grams.insert(String(gram))
        }
        return grams.sorted()
    }
}
