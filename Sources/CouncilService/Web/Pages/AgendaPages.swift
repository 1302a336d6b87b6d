import Hummingbird

/// A meeting's agenda, for the secretariat: add an issue or a topic, take the proposals
/// (`on_agenda` and critical issues), confirm or remove them, move items up and down (plain forms,
/// so ordering works without JavaScript), write the minutes, record decisions that move the
/// linked issue. A refusal (the workflow's, a cancelled meeting's) is shown on the meeting page
/// with what was typed kept.
struct AgendaPages: Sendable {
    let store: MeetingStore
    let meetings: MeetingPages

    // MARK: What the meeting page shows per item

    struct ItemRow: Sendable, Encodable {
        let id: Int
        let position: Int
        let subject: String
        let issueNumber: Int?
        let issueState: String?
        let presenter: String?
        let allottedMinutes: Int
        let proposed: Bool
        let minutes: String?
        let minutesText: PlainText?
        let decision: String?
        let decisionText: PlainText?
        let decidedAt: String?
        let manages: Bool
        let moveUp: Int?
        let moveDown: Int?
        let removable: Bool
        let decide: DecisionForm?

        func numbered(_ position: Int) -> ItemRow {
            ItemRow(
                id: id, position: position, subject: subject, issueNumber: issueNumber, issueState: issueState, presenter: presenter,
                allottedMinutes: allottedMinutes, proposed: proposed, minutes: minutes, minutesText: minutesText, decision: decision,
                decisionText: decisionText, decidedAt: decidedAt, manages: manages, moveUp: moveUp, moveDown: moveDown, removable: removable,
                decide: decide)
        }
    }

    struct DecisionForm: Sendable, Encodable {
        let decision: String
        let answer: String
        let states: [PageChoice]
        let errors: [String]
    }

    struct AddForm: Sendable, Encodable {
        let issueNumber: String
        let topic: String
        let allottedMinutes: String
        let presenters: [PageChoice]
    }

    /// A decision as typed, kept when the workflow refuses it.
    struct TypedDecision: Sendable, Encodable {
        let item: Int
        let decision: String
        let moveTo: String
        let answer: String
        var errors: [String] = []
    }

    /// An item as typed into the add form.
    struct TypedItem: Sendable, Encodable {
        var issueNumber = ""
        var topic = ""
        var allottedMinutes = "10"
        var presenter = ""

        init() {}

        init(_ form: FormBody) {
            issueNumber = form["issue_number"] ?? ""
            topic = form["topic"] ?? ""
            allottedMinutes = form["allotted_minutes"] ?? "10"
            presenter = form["presenter_organization_id"] ?? ""
        }

        func draft() throws -> AgendaItemDraft {
            let number = issueNumber.trimmingCharacters(in: .whitespaces).drop { $0 == "#" }
            let issue = number.isEmpty ? nil : Int(number)
            if !number.isEmpty, issue == nil {
                throw Problem.invalid("issue_number", Reason("give the issue's number, e.g. 12", ja: "課題の番号を書いてください（例：12）"))
            }
            guard let minutes = Int(allottedMinutes.trimmingCharacters(in: .whitespaces)) else {
                throw Problem.invalid("allotted_minutes", Reason.allottedMinutesRange)
            }
            let topicText = topic.trimmingCharacters(in: .whitespacesAndNewlines)
            return AgendaItemDraft(
                issueNumber: issue, topic: topicText.isEmpty ? nil : topicText, presenterID: Int(presenter), allottedMinutes: minutes)
        }
    }

    static func row(_ item: AgendaItem, of meeting: Meeting, _ page: PageRequest, manages: Bool, keep: TypedDecision?) -> ItemRow {
        let kept = keep?.item == item.id ? keep : nil
        let count = meeting.agenda.count
        return ItemRow(
            id: item.id, position: item.position, subject: MeetingHandout.subject(item), issueNumber: item.issue?.number,
            issueState: item.issue.map { page.language.word(.issueState, $0.state.rawValue) }, presenter: item.presenter?.name,
            allottedMinutes: item.allottedMinutes, proposed: item.status == .proposed, minutes: item.minutes,
            minutesText: item.minutes.map(PlainText.init), decision: item.decision, decisionText: item.decision.map(PlainText.init),
            decidedAt: item.decidedAt.map { PageFormat.dateTime($0, page.language) }, manages: manages,
            moveUp: manages && item.position > 1 ? item.position - 1 : nil, moveDown: manages && item.position < count ? item.position + 1 : nil,
            removable: manages && item.decision == nil,
            decide: manages
                ? DecisionForm(
                    decision: kept?.decision ?? item.decision ?? "", answer: kept?.answer ?? "",
                    states: item.issue == nil
                        ? []
                        : [PageChoice(value: "", label: page.word("agenda_no_move"), checked: (kept?.moveTo ?? "").isEmpty)]
                            + IssueState.allCases.filter { $0 != item.issue?.state }.map {
                                PageChoice(
                                    value: $0.rawValue, label: page.language.word(.issueState, $0.rawValue), checked: kept?.moveTo == $0.rawValue)
                            },
                    errors: kept?.errors ?? [])
                : nil)
    }

    static func addForm(_ typed: TypedItem, _ organizations: [OrganizationRef]) -> AddForm {
        AddForm(
            issueNumber: typed.issueNumber, topic: typed.topic, allottedMinutes: typed.allottedMinutes,
            presenters: organizations.map { PageChoice(value: String($0.id), label: $0.name, checked: String($0.id) == typed.presenter) })
    }

