/// The writable fields of an issue, normalized on construction and checked by `validate()`.
struct IssueDraft: Sendable, Equatable {
    static let maxBody = 100_000
    static let maxLabels = 20
    static let maxMunicipalities = 2_000

    var title: String
    var body: String
    var category: IssueCategory
    var severity: IssueSeverity
    var visibility: IssueVisibility
    var vendorIDs: [Int]
    var businessAreas: [BusinessArea]
    var municipalities: [IssueMunicipality]
    var assigneeID: Int?
    var dueDate: CalendarDate?
    var labels: [String]

    init(
        title: String, body: String, category: IssueCategory, severity: IssueSeverity, visibility: IssueVisibility,
        vendorIDs: [Int], businessAreas: [BusinessArea], municipalities: [IssueMunicipality], assigneeID: Int?,
        dueDate: CalendarDate?, labels: [String]
    ) {
        self.title = JapaneseText.typedTrimmed(title)
        self.body = JapaneseText.typed(body)
        self.category = category
        self.severity = severity
        self.visibility = visibility
        self.vendorIDs = Array(Set(vendorIDs)).sorted()
        self.businessAreas = BusinessArea.allCases.filter(Set(businessAreas).contains)
        self.municipalities = municipalities.map { link in
            IssueMunicipality(
                dantaiCode: link.dantaiCode, impact: link.impact,
                businessAreas: BusinessArea.allCases.filter(Set(link.businessAreas).contains))
        }.sorted { $0.dantaiCode.rawValue < $1.dantaiCode.rawValue }
        self.assigneeID = assigneeID
        self.dueDate = dueDate
        // Labels are matched exactly, so one spelling: NFKC, lower case, no duplicates.
        self.labels = Array(Set(labels.map { JapaneseText.normalized($0).lowercased() })).sorted()
    }

    init(_ issue: Issue) {
        self.init(
            title: issue.title, body: issue.body, category: issue.category, severity: issue.severity,
            visibility: issue.visibility, vendorIDs: issue.vendors.map(\.id), businessAreas: issue.businessAreas,
            municipalities: issue.municipalities.map(\.link), assigneeID: issue.assigneeOrganization?.id,
            dueDate: issue.dueDate, labels: issue.labels)
    }

    func validate() throws {
        try Problem.requireLine("title", title, max: 200)
        if body.count > Self.maxBody { throw Problem.invalid("body", Reason("at most \(Self.maxBody) characters", ja: "\(Self.maxBody)文字までです")) }
        if labels.count > Self.maxLabels {
            throw Problem.invalid("labels", Reason("at most \(Self.maxLabels) labels", ja: "ラベルは\(Self.maxLabels)個までです"))
        }
        if let label = labels.first(where: { $0.isEmpty || $0.count > 50 }) {
            throw Problem.invalid("labels", Reason("'\(label)': a label has 1 to 50 characters", ja: "「\(label)」：ラベルは1〜50文字です"))
        }
        if municipalities.count > Self.maxMunicipalities {
            throw Problem.invalid(
                "municipalities", Reason("at most \(Self.maxMunicipalities) municipalities per issue", ja: "1つの課題に団体は\(Self.maxMunicipalities)までです"))
        }
        var seen = Set<String>()
        for (index, link) in municipalities.enumerated() where !seen.insert(link.dantaiCode.rawValue).inserted {
            throw Problem.invalid(
                "municipalities[\(index)].dantai_code", Reason("\(link.dantaiCode) is listed twice", ja: "\(link.dantaiCode)が2回あります"))
        }
    }

    /// The fields that differ from another draft, by their API names.
    func changedFields(from other: IssueDraft) -> [String] {
        var fields: [String] = []
        if title != other.title { fields.append("title") }
        if body != other.body { fields.append("body") }
        if category != other.category { fields.append("category") }
        if severity != other.severity { fields.append("severity") }
        if visibility != other.visibility { fields.append("visibility") }
        if vendorIDs != other.vendorIDs { fields.append("vendor_ids") }
        if businessAreas != other.businessAreas { fields.append("business_areas") }
        if municipalities != other.municipalities { fields.append("municipalities") }
        if assigneeID != other.assigneeID { fields.append("assignee_organization_id") }
        if dueDate != other.dueDate { fields.append("due_date") }
        if labels != other.labels { fields.append("labels") }
        return fields
    }
}
