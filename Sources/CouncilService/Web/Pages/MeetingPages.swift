import Hummingbird

/// 協議会 in the browser: the list of meetings, a meeting's page (its agenda as the reader's
/// visibility allows), and the print view of its handout. The secretariat plans meetings here;
/// the agenda's own forms are in `AgendaPages`. The same `MeetingStore` and `Policy` as `/v1/meetings`.
struct MeetingPages: Sendable {
    let store: MeetingStore
    let organizations: OrganizationStore

    static let pageSize = 50

    // MARK: The list

    struct ListModel: Sendable, Encodable {
        let meetings: [Row]
        let manages: Bool
        let form: MeetingForm
        let nextPage: String?
        let previousPage: String?
        var errors: [String] = []
    }

    struct Row: Sendable, Encodable {
        let id: Int
        let number: Int
        let title: String
        let heldOn: String
        let state: String
        let items: Int
    }

    /// The meeting's own fields, as the create and edit forms show them.
    struct MeetingForm: Sendable, Encodable {
        let number: String
        let title: String
        let heldOn: String
        let states: [PageChoice]
        let attendees: [PageChoice]
    }

    func list(_ page: PageRequest) async throws -> Response {
        page.render("meetings", try await listModel(page, form: nil))
    }

    func create(_ page: PageRequest) async throws -> Response {
        try Policy.authorize(.secretariat, try page.caller())
        let typed = TypedMeeting(page.form)
        do {
            let meeting = try await store.create(try typed.draft(state: .planned), by: try page.auditActor())
            return PageDispatcher.redirect(to: "/meetings/\(meeting.id)?done=created")
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await listModel(page, form: typed)
            model.errors = page.reasons(problem)
            return page.render("meetings", model, status: .unprocessableContent)
        }
    }

    private func listModel(_ page: PageRequest, form typed: TypedMeeting?) async throws -> ListModel {
        let principal = try page.caller()
        let offset = max(0, min(Page.maxOffset, page.request.uri.queryParameters["offset"].flatMap { Int(String($0)) } ?? 0))
        let meetings = try await store.meetings(page: Page(limit: Self.pageSize, offset: offset), scope: Policy.issueScope(principal))
        let manages = principal.isSecretariat
        return ListModel(
            meetings: meetings.items.map { meeting in
                Row(
                    id: meeting.id, number: meeting.number, title: meeting.title, heldOn: PageFormat.eraDate(meeting.heldOn, page.language),
                    state: page.language.word(.meetingState, meeting.state.rawValue), items: meeting.agenda.filter { $0.status == .confirmed }.count)
            },
            manages: manages,
            form: form(typed ?? TypedMeeting(), page, attendees: manages ? try await activeOrganizations() : []),
            nextPage: offset + Self.pageSize < meetings.total ? "/meetings?offset=\(offset + Self.pageSize)" : nil,
            previousPage: offset > 0 ? "/meetings?offset=\(max(0, offset - Self.pageSize))" : nil)
    }

    // MARK: One meeting

    func show(_ page: PageRequest) async throws -> Response {
        let meeting = try await store.meeting(try page.context.id("id"), scope: Policy.issueScope(try page.caller()))
        var model = try await meetingModel(meeting, page)
        if let done = page.request.uri.queryParameters["done"].map(String.init), PageText.entries["meeting_done_" + done] != nil {
            model.notice = page.word("meeting_done_" + done)
        }
        return page.render("meeting", model)
    }

    struct EditModel: Sendable, Encodable {
        let id: Int
        let number: Int
        let title: String
        let form: MeetingForm
        var errors: [String] = []
    }

    /// The meeting's own fields (state, number, date, title, attendees) on a page of their own:
    /// the meeting page, opened far more often, does not carry every organization's checkbox.
    func editForm(_ page: PageRequest) async throws -> Response {
        try Policy.authorize(.secretariat, try page.caller())
        let meeting = try await store.meeting(try page.context.id("id"), scope: .all)
        return page.render("meeting-edit", try await editModel(meeting, TypedMeeting(meeting), page))
    }

    func update(_ page: PageRequest) async throws -> Response {
        try Policy.authorize(.secretariat, try page.caller())
        let id = try page.context.id("id")
        let typed = TypedMeeting(page.form)
        do {
            let state = try typed.state()
            _ = try await store.update(id, by: try page.auditActor()) { _ in try typed.draft(state: state) }
            return PageDispatcher.redirect(to: "/meetings/\(id)?done=saved")
        } catch {
            let problem = try Problem.refusal(error)
            var model = try await editModel(try await store.meeting(id, scope: .all), typed, page)
            model.errors = page.reasons(problem)
            return page.render("meeting-edit", model, status: .unprocessableContent)
        }
    }

    private func editModel(_ meeting: Meeting, _ typed: TypedMeeting, _ page: PageRequest) async throws -> EditModel {
        EditModel(
            id: meeting.id, number: meeting.number, title: meeting.title,
            form: form(typed, page, attendees: try await activeOrganizations()))
    }

    /// The handout as it is printed and handed out: A4, a page per section, 和暦 and Western dates.
    func handout(_ page: PageRequest) async throws -> Response {
        let meeting = try await store.meeting(try page.context.id("id"), scope: Policy.issueScope(try page.caller()))
        return page.render("meeting-handout", try await meetingModel(meeting, page, forPrint: true))
    }

