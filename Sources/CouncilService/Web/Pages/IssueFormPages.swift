import Foundation
import Hummingbird

/// 新規課題 and the edit form. Both post plain forms (no JavaScript needed); the edit form carries
/// the version it showed, and a change made meanwhile gives the conflict page, which keeps every
/// word the person typed beside the current text.
struct IssueFormPages: Sendable {
    let store: IssueStore
    let picker: MunicipalityPicker
    let masterData: MasterDataStore

    static let defaultRows = 3
    static let maxRows = 50

    // MARK: 新規課題

    struct NewModel: Sendable, Encodable {
        var title = ""
        var body = ""
        var categories: [IssuePages.Option] = []
        var severities: [IssuePages.Option] = []
        var visibilities: [IssuePages.Option] = []
        var businessAreas: [IssuePages.Option] = []
        /// The picker's prefecture: narrows suggestions and settles a name typed alone.
        var prefectures: [IssuePages.Option] = []
        var rows: [PlaceRow] = []
        var moreRows = ""
        var errors: [String] = []
    }

    struct PlaceRow: Sendable, Encodable {
        let index: Int
        let text: String
        let impacts: [IssuePages.Option]
        var error: String?
    }

    func newForm(_ page: PageRequest) async throws -> Response {
        let rows = min(Self.maxRows, max(Self.defaultRows, page.request.uri.queryParameters["rows"].flatMap { Int($0) } ?? Self.defaultRows))
        return page.render("issue-new", try await model(page, typed: FormBody(), rows: rows))
    }

