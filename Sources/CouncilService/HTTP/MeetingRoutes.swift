import Hummingbird

/// Council meetings (協議会): the secretariat plans them and their agendas and records
/// decisions; everyone reads them and their handouts.
struct MeetingRoutes: Sendable {
    let store: MeetingStore

    struct NewMeeting: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case number, heldOn, title, attendeeIDs }
        let number: Int?
        let heldOn: CalendarDate
        let title: String
        let attendeeIDs: [Int]?
    }

    struct MeetingPatch: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case number, heldOn, title, state, attendeeIDs }
        let number: FieldUpdate<Int>
        let heldOn: FieldUpdate<CalendarDate>
        let title: FieldUpdate<String>
        let state: FieldUpdate<MeetingState>
        let attendeeIDs: FieldUpdate<[Int]>
    }

    struct NewItem: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case issueNumber, topic, presenterOrganizationID, allottedMinutes, position }
        let issueNumber: Int?
        let topic: String?
        let presenterOrganizationID: Int?
        let allottedMinutes: Int?
        let position: Int?
    }

    struct ItemPatch: JSONRequestBody {
        static let nullableKeys: [CodingKeys] = [.presenterOrganizationID, .minutes]
        enum CodingKeys: String, CodingKey, CaseIterable { case topic, presenterOrganizationID, allottedMinutes, status, minutes, position }
        let topic: FieldUpdate<String>
        let presenterOrganizationID: FieldUpdate<Int?>
        let allottedMinutes: FieldUpdate<Int>
        let status: FieldUpdate<AgendaItemStatus>
        let minutes: FieldUpdate<String?>
        let position: Int?
    }

    struct Decision: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case decision, moveTo, answer }
        let decision: String
        let moveTo: IssueState?
        let answer: String?
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["limit", "offset"])
        return try .json(try await store.meetings(page: try parameters.page(), scope: Policy.issueScope(try context.caller())))
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(try await store.meeting(try context.id("id"), scope: Policy.issueScope(try context.caller())))
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(NewMeeting.self, context: context)
        let meeting = try await store.create(
            MeetingDraft(
                number: body.number, heldOn: body.heldOn, title: body.title,
                attendeeIDs: body.attendeeIDs ?? []), by: try context.auditActor())
        var response = try Response.json(meeting, status: .created)
        response.headers[.location] = "/v1/meetings/\(meeting.id)"
        return response
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let patch = try await request.decodeJSON(MeetingPatch.self, context: context)
        return try .json(
            try await store.update(try context.id("id"), by: try context.auditActor()) { meeting in
                MeetingDraft(
                    number: patch.number.apply(to: meeting.number), heldOn: patch.heldOn.apply(to: meeting.heldOn),
                    title: patch.title.apply(to: meeting.title), state: patch.state.apply(to: meeting.state),
                    attendeeIDs: patch.attendeeIDs.apply(to: meeting.attendees.map(\.id)))
            })
    }

    func addItem(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(NewItem.self, context: context)
        let draft = AgendaItemDraft(
            issueNumber: body.issueNumber, topic: body.topic, presenterID: body.presenterOrganizationID,
            allottedMinutes: body.allottedMinutes ?? 10)
        return try .json(
            try await store.addItem(try context.id("id"), draft, position: body.position, by: try context.auditActor()),
            status: .created)
    }

    func propose(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(["items": try await store.propose(try context.id("id"), by: try context.auditActor())])
    }

    func updateItem(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let patch = try await request.decodeJSON(ItemPatch.self, context: context)
        let meeting = try context.id("id"), item = try context.id("item")
        return try .json(
            try await store.updateItem(meeting, item: item, position: patch.position, by: try context.auditActor()) { current in
                var topic = current.topic
                if case .set(let given) = patch.topic {
                    guard current.issue == nil else {
                        throw Problem.invalid("topic", Reason("an item linked to an issue takes the issue's title", ja: "課題に結び付いた議題の題名は課題の件名です"))
                    }
                    topic = given
                }
                return AgendaItemDraft(
                    issueNumber: current.issue?.number, topic: topic,
                    presenterID: patch.presenterOrganizationID.apply(to: current.presenter?.id),
                    allottedMinutes: patch.allottedMinutes.apply(to: current.allottedMinutes),
                    status: patch.status.apply(to: current.status), minutes: patch.minutes.apply(to: current.minutes))
            })
    }

    func deleteItem(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try await store.deleteItem(try context.id("id"), item: try context.id("item"), by: try context.auditActor())
        return Response(status: .noContent)
    }

    func decide(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(Decision.self, context: context)
        return try .json(
            try await store.decide(
                try context.id("id"), item: try context.id("item"), decision: body.decision,
                moveTo: body.moveTo, answer: body.answer, by: try context.caller(), try context.auditActor()))
    }

    func handout(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let meeting = try await store.meeting(try context.id("id"), scope: Policy.issueScope(try context.caller()))
        return .text(MeetingHandout.markdown(meeting), contentType: "text/markdown; charset=utf-8")
    }

    func export(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ExportResponse.parameters)
        let meeting = try await store.meeting(try context.id("id"), scope: Policy.issueScope(try context.caller()))
        return try ExportResponse.make(MeetingHandout.table(meeting), parameters, filename: "meeting-\(meeting.number)")
    }
}
