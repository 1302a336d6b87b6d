import CouncilDatabase
import Hummingbird

/// Migration issues: report, find, read, edit (with If-Match), move through the workflow.
struct IssueRoutes: Sendable {
    let store: IssueStore
    let search: IssueSearch
    let events: IssueEvents
    let savedQueries: SavedQueryStore

    struct MunicipalityLink: Decodable, Sendable {
        let dantaiCode: MunicipalityCode
        let impact: IssueImpact
        let businessAreas: [BusinessArea]?

        var link: IssueMunicipality { IssueMunicipality(dantaiCode: dantaiCode, impact: impact, businessAreas: businessAreas ?? []) }
    }

    struct NewIssue: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case title, body, category, severity, visibility, vendorIDs, businessAreas, municipalities, assigneeOrganizationID, dueDate, labels
        }
        let title: String
        let body: String?
        let category: IssueCategory
        let severity: IssueSeverity
        let visibility: IssueVisibility?
        let vendorIDs: [Int]?
        let businessAreas: [BusinessArea]?
        let municipalities: [MunicipalityLink]?
        let assigneeOrganizationID: Int?
        let dueDate: CalendarDate?
        let labels: [String]?
    }

    struct Patch: JSONRequestBody {
        static let nullableKeys: [CodingKeys] = [.assigneeOrganizationID, .dueDate]
        enum CodingKeys: String, CodingKey, CaseIterable {
            case title, body, category, severity, visibility, vendorIDs, businessAreas, municipalities, assigneeOrganizationID, dueDate, labels
        }
        let title: FieldUpdate<String>
        let body: FieldUpdate<String>
        let category: FieldUpdate<IssueCategory>
        let severity: FieldUpdate<IssueSeverity>
        let visibility: FieldUpdate<IssueVisibility>
        let vendorIDs: FieldUpdate<[Int]>
        let businessAreas: FieldUpdate<[BusinessArea]>
        let municipalities: FieldUpdate<[MunicipalityLink]>
        let assigneeOrganizationID: FieldUpdate<Int?>
        let dueDate: FieldUpdate<CalendarDate?>
        let labels: FieldUpdate<[String]>

        func apply(to issue: Issue) -> IssueDraft {
            var links = issue.municipalities.map(\.link)
            if case .set(let given) = municipalities { links = given.map(\.link) }
            return IssueDraft(
                title: title.apply(to: issue.title), body: body.apply(to: issue.body), category: category.apply(to: issue.category),
                severity: severity.apply(to: issue.severity), visibility: visibility.apply(to: issue.visibility),
                vendorIDs: vendorIDs.apply(to: issue.vendors.map(\.id)), businessAreas: businessAreas.apply(to: issue.businessAreas),
                municipalities: links, assigneeID: assigneeOrganizationID.apply(to: issue.assigneeOrganization?.id),
                dueDate: dueDate.apply(to: issue.dueDate), labels: labels.apply(to: issue.labels))
        }
    }

    struct TransitionBody: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case to, from, answer, duplicateOf, comment }
        let to: IssueState
        let from: IssueState?
        let answer: String?
        let duplicateOf: Int?
        let comment: String?
    }

    static let listParameters: Set<String> = ["cursor", "limit"]

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let parameters = try await IssueQuery.parameters(request, extra: Self.listParameters, savedQueries: savedQueries, principal: principal)
        let sort = try IssueQuery.sort(parameters)
        let cursor = try IssueQuery.cursor(parameters, sort: sort)
        let limit = try parameters.int("limit", default: 50, range: 1...500)
        return try .json(try await search.page(try IssueQuery.filter(parameters), sort: sort, after: cursor, limit: limit, for: principal))
    }

    func export(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try await IssueQuery.export(request, search: search, savedQueries: savedQueries, for: try context.caller())
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let body = try await request.decodeJSON(NewIssue.self, context: context)
        // A vendor's report concerns that vendor unless it says otherwise.
        let vendors = body.vendorIDs ?? (principal.organizationKind == .vendor ? [principal.organizationID] : [])
        let draft = IssueDraft(
            title: body.title, body: body.body ?? "", category: body.category, severity: body.severity,
            visibility: body.visibility ?? .council, vendorIDs: vendors, businessAreas: body.businessAreas ?? [],
            municipalities: (body.municipalities ?? []).map(\.link), assigneeID: body.assigneeOrganizationID, dueDate: body.dueDate,
            labels: body.labels ?? [])
        var setting: [String] = []
        if body.assigneeOrganizationID != nil { setting.append("assignee_organization_id") }
        if body.dueDate != nil { setting.append("due_date") }
        try Policy.requireCreate(setting: setting, principal)
        return try .issue(try await store.create(draft, by: principal, try context.auditActor()), status: .created)
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        return try .issue(
            try await context.authenticatedRead {
                try await store.issue(number, bearer: $0)
            } otherwise: {
                try await store.issue(number, for: $0)
            })
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let principal = try context.caller()
        // Invisible issues answer 404 before anything about the request is judged.
        try await store.requireVisible(number, for: principal)
        guard let expected = try IfMatch.version(request, issue: number, required: true) else { throw Problem.preconditionRequired }
        let patch = try await request.decodeJSON(Patch.self, context: context)
        return try .issue(
            try await store.update(number, expectedVersion: expected, by: principal, try context.auditActor()) { issue in
                patch.apply(to: issue)
            })
    }

    func transition(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let principal = try context.caller()
        try await store.requireVisible(number, for: principal)
        let expected = try IfMatch.version(request, issue: number, required: false)
        let body = try await request.decodeJSON(TransitionBody.self, context: context)
        let transition = IssueStore.Transition(
            to: body.to, answer: body.answer, duplicateOf: body.duplicateOf, comment: body.comment,
            expectedVersion: expected, expectedState: body.from)
        return try .issue(try await store.transition(number, transition, by: principal, try context.auditActor()))
    }

    func transitions(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        return try .json(["items": try await store.transitions(number, for: try context.caller())])
    }

    func listEvents(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let parameters = try QueryParameters(request, allowed: ["after", "limit"])
        return try .json(
            try await events.events(
                number, after: try parameters.id("after"),
                limit: try parameters.int("limit", default: 100, range: 1...1000), for: try context.caller()))
    }
}