    /// The agenda table as the API exports it (CSV or .xlsx), for the signed-in browser.
    func export(_ page: PageRequest) async throws -> Response {
        let parameters = try QueryParameters(page.request, allowed: ExportResponse.parameters)
        let meeting = try await store.meeting(try page.context.id("id"), scope: Policy.issueScope(try page.caller()))
        return try ExportResponse.make(MeetingHandout.table(meeting), parameters, filename: "meeting-\(meeting.number)")
    }

    struct MeetingModel: Sendable, Encodable {
        let id: Int
        let number: Int
        let title: String
        let heldOn: String
        let heldOnWestern: String
        let state: String
        let attendees: [String]
        let items: [AgendaPages.ItemRow]
        let confirmed: [AgendaPages.ItemRow]
        let totalMinutes: Int
        /// The secretariat, on a meeting not cancelled: the agenda's forms show.
        let manages: Bool
        let planned: Bool
        let add: AgendaPages.AddForm?
        var errors: [String] = []
        var notice: String?
    }

    func meetingModel(
        _ meeting: Meeting, _ page: PageRequest, forPrint: Bool = false,
        keep: AgendaPages.TypedDecision? = nil, adding: AgendaPages.TypedItem? = nil
    ) async throws -> MeetingModel {
        let principal = try page.caller()
        let manages = !forPrint && principal.isSecretariat && meeting.state != .cancelled
        let rows = meeting.agenda.map { AgendaPages.row($0, of: meeting, page, manages: manages, keep: keep) }
        let confirmed = rows.filter { !$0.proposed }
        return MeetingModel(
            id: meeting.id, number: meeting.number, title: meeting.title, heldOn: PageFormat.eraDate(meeting.heldOn, page.language),
            heldOnWestern: meeting.heldOn.rawValue, state: page.language.word(.meetingState, meeting.state.rawValue),
            attendees: meeting.attendees.map(\.name), items: forPrint ? confirmed.enumerated().map { $1.numbered($0 + 1) } : rows,
            confirmed: confirmed.enumerated().map { $1.numbered($0 + 1) },
            totalMinutes: meeting.agenda.filter { $0.status == .confirmed }.map(\.allottedMinutes).reduce(0, +),
            manages: manages, planned: meeting.state == .planned,
            // Those who present attend: the meeting's attendees, and the secretariat itself.
            add: manages
                ? AgendaPages.addForm(
                    adding ?? AgendaPages.TypedItem(),
                    [OrganizationRef(id: principal.organizationID, name: page.word("secretariat"))]
                        + meeting.attendees.filter { $0.id != principal.organizationID }) : nil)
    }

    /// The meeting's fields; `attendees` are the organizations offered as attendees (none: no choice shown).
    private func form(_ typed: TypedMeeting, _ page: PageRequest, attendees organizations: [Organization]) -> MeetingForm {
        MeetingForm(
            number: typed.number, title: typed.title, heldOn: typed.heldOn,
            states: MeetingState.allCases.map {
                PageChoice(value: $0.rawValue, label: page.language.word(.meetingState, $0.rawValue), checked: $0.rawValue == typed.stateSlug)
            },
            attendees: organizations.map { PageChoice(value: String($0.id), label: $0.name, checked: typed.attendeeIDs.contains($0.id)) })
    }

    /// Who can attend: every active organization (hundreds at most), by kind then name.
    func activeOrganizations() async throws -> [Organization] {
        try await organizations.organizations(kind: nil, active: true, page: Page(limit: Page.maxLimit)).items
    }
}

/// A meeting's fields as typed into the create or edit form, kept to show again when refused.
struct TypedMeeting: Sendable, Encodable {
    var number = ""
    var title = ""
    var heldOn = ""
    var stateSlug = MeetingState.planned.rawValue
    var attendeeIDs: [Int] = []

    init() {}

    init(_ form: FormBody) {
        number = form["number"] ?? ""
        title = form["title"] ?? ""
        heldOn = form["held_on"] ?? ""
        stateSlug = form["state"] ?? MeetingState.planned.rawValue
        attendeeIDs = form.all("attendee_ids").compactMap { Int($0) }
    }

    init(_ meeting: Meeting) {
        number = String(meeting.number)
        title = meeting.title
        heldOn = meeting.heldOn.rawValue
        stateSlug = meeting.state.rawValue
        attendeeIDs = meeting.attendees.map(\.id)
    }

    func state() throws -> MeetingState {
        guard let state = MeetingState(rawValue: stateSlug) else {
            throw Problem.invalid("state", Reason("choose planned, held or cancelled", ja: "予定・開催済み・中止のどれかを選んでください"))
        }
        return state
    }

    /// The draft the store checks; a date is taken in any form people write (2026/12/10, 令和8年12月10日).
    func draft(state: MeetingState) throws -> MeetingDraft {
        let trimmed = number.trimmingCharacters(in: .whitespaces)
        var meetingNumber: Int?
        if !trimmed.isEmpty {
            guard let parsed = Int(trimmed) else { throw Problem.invalid("number", Reason.meetingNumberRange) }
            meetingNumber = parsed
        }
        guard let date = CalendarDate(typed: heldOn) else { throw Problem.invalid("held_on", CalendarDate.whyInvalidTyped(heldOn)) }
        let draft = MeetingDraft(number: meetingNumber, heldOn: date, title: title, state: state, attendeeIDs: attendeeIDs)
        try draft.validate()
        return draft
    }
}
