import CouncilDatabase
import Foundation

/// Migration issues: creation, reads, edits guarded by the ETag version, and the workflow.
/// Every change writes issue events and an audit row in the same transaction.
struct IssueStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// The issue if it exists and the caller may see it; 404 otherwise (the same answer for
    /// both, so restricted issues cannot be probed).
    func issue(_ number: Int, for principal: Principal) async throws -> Issue {
        try await pool.withConnection { connection in
            try Self.asSeen(try Self.fetch(number, on: connection), number, by: principal, on: connection)
        }
    }

    /// The issue as the caller sees it (`duplicate_of` hidden where it must be); 404 when it is
    /// missing or invisible.
    static func asSeen(_ issue: Issue?, _ number: Int, by principal: Principal, on connection: Connection) throws -> Issue {
        guard let issue, Policy.canSee(issue: issue.accessFacts, principal) else { throw Problem.noIssue(number) }
        return try hidingDuplicates([issue], Policy.issueScope(principal), on: connection)[0]
    }

    /// The caller of a bearer token and the issue as it may see it, read in one statement (the
    /// token checked exactly as `TokenStore.principal` checks it); nil for a token that is not
    /// valid, a 404 for an issue that is missing or invisible.
    func issue(_ number: Int, bearer secret: String) async throws -> (Principal, Issue)? {
        try await pool.withConnection { connection in
            guard
                let row = try connection.query(
                    Query(
                        "issues.byNumberAuthenticating",
                        """
                        \(TokenStore.authentication(secret))
                        SELECT found.*, \(Self.columns)
                        FROM found LEFT JOIN (issues i \(Self.joins)) ON i.number = \(Self.isPossibleNumber(number) ? number : 0)
                        """)
                ).first
            else { return nil }
            let principal = try TokenStore.principal(row, on: connection)
            let issue = try row.decodeIfPresent("number", as: Int.self) == nil ? nil : try Self.issue(row)
            return (principal, try Self.asSeen(issue, number, by: principal, on: connection))
        }
    }

    /// The issues with `duplicate_of` left out where it names an issue the caller may not see
    /// (its number alone would tell that a restricted issue exists). One query for a whole page.
    static func hidingDuplicates(_ issues: [Issue], _ scope: Policy.IssueScope, on connection: Connection) throws -> [Issue] {
        let targets = Array(Set(issues.compactMap(\.duplicateOf)))
        guard !targets.isEmpty, scope != .all else { return issues }
        let visible = Set(
            try connection.query(
                Query(
                    "issues.visibleDuplicateTargets",
                    """
                    SELECT i.number FROM issues i WHERE i.number = ANY (\(targets)::int[]) AND \(IssueSearch.visibility(scope, alias: "i"))
                    """)
            ).rows.map { try $0.decode("number", as: Int.self) })
        return issues.map { issue in
            var issue = issue
            if let target = issue.duplicateOf, !visible.contains(target) { issue.duplicateOf = nil }
            return issue
        }
    }

    /// 404 unless the issue exists and the caller may see it: what write routes check before
    /// judging anything else about the request (one narrow query, not the whole issue).
    func requireVisible(_ number: Int, for principal: Principal) async throws {
        _ = try await pool.withConnection { try Self.visibleFacts(number, principal, on: $0) }
    }

    func create(_ draft: IssueDraft, by principal: Principal, _ actor: AuditActor) async throws -> Issue {
        try draft.validate()
        return try await pool.withTransaction { connection in
            try Self.checkReferences(draft, on: connection)
            // A new issue has no comments yet: it searches as its own text.
            let own = Self.ownSearchKey(draft)
            let number: Int = try connection.query(
                Query(
                    "issues.insert",
                    """
                    INSERT INTO issues (title, body, category, severity, visibility, reporter_account_id, reporter_organization_id,
                                        assignee_organization_id, due_date, labels, own_search_key, search_grams, facets)
                    VALUES (\(draft.title), \(draft.body), \(draft.category), \(draft.severity), \(draft.visibility),
                            \(principal.accountID), \(principal.organizationID), \(draft.assigneeID), \(draft.dueDate), \(draft.labels)::text[],
                            \(own), \(IssueSearchKey.grams(own))::text[], \(Self.facets(of: draft, state: .new)))
                    RETURNING number
                    """)
            ).single().decode("number")
            try Self.writeLinks(number, draft, changedFrom: nil, on: connection)
            let created = try Self.fetch(number, on: connection)!
            try IssueEvents.record(connection, number, actor, kind: "created", field: nil, old: nil, new: .string(created.title))
            try AuditStore.record(
                connection, actor, action: .issueCreate, entityType: .issue, entityID: number,
                before: nil, after: try JSONValue.fields(of: created))
            try Outbox.record(connection, .issueCreated, issue: created, actor)
            return created
        }
    }

    /// Applies an edit when `expectedVersion` is still current (412 otherwise). `change` turns
    /// the current issue into the new draft and names the fields it set, for the policy.
    func update(
        _ number: Int, expectedVersion: Int, by principal: Principal, _ actor: AuditActor,
        _ change: @escaping @Sendable (Issue) throws -> IssueDraft
    ) async throws -> Issue {
        try await pool.withTransaction { connection in
            guard let current = try Self.fetch(number, on: connection, lock: true) else { throw Problem.noIssue(number) }
            try Policy.requireSee(issue: current.accessFacts, principal)
            guard current.version == expectedVersion else { throw Problem.preconditionFailed(current: current.etag) }
            let draft = try change(current)
            let changed = draft.changedFields(from: IssueDraft(current))
            try Policy.requireEdit(issue: current.accessFacts, changing: changed, principal)
            guard !changed.isEmpty else { return current }
            try draft.validate()
            try Self.checkReferences(draft, on: connection)
            // Links first: the facets below are read from them.
            try Self.writeLinks(number, draft, changedFrom: Set(changed), on: connection)
            let own = Self.ownSearchKey(draft)
            try connection.query(
                Query(
                    "issues.update",
                    """
                    UPDATE issues SET title = \(draft.title), body = \(draft.body), category = \(draft.category),
                           severity = \(draft.severity), visibility = \(draft.visibility),
                           assignee_organization_id = \(draft.assigneeID), due_date = \(draft.dueDate), labels = \(draft.labels)::text[],
                           own_search_key = \(own), search_grams = \(IssueSearchKey.grams(own))::text[],
                           facets = issue_facets(number, state, \(draft.severity), \(draft.category)),
                           version = version + 1, updated_at = now()
                    WHERE number = \(number)
                    """))
            let updated = try Self.fetch(number, on: connection)!
            let before = try JSONValue.fields(of: current), after = try JSONValue.fields(of: updated)
            try IssueEvents.recordChanges(connection, number, actor, before: (current, before), after: (updated, after))
            try AuditStore.record(
                connection, actor, action: .issueUpdate, entityType: .issue, entityID: number,
                before: before, after: after)
            let changes = AuditStore.changes(before: before, after: after).filter { $0.key != "version" }
            try Outbox.record(
                connection, changes["assignee_organization"] != nil ? .issueAssigned : .issueUpdated, issue: updated, actor,
                ["changes": .object(try JSONValue.fields(of: changes))])
            return updated
        }
    }

    /// A move through the workflow.
    struct Transition: Sendable {
        var to: IssueState
        var answer: String?
        var duplicateOf: Int?
        var comment: String?
        /// From `If-Match`, when the client sent one.
        var expectedVersion: Int?
        /// The state the client believes the issue is in (`from`): a precondition that, unlike
        /// the ETag, needs no read first and survives unrelated edits.
        var expectedState: IssueState?

        init(
            to: IssueState, answer: String? = nil, duplicateOf: Int? = nil, comment: String? = nil, expectedVersion: Int? = nil,
            expectedState: IssueState? = nil
        ) {
            self.to = to
            self.answer = answer
            self.duplicateOf = duplicateOf
            self.comment = comment
            self.expectedVersion = expectedVersion
            self.expectedState = expectedState
        }
    }

    func transition(_ number: Int, _ transition: Transition, by principal: Principal, _ actor: AuditActor) async throws -> Issue {
        try await pool.withTransaction { connection in
            try Self.transition(number, transition, principal, actor, on: connection)
        }
    }

    /// A transition inside a running transaction (also used when a meeting's decision moves an issue).
    static func transition(
        _ number: Int, _ transition: Transition, _ principal: Principal, _ actor: AuditActor,
        on connection: Connection
    ) throws -> Issue {
        guard let current = try Self.fetch(number, on: connection, lock: true) else { throw Problem.noIssue(number) }
        let facts = current.accessFacts
        try Policy.requireSee(issue: facts, principal)
        if let expected = transition.expectedVersion, expected != current.version {
            throw Problem.preconditionFailed(current: current.etag)
        }
        if let expected = transition.expectedState, expected != current.state {
            throw Problem.stateMoved(expected: expected, current: current)
        }
        let allowed = Policy.allowedTransitions(facts, principal)
        guard allowed.contains(transition.to) else {
            throw Problem.transitionRefused(from: current.state, to: transition.to, allowed: allowed)
        }
        let answer = try Self.answer(of: transition)
        let duplicateOf = try Self.duplicateTarget(of: transition, number, principal, on: connection)
        if transition.to.needsBlockersClosed {
            let blockers = try Self.openBlockers(of: number, on: connection)
            if !blockers.isEmpty { throw Problem.blocked(number, by: blockers, principal) }
        }
        try connection.query(
            Query(
                "issues.transition",
                """
                UPDATE issues SET state = \(transition.to), duplicate_of = \(duplicateOf),
                       facets = array_replace(facets, 's:' || state, 's:' || \(transition.to)),
                       answer = CASE WHEN \(transition.to) = 'resolved' THEN \(answer) ELSE answer END,
                       version = version + 1, updated_at = now()
                WHERE number = \(number)
                """))
        try IssueEvents.record(
            connection, number, actor, kind: "state_changed", field: "state",
            old: .string(current.state.rawValue), new: .string(transition.to.rawValue))
        if let answer {
            try IssueEvents.record(
                connection, number, actor, kind: "field_changed", field: "answer",
                old: current.answer.map(JSONValue.string) ?? .null, new: .string(answer))
        }
        if let duplicateOf {
            try IssueRelationStore.link(.duplicates, number, duplicateOf, principal, actor, on: connection)
        }
        if let comment = transition.comment {
            _ = try IssueCommentStore.insert(number, body: comment, principal, actor, on: connection)
        }
        let updated = try Self.fetch(number, on: connection)!
        try AuditStore.record(
            connection, actor, action: .issueTransition, entityType: .issue, entityID: number,
            before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
        var data: [String: JSONValue] = ["from": .string(current.state.rawValue), "to": .string(transition.to.rawValue)]
        if let answer { data["answer"] = .string(answer) }
        if let comment = transition.comment { data["comment"] = .string(comment) }
        try Outbox.record(connection, .issueTransitioned, issue: updated, related: duplicateOf, actor, data)
        return updated
    }

    /// The answer a transition carries: required when resolving, refused otherwise.
    private static func answer(of transition: Transition) throws -> String? {
        let answer = transition.answer.map(JapaneseText.typedTrimmed)
        if transition.to == .resolved, (answer ?? "").isEmpty {
            throw Problem.unprocessable("answer", Reason("resolving an issue needs the answer", ja: "解決にするには回答が必要です"))
        }
        if transition.to != .resolved, answer != nil {
            throw Problem.unprocessable("answer", Reason("an answer is given only when resolving", ja: "回答は解決にするときだけ書きます"))
        }
        return answer
    }

    /// The issue a transition to `duplicate` names: required then (visible, not itself a
    /// duplicate, not this one), refused otherwise.
    private static func duplicateTarget(
        of transition: Transition, _ number: Int, _ principal: Principal, on connection: Connection
    ) throws -> Int? {
        guard transition.to == .duplicate else {
            if transition.duplicateOf != nil {
                throw Problem.unprocessable("duplicate_of", Reason("is given only when marking an issue duplicate", ja: "重複にするときだけ指定します"))
            }
            return nil
        }
        guard let target = transition.duplicateOf else {
            throw Problem.unprocessable(
                "duplicate_of", Reason("marking an issue duplicate needs the issue it duplicates", ja: "重複にするには重複先の課題が必要です"))
        }
        guard target != number else {
            throw Problem.unprocessable("duplicate_of", Reason("an issue cannot duplicate itself", ja: "課題は自分自身の重複にはできません"))
        }
        guard let other = try Self.facts(target, on: connection), Policy.canSee(issue: other, principal) else {
            throw Problem.unprocessable("duplicate_of", Reason.noIssue(target))
        }
        if other.state == .duplicate {
            throw Problem.unprocessable(
                "duplicate_of",
                Reason("#\(target) is itself a duplicate; name the issue it duplicates", ja: "#\(target)自体が重複です。その重複先の課題を指定してください"))
        }
        return target
    }

    /// The transitions the caller may take now, with the reason a blocked one is not possible.
    func transitions(_ number: Int, for principal: Principal) async throws -> [TransitionOption] {
        try await pool.withConnection { connection in
            try Self.transitions(number, try Self.visibleFacts(number, principal, on: connection), for: principal, on: connection)
        }
    }

    /// The transitions the caller may make from the issue's state, each possible or refused
    /// with its reason (open blockers).
    static func transitions(
        _ number: Int, _ facts: IssueAccessFacts, for principal: Principal, on connection: Connection
    ) throws -> [TransitionOption] {
        let blockers = try openBlockers(of: number, on: connection)
        return Policy.allowedTransitions(facts, principal).map { state in
            let blocked = state.needsBlockersClosed && !blockers.isEmpty
            return TransitionOption(
                to: state, possible: !blocked,
                reason: blocked ? Problem.blocked(number, by: blockers, principal).detail : nil)
        }
    }

    struct TransitionOption: Codable, Sendable {
        let to: IssueState
        let possible: Bool
        let reason: String?
    }

    // MARK: Shared by the issue stores

    /// Open issues that block this one, with what the policy needs to name them or not.
    static func openBlockers(of number: Int, on connection: Connection) throws -> [IssueAccessFacts] {
        try connection.query(
            Query(
                "issues.openBlockers",
                """
                SELECT \(factColumns) FROM issue_relations r JOIN issues i ON i.number = r.from_number
                WHERE r.kind = 'blocks' AND r.to_number = \(number)
                  AND i.state IN \(IssueState.openList)
                ORDER BY i.number
                """)
        ).rows.map(facts)
    }

    static func checkReferences(_ draft: IssueDraft, on connection: Connection) throws {
        let organizations = Array(Set(draft.vendorIDs + (draft.assigneeID.map { [$0] } ?? [])))
        var kinds: [Int: (kind: OrganizationKind, active: Bool)] = [:]
        for row in try connection.query(
            Query(
                "issues.organizationKinds",
                """
                SELECT id, kind, active FROM organizations WHERE id = ANY (\(organizations)::bigint[])
                """)
        ).rows {
            kinds[try row.decode("id")] = (try row.decode("kind"), try row.decode("active"))
        }
        for (index, vendor) in draft.vendorIDs.enumerated() {
            guard let found = kinds[vendor], found.kind == .vendor else {
                throw Problem.unprocessable(
                    "vendor_ids[\(index)]", Reason("no vendor organization \(vendor)", ja: "ベンダーの組織\(vendor)はありません"))
            }
        }
        if let assignee = draft.assigneeID {
            guard let found = kinds[assignee], found.kind != .vendor else {
                throw Problem.unprocessable(
                    "assignee_organization_id",
                    Reason(
                        "no observer, ministry or secretariat organization \(assignee)",
                        ja: "オブザーバー・省庁・事務局の組織\(assignee)はありません"))
            }
            guard found.active else {
                throw Problem.unprocessable(
                    "assignee_organization_id", Reason("organization \(assignee) is inactive", ja: "組織\(assignee)は停止しています"))
            }
        }
        let codes = draft.municipalities.map(\.dantaiCode.rawValue)
        let known = Set(
            try connection.query(
                Query(
                    "issues.knownMunicipalities",
                    """
                    SELECT code FROM municipalities WHERE code = ANY (\(codes)::bpchar[])
                    """)
            ).rows.map { try $0.decode("code", as: String.self) })
        // bpchar[], the column's type: against text[] every code was cast and compared (0.30 ms
        // for 20 codes; 0.14 so). The codes are six digits, so padding cannot make two equal.
        if let index = codes.firstIndex(where: { !known.contains($0) }) {
            throw Problem.unprocessable(
                "municipalities[\(index)].dantai_code",
                Reason("no municipality \(codes[index])", ja: "団体コード\(codes[index])の団体はありません"))
        }
    }

    /// Replaces the vendors, business areas and municipality links with the draft's: on an
    /// edit (`changed` names the fields it changes) only the sets that differ.
    private static func writeLinks(_ number: Int, _ draft: IssueDraft, changedFrom changed: Set<String>?, on connection: Connection) throws {
        if changed?.contains("vendor_ids") ?? !draft.vendorIDs.isEmpty {
            try connection.query(
                Query(
                    "issues.setVendors",
                    """
                    WITH dropped AS (DELETE FROM issue_vendors WHERE issue_number = \(number) AND NOT (vendor_id = ANY (\(draft.vendorIDs)::bigint[])))
                    INSERT INTO issue_vendors (issue_number, vendor_id) SELECT \(number), unnest(\(draft.vendorIDs)::bigint[]) ON CONFLICT DO NOTHING
                    """))
        }
        let areas = draft.businessAreas.map(\.rawValue)
        if changed?.contains("business_areas") ?? !areas.isEmpty {
            try connection.query(
                Query(
                    "issues.setAreas",
                    """
                    WITH dropped AS (DELETE FROM issue_business_areas WHERE issue_number = \(number) AND NOT (business_area = ANY (\(areas)::text[])))
                    INSERT INTO issue_business_areas (issue_number, business_area) SELECT \(number), unnest(\(areas)::text[]) ON CONFLICT DO NOTHING
                    """))
        }
        guard changed?.contains("municipalities") ?? !draft.municipalities.isEmpty else { return }
        let links = try JSONB(
            draft.municipalities.map {
                [
                    "code": $0.dantaiCode.rawValue, "impact": $0.impact.rawValue,
                    "areas": $0.businessAreas.map(\.rawValue).joined(separator: ","),
                ]
            })
        try connection.query(
            Query(
                "issues.setMunicipalities",
                """
                WITH wanted AS (
                    SELECT x.code, x.impact, CASE WHEN x.areas = '' THEN '{}'::text[] ELSE string_to_array(x.areas, ',') END AS areas
                    FROM jsonb_to_recordset(\(links)::jsonb) AS x(code text, impact text, areas text)),
                dropped AS (DELETE FROM issue_municipalities WHERE issue_number = \(number) AND dantai_code NOT IN (SELECT code FROM wanted))
                INSERT INTO issue_municipalities (issue_number, dantai_code, impact, business_areas)
                SELECT \(number), code, impact, areas FROM wanted
                ON CONFLICT (issue_number, dantai_code) DO UPDATE SET impact = excluded.impact, business_areas = excluded.business_areas
                """))
    }

    /// A new issue's facets (sql/0020: `issue_facets_of` defines the entries), from the draft.
    static func facets(of draft: IssueDraft, state: IssueState) -> SQL {
        let codes = draft.municipalities.map(\.dantaiCode.rawValue), impacts = draft.municipalities.map(\.impact.rawValue)
        return """
            issue_facets_of(\(state), \(draft.severity), \(draft.category), \(draft.vendorIDs)::bigint[],
                            \(draft.businessAreas.map(\.rawValue))::text[], \(codes)::text[], \(impacts)::text[])
            """
    }

    /// The search key of an issue's own text (title and body).
    static func ownSearchKey(_ draft: IssueDraft) -> String {
        IssueSearchKey.make(draft.title) + "\n" + IssueSearchKey.make(draft.body)
    }

    /// The facts of an issue the caller may see; 404 when it is absent or invisible.
    static func visibleFacts(_ number: Int, _ principal: Principal, on connection: Connection, lock: Bool = false) throws -> IssueAccessFacts {
        guard let facts = try facts(number, on: connection, lock: lock), Policy.canSee(issue: facts, principal) else {
            throw Problem.noIssue(number)
        }
        return facts
    }

    /// Issue numbers are PostgreSQL integers: anything larger names no issue (rather than an error).
    static func isPossibleNumber(_ number: Int) -> Bool { (1...Int(Int32.max)).contains(number) }

    static func fetch(_ number: Int, on connection: Connection, lock: Bool = false) throws -> Issue? {
        guard isPossibleNumber(number) else { return nil }
        let lockClause: SQL = lock ? "FOR UPDATE OF i" : ""
        return try connection.query(
            Query(
                lock ? "issues.byNumberForUpdate" : "issues.byNumber",
                """
                SELECT \(columns) FROM issues i \(joins) WHERE i.number = \(number) \(lockClause)
                """)
        ).first.map(issue)
    }

    static func facts(_ number: Int, on connection: Connection, lock: Bool = false) throws -> IssueAccessFacts? {
        guard isPossibleNumber(number) else { return nil }
        let lockClause: SQL = lock ? "FOR UPDATE" : ""
        return try connection.query(
            Query(
                lock ? "issues.factsForUpdate" : "issues.facts",
                """
                SELECT \(factColumns) FROM issues i WHERE i.number = \(number) \(lockClause)
                """)
        ).first.map(facts)
    }

    static let factColumns: SQL = """
        i.number, i.visibility, i.state, i.reporter_organization_id, i.assignee_organization_id,
        ARRAY(SELECT v.vendor_id FROM issue_vendors v WHERE v.issue_number = i.number ORDER BY v.vendor_id)::bigint[] AS vendor_ids
        """

    static func facts(_ row: Row) throws -> IssueAccessFacts {
        IssueAccessFacts(
            number: try row.decode("number"), visibility: try row.decode("visibility"), state: try row.decode("state"),
            reporterOrganizationID: try row.decode("reporter_organization_id"),
            assigneeOrganizationID: try row.decodeIfPresent("assignee_organization_id"),
            vendorIDs: try row.decode("vendor_ids"))
    }

    static let joins: SQL = """
        JOIN organizations ro ON ro.id = i.reporter_organization_id
        LEFT JOIN organizations ao ON ao.id = i.assignee_organization_id
        """

    /// An issue's columns. Each link's 団体 and each area's rank are read by key, one index probe
    /// per row (a link's 団体 is a foreign key, never missing): as joins, PostgreSQL hashed the whole
    /// municipalities table for every issue — 0.35 of a get's 0.52 ms, 12 of a 50-issue page's 14
    /// (bench/RESULTS.md).
    static let columns: SQL = """
        i.number, i.title, i.body, i.category, i.severity, i.visibility, i.state, i.reporter_account_id,
        i.reporter_organization_id, ro.name AS reporter_organization_name,
        i.assignee_organization_id, ao.name AS assignee_organization_name,
        i.due_date, i.labels, i.answer, i.duplicate_of, i.version, i.created_at, i.updated_at,
        ARRAY(SELECT o.id || chr(31) || o.name
              FROM issue_vendors v JOIN organizations o ON o.id = v.vendor_id WHERE v.issue_number = i.number ORDER BY o.id) AS vendors,
        ARRAY(SELECT a.business_area FROM issue_business_areas a WHERE a.issue_number = i.number
              ORDER BY (SELECT b.sort_order FROM business_areas b WHERE b.slug = a.business_area))::text[] AS business_areas,
        ARRAY(SELECT m.dantai_code || chr(31) || m.impact || chr(31)
                     || (SELECT mu.prefecture_code || chr(31) || array_to_string(m.business_areas, ',') || chr(31) || mu.name
                         FROM municipalities mu WHERE mu.code = m.dantai_code)
              FROM issue_municipalities m WHERE m.issue_number = i.number ORDER BY m.dantai_code) AS municipalities
        """

    /// Vendors and municipalities arrive as text arrays of fields joined by U+001F, the name
    /// last (only names are free text): parsing them costs a fraction of decoding JSON.
    /// Split on the bytes (U+001F is a control character, always a boundary of its own): split by
    /// Characters, this took a quarter of decoding an issue.
    static func packedFields(_ packed: String, count: Int, column: String) throws -> [Substring] {
        let fields = packed.utf8.split(separator: 0x1F, maxSplits: count - 1, omittingEmptySubsequences: false)
        guard fields.count == count else {
            throw DatabaseError(.decoding, "column '\(column)' holds a malformed entry", column: column)
        }
        return fields.map { Substring($0) }
    }

    static func vendors(_ packed: [String]) throws -> [OrganizationRef] {
        try packed.map { entry in
            let fields = try packedFields(entry, count: 2, column: "vendors")
            guard let id = Int(fields[0]) else { throw DatabaseError(.decoding, "column 'vendors' holds a malformed id", column: "vendors") }
            return OrganizationRef(id: id, name: String(fields[1]))
        }
    }

    static func municipalities(_ packed: [String]) throws -> [IssueMunicipality] {
        try packed.map { entry in
            let fields = try packedFields(entry, count: 5, column: "municipalities")
            let areas =
                fields[3].isEmpty ? [] : fields[3].utf8.split(separator: UInt8(ascii: ",")).map { BusinessArea(rawValue: String(Substring($0))) }
            guard let code = MunicipalityCode(rawValue: String(fields[0])), let impact = IssueImpact(rawValue: String(fields[1])),
                let prefecture = PrefectureCode(rawValue: String(fields[2])), !areas.contains(nil)
            else {
                throw DatabaseError(.decoding, "column 'municipalities' holds a malformed entry", column: "municipalities")
            }
            return IssueMunicipality(
                dantaiCode: code, impact: impact, businessAreas: areas.compactMap { $0 },
                name: String(fields[4]), prefectureCode: prefecture)
        }
    }

    static func issue(_ row: Row) throws -> Issue {
        let assigneeID: Int? = try row.decodeIfPresent("assignee_organization_id")
        return Issue(
            number: try row.decode("number"), title: try row.decode("title"), body: try row.decode("body"),
            category: try row.decode("category"), severity: try row.decode("severity"), visibility: try row.decode("visibility"),
            state: try row.decode("state"), reporterAccountID: try row.decode("reporter_account_id"),
            reporterOrganization: OrganizationRef(id: try row.decode("reporter_organization_id"), name: try row.decode("reporter_organization_name")),
            assigneeOrganization: try assigneeID.map { OrganizationRef(id: $0, name: try row.decode("assignee_organization_name")) },
            vendors: try Self.vendors(row.decode("vendors")), businessAreas: try row.decode("business_areas"),
            municipalities: try Self.municipalities(row.decode("municipalities")),
            dueDate: try row.decodeIfPresent("due_date"), labels: try row.decode("labels"), answer: try row.decodeIfPresent("answer"),
            duplicateOf: try row.decodeIfPresent("duplicate_of"), version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }
}

/// What `q` matches against: NFKC, hiragana folded to katakana, lower case.
enum IssueSearchKey {
    static func make(_ text: String) -> String {
        JapaneseText.searchKey(text).lowercased()
    }

    /// Every 1- and 2-character substring of a key, by Unicode scalar (as PostgreSQL's substr
    /// counts, so these equal SQL's `search_grams(key)`): what the gram index holds per source.
    static func grams(_ key: String) -> [String] {
        let scalars = Array(key.unicodeScalars)
        var grams = Set<String>(scalars.map { String($0) })
        for index in scalars.indices.dropLast() {
            var gram = String.UnicodeScalarView()
            gram.append(scalars[index])
            gram.append(scalars[index + 1])
            grams.insert(String(gram))
        }
        return grams.sorted()
    }
}

extension Row {
    /// A json/jsonb column decoded in the API's conventions (snake_case keys).
    func decodeJSON<Value: Decodable>(_ column: String, as type: Value.Type) throws -> Value {
        let text: String = try decode(column)
        do {
            return try JSONCoding.decoder.decode(Value.self, from: Data(text.utf8))
        } catch {
            throw DatabaseError(.decoding, "column '\(column)' is not a \(Value.self): \(error)", column: column, queryName: queryName)
        }
    }
}

extension Problem {
    static func noIssue(_ number: Int) -> Problem { .notFound(.noIssue(number)) }

    static func preconditionFailed(current etag: String) -> Problem {
        var problem = Problem(
            .staleVersion,
            Reason(
                "the issue changed since you read it (now \(etag)); fetch it again and reapply your change",
                ja: "読み込んだ後に課題が変更されました（いまは\(etag)）。読み直してから変更をやり直してください"),
            errors: [
                ProblemItem(field: "If-Match", Reason("does not match the current ETag \(etag)", ja: "いまのETag \(etag)と一致しません"))
            ])
        problem.headers[.eTag] = etag
        return problem
    }

    /// A transition's `from` no longer holds: someone moved the issue first.
    static func stateMoved(expected: IssueState, current: Issue) -> Problem {
        var problem = Problem(
            .staleVersion,
            Reason(
                "the issue is now \(current.state.rawValue), not \(expected.rawValue); someone moved it since you read it",
                ja: "課題はいま「\(current.state.japaneseLabel)」で「\(expected.japaneseLabel)」ではありません。読み込んだ後に誰かが動かしました"),
            errors: [
                ProblemItem(
                    field: "from", Reason("the issue is now \(current.state.rawValue)", ja: "課題はいま「\(current.state.japaneseLabel)」です"))
            ])
        problem.headers[.eTag] = current.etag
        return problem
    }

    static func transitionRefused(from: IssueState, to: IssueState, allowed: [IssueState]) -> Problem {
        let list = allowed.isEmpty ? "none" : allowed.map(\.rawValue).joined(separator: ", ")
        let japaneseList = allowed.isEmpty ? "なし" : allowed.map(\.japaneseLabel).joined(separator: "、")
        return Problem(
            .transitionNotAllowed,
            Reason(
                "you may not move this issue from \(from.rawValue) to \(to.rawValue); allowed now: \(list)",
                ja: "この課題を「\(from.japaneseLabel)」から「\(to.japaneseLabel)」へは動かせません（いま動かせる先：\(japaneseList)）"),
            errors: [ProblemItem(field: "to", Reason("allowed: \(list)", ja: "動かせる先：\(japaneseList)"))])
    }

    /// The closing guard. Blockers the caller may not see are counted, not named.
    static func blocked(_ number: Int, by blockers: [IssueAccessFacts], _ principal: Principal) -> Problem {
        let visible = blockers.filter { Policy.canSee(issue: $0, principal) }.map { "#\($0.number)" }
        let hidden = blockers.count - visible.count
        var names = visible, japaneseNames = visible
        if hidden > 0 {
            names.append("\(hidden) restricted issue\(hidden == 1 ? "" : "s")")
            japaneseNames.append("限定公開の課題\(hidden)件")
        }
        return Problem(
            .blocked,
            Reason(
                "#\(number) is blocked by \(names.joined(separator: ", ")), still open; resolve or close them first",
                ja: "#\(number)は未完了の\(japaneseNames.joined(separator: "、"))にブロックされています。先にそれらを解決するか閉じてください"),
            errors: visible.map { ProblemItem(field: "blocked_by", detail: $0) })
    }
}

extension Reason {
    static func noIssue(_ number: Int) -> Reason { Reason("no issue #\(number)", ja: "課題#\(number)はありません") }
}