    // MARK: The forms

    func add(_ page: PageRequest) async throws -> Response {
        let id = try secretariat(page)
        let typed = TypedItem(page.form)
        do {
            _ = try await store.addItem(id, try typed.draft(), position: nil, by: try page.auditActor())
            return PageDispatcher.redirect(to: "/meetings/\(id)?done=added#agenda")
        } catch {
            let problem = try Problem.refusal(error)
            return try await refused(page, id, problem, adding: typed)
        }
    }

    func propose(_ page: PageRequest) async throws -> Response {
        let id = try secretariat(page)
        do {
            let items = try await store.propose(id, by: try page.auditActor())
            return PageDispatcher.redirect(to: "/meetings/\(id)?done=\(items.isEmpty ? "nothing_proposed" : "proposed")#agenda")
        } catch {
            let problem = try Problem.refusal(error)
            return try await refused(page, id, problem)
        }
    }

    func confirm(_ page: PageRequest) async throws -> Response {
        try await change(page, done: "confirmed") { current in
            AgendaItemDraft(
                issueNumber: current.issue?.number, topic: current.topic, presenterID: current.presenter?.id,
                allottedMinutes: current.allottedMinutes, status: .confirmed, minutes: current.minutes)
        }
    }

    /// Up or down one place: the form posts the place the item moves to.
    func move(_ page: PageRequest) async throws -> Response {
        guard let position = page.form["position"].flatMap({ Int($0) }), position >= 1 else {
            throw Problem.invalid("position", Reason("give the place the item moves to, 1 or more", ja: "移動先の位置を1以上で書いてください"))
        }
        return try await change(page, position: position, done: "moved") { current in
            AgendaItemDraft(
                issueNumber: current.issue?.number, topic: current.topic, presenterID: current.presenter?.id,
                allottedMinutes: current.allottedMinutes, status: current.status, minutes: current.minutes)
        }
    }

    func writeMinutes(_ page: PageRequest) async throws -> Response {
        let text = (page.form["minutes"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return try await change(page, done: "minutes") { current in
            AgendaItemDraft(
                issueNumber: current.issue?.number, topic: current.topic, presenterID: current.presenter?.id,
                allottedMinutes: current.allottedMinutes, status: current.status, minutes: text.isEmpty ? nil : text)
        }
    }

    func remove(_ page: PageRequest) async throws -> Response {
        let id = try secretariat(page)
        do {
            try await store.deleteItem(id, item: try page.context.id("item"), by: try page.auditActor())
            return PageDispatcher.redirect(to: "/meetings/\(id)?done=removed#agenda")
        } catch {
            let problem = try Problem.refusal(error)
            return try await refused(page, id, problem)
        }
    }

    /// Records the decision; with a state chosen, the linked issue moves under the workflow's
    /// rules, and a refusal comes back beside the item with the text kept.
    func decide(_ page: PageRequest) async throws -> Response {
        let id = try secretariat(page)
        let item = try page.context.id("item")
        let typed = TypedDecision(
            item: item, decision: page.form["decision"] ?? "", moveTo: page.form["move_to"] ?? "", answer: page.form["answer"] ?? "")
        do {
            var moveTo: IssueState?
            if !typed.moveTo.isEmpty {
                guard let state = IssueState(rawValue: typed.moveTo) else {
                    throw Problem.invalid("move_to", Reason("choose a state of the workflow", ja: "ワークフローの状態を選んでください"))
                }
                moveTo = state
            }
            let answer = typed.answer.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await store.decide(
                id, item: item, decision: typed.decision, moveTo: moveTo, answer: answer.isEmpty ? nil : answer, by: try page.caller(),
                try page.auditActor())
            return PageDispatcher.redirect(to: "/meetings/\(id)?done=decided#item-\(item)")
        } catch {
            let problem = try Problem.refusal(error)
            var kept = typed
            kept.errors = page.reasons(problem)
            return try await refused(page, id, problem, keep: kept)
        }
    }

    // MARK: Helpers

    /// The meeting of the path, for the secretariat only (403 page for anyone else).
    private func secretariat(_ page: PageRequest) throws -> Int {
        try Policy.authorize(.secretariat, try page.caller())
        return try page.context.id("id")
    }

    private func change(
        _ page: PageRequest, position: Int? = nil, done: String, _ draft: @escaping @Sendable (AgendaItem) throws -> AgendaItemDraft
    ) async throws -> Response {
        let id = try secretariat(page)
        do {
            _ = try await store.updateItem(id, item: try page.context.id("item"), position: position, by: try page.auditActor(), draft)
            return PageDispatcher.redirect(to: "/meetings/\(id)?done=\(done)#agenda")
        } catch {
            let problem = try Problem.refusal(error)
            return try await refused(page, id, problem)
        }
    }

    private func refused(
        _ page: PageRequest, _ id: Int, _ problem: Problem, keep: TypedDecision? = nil, adding: TypedItem? = nil
    ) async throws -> Response {
        let meeting = try await store.meeting(id, scope: .all)
        var model = try await meetings.meetingModel(meeting, page, keep: keep, adding: adding)
        model.errors = page.reasons(problem)
        return page.render("meeting", model, status: problem.status == .conflict ? .conflict : .unprocessableContent)
    }
}