    func create(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let form = page.form
        var model = try await model(page, typed: form, rows: max(Self.defaultRows, form.all("municipality").count))
        let within = form["picker_prefecture"].flatMap(PrefectureCode.init(rawValue:))
        var errors: [String] = []
        let category = form["category"].flatMap(IssueCategory.init(rawValue:))
        let severity = form["severity"].flatMap(IssueSeverity.init(rawValue:))
        if category == nil { errors.append(page.word("choose_category")) }
        if severity == nil { errors.append(page.word("choose_severity")) }
        let areas = form.all("business_area").compactMap(BusinessArea.init(rawValue:))
        // Each row: a 団体 (code or name) and its impact; empty rows are skipped.
        var links: [IssueMunicipality] = []
        let impacts = form.all("impact")
        for (index, text) in form.all("municipality").enumerated() where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            switch try await picker.resolve(text, within: within, language: page.language) {
            case .found(let municipality):
                let impact = impacts.indices.contains(index) ? IssueImpact(rawValue: impacts[index]) ?? .affected : .affected
                if !links.contains(where: { $0.dantaiCode == municipality.code }) {
                    links.append(IssueMunicipality(dantaiCode: municipality.code, impact: impact, businessAreas: []))
                }
            case .refused(let reason):
                if model.rows.indices.contains(index) { model.rows[index].error = reason }
                errors.append("\(page.word("municipality")) \(index + 1): \(reason)")
            }
        }
        if errors.isEmpty, let category, let severity {
            let draft = IssueDraft(
                title: form["title"] ?? "", body: form["body"] ?? "", category: category, severity: severity,
                visibility: form["visibility"].flatMap(IssueVisibility.init(rawValue:)) ?? .council,
                vendorIDs: principal.organizationKind == .vendor ? [principal.organizationID] : [], businessAreas: areas,
                municipalities: links, assigneeID: nil, dueDate: nil, labels: [])
            do {
                try Policy.requireCreate(setting: [], principal)
                let issue = try await store.create(draft, by: principal, try page.auditActor())
                return PageDispatcher.redirect(to: "/issues/\(issue.number)")
            } catch let problem as Problem where problem.status.code < 500 {
                errors.append(contentsOf: page.reasons(problem))
            }
        }
        model.errors = errors
        return page.render("issue-new", model, status: .unprocessableContent)
    }

    private func model(_ page: PageRequest, typed form: FormBody, rows: Int) async throws -> NewModel {
        let language = page.language
        func options<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ vocabulary: Vocabulary, _ chosen: [String]) -> [IssuePages.Option]
        where Value.RawValue == String {
            Value.allCases.map {
                IssuePages.Option(value: $0.rawValue, label: language.word(vocabulary, $0.rawValue), selected: chosen.contains($0.rawValue))
            }
        }
        let texts = form.all("municipality"), impacts = form.all("impact")
        return NewModel(
            title: form["title"] ?? "", body: form["body"] ?? "",
            categories: options(IssueCategory.self, .category, form.all("category")),
            severities: options(IssueSeverity.self, .severity, form.all("severity")),
            visibilities: options(IssueVisibility.self, .visibility, form.all("visibility").isEmpty ? ["council"] : form.all("visibility")),
            businessAreas: options(BusinessArea.self, .businessArea, form.all("business_area")),
            prefectures: try await masterData.prefectures(known: page.changeVersion).map {
                IssuePages.Option(value: $0.code.rawValue, label: $0.name, selected: form["picker_prefecture"] == $0.code.rawValue)
            },
            rows: (0..<rows).map { index in
                PlaceRow(
                    index: index + 1, text: texts.indices.contains(index) ? texts[index] : "",
                    impacts: options(IssueImpact.self, .impact, [impacts.indices.contains(index) ? impacts[index] : "blocked"]))
            },
            moreRows: "/issues/new?rows=\(min(Self.maxRows, rows + 3))")
    }

    // MARK: Edit and conflict

    struct EditModel: Sendable, Encodable {
        let number: Int
        let action: String
        let version: Int
        let title: String
        let body: String
        let categories: [IssuePages.Option]
        let severities: [IssuePages.Option]
        var errors: [String] = []
        /// Set on the conflict page: the issue as it is now, beside what the person typed.
        var conflict: Conflict?
    }

    struct Conflict: Sendable, Encodable {
        let title: String
        let body: PlainText
        let updated: String
        let category: String
        let severity: String
    }

    func editForm(_ page: PageRequest) async throws -> Response {
        let issue = try await store.issue(try IssuePages.number(page), for: try page.caller())
        return page.render(
            "issue-edit",
            editModel(page, issue, title: issue.title, body: issue.body, category: issue.category.rawValue, severity: issue.severity.rawValue))
    }

    func update(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        let number = try IssuePages.number(page)
        let current = try await store.issue(number, for: principal)
        let form = page.form
        let title = form["title"] ?? "", body = form["body"] ?? ""
        let category = form["category"] ?? "", severity = form["severity"] ?? ""
        guard let version = form["version"].flatMap({ Int($0) }) else {
            throw Problem.invalid("version", Reason("the form lost its version; open it again", ja: "フォームの版がわからなくなりました。開き直してください"))
        }
        do {
            guard let newCategory = IssueCategory(rawValue: category), let newSeverity = IssueSeverity(rawValue: severity) else {
                throw Problem.invalid("category", Reason("choose a category and a severity", ja: "区分と重要度を選んでください"))
            }
            _ = try await store.update(number, expectedVersion: version, by: principal, try page.auditActor()) { issue in
                var draft = IssueDraft(issue)
                draft.title = JapaneseText.typedTrimmed(title)
                draft.body = JapaneseText.typed(body)
                draft.category = newCategory
                draft.severity = newSeverity
                return draft
            }
            return PageDispatcher.redirect(to: "/issues/\(number)")
        } catch let problem as Problem where problem.status == .preconditionFailed {
            // Someone saved first: show theirs beside ours, ours still in the form, on the new version.
            let now = try await store.issue(number, for: principal)
            var model = editModel(page, now, title: title, body: body, category: category, severity: severity)
            model.conflict = Conflict(
                title: now.title, body: PlainText(now.body), updated: PageFormat.dateTime(now.updatedAt, page.language),
                category: page.language.word(.category, now.category.rawValue), severity: page.language.word(.severity, now.severity.rawValue))
            return page.render("issue-edit", model, status: .conflict)
        } catch let problem as Problem where problem.status.code < 500 && problem.status != .notFound {
            var model = editModel(page, current, title: title, body: body, category: category, severity: severity)
            model = EditModel(
                number: model.number, action: model.action, version: version, title: title, body: body, categories: model.categories,
                severities: model.severities,
                errors: page.reasons(problem))
            return page.render("issue-edit", model, status: problem.status)
        }
    }

    private func editModel(_ page: PageRequest, _ issue: Issue, title: String, body: String, category: String, severity: String) -> EditModel {
        let language = page.language
        return EditModel(
            number: issue.number, action: "/issues/\(issue.number)/edit", version: issue.version, title: title, body: body,
            categories: IssueCategory.allCases.map {
                IssuePages.Option(value: $0.rawValue, label: language.word(.category, $0.rawValue), selected: $0.rawValue == category)
            },
            severities: IssueSeverity.allCases.map {
                IssuePages.Option(value: $0.rawValue, label: language.word(.severity, $0.rawValue), selected: $0.rawValue == severity)
            })
    }
}
