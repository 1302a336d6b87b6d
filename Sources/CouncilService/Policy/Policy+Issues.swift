import CouncilDatabase

/// Who sees and changes issues. Invisible issues answer 404 everywhere (lists, counts, search,
/// exports, relations); visible ones the caller may not change answer 403.
extension Policy {
    /// Which issues a caller's queries may return.
    enum IssueScope: Sendable, Equatable {
        /// The secretariat: everything.
        case all
        /// Council-wide issues, and restricted ones the organization reported, is assigned or is named in.
        case organization(Int)
    }

    static func issueScope(_ principal: Principal) -> IssueScope {
        principal.isSecretariat ? .all : .organization(principal.organizationID)
    }

    static func canSee(issue: IssueAccessFacts, _ principal: Principal) -> Bool {
        canSee(issue: issue, organization: principal.organizationID, isSecretariat: principal.isSecretariat)
    }

    /// Whether an organization may see an issue. A vendor named by an issue always sees it, so it
    /// can answer what is said of it (`IssueSearch.visibility` is the same rule in SQL).
    static func canSee(issue: IssueAccessFacts, organization: Int, isSecretariat: Bool) -> Bool {
        isSecretariat || audience(issue)?.contains(organization) ?? true
    }

    /// The organizations besides the secretariat that see an issue; nil for everyone (council-wide).
    static func audience(_ issue: IssueAccessFacts) -> Set<Int>? {
        guard issue.visibility == .restricted else { return nil }
        return Set([issue.reporterOrganizationID] + (issue.assigneeOrganizationID.map { [$0] } ?? []) + issue.vendorIDs)
    }

    static func requireSee(issue: IssueAccessFacts, _ principal: Principal) throws {
        guard canSee(issue: issue, principal) else { throw Problem.noIssue(issue.number) }
    }

    /// Those who take part in an issue: the secretariat, the reporter's and the assigned
    /// organization, and the vendors concerned. They comment and manage relations.
    static func isParticipant(_ issue: IssueAccessFacts, _ principal: Principal) -> Bool {
        principal.isSecretariat || issue.reporterOrganizationID == principal.organizationID
            || issue.assigneeOrganizationID == principal.organizationID || issue.vendorIDs.contains(principal.organizationID)
    }

    static func requireParticipant(_ issue: IssueAccessFacts, _ principal: Principal) throws {
        try requireSee(issue: issue, principal)
        guard isParticipant(issue, principal) else {
            throw Problem.forbidden(
                Reason(
                    "only the secretariat, the reporting, assigned and concerned organizations take part in issue #\(issue.number)",
                    ja: "課題#\(issue.number)に参加できるのは事務局と、起票・担当・関係する組織だけです"))
        }
    }

    /// Relating two issues writes both histories and moves both ETags, and a `blocks` edge holds
    /// back the blocked issue's closing: the caller takes part in both issues (the secretariat
    /// always does), when adding and when removing (the caller's part in `issue` is checked
    /// first, with `requireParticipant`). A restricted issue blocks another only when everyone who
    /// sees the blocked issue sees the blocker too: nobody is held back by an issue they can
    /// neither see nor remove.
    static func requireRelate(
        _ issue: IssueAccessFacts, _ kind: IssueRelationKind, _ other: IssueAccessFacts,
        _ principal: Principal
    ) throws {
        try requireParticipant(issue, principal)
        guard isParticipant(other, principal) else {
            throw Problem.forbidden(
                Reason(
                    "relations are made by those who take part in both issues; you do not take part in #\(other.number)",
                    ja: "関連を付けられるのは両方の課題に参加している人です。あなたは#\(other.number)に参加していません"))
        }
        guard kind.stored.kind == "blocks", case let (blocker, blocked) = kind.stored.thisIsFrom ? (issue, other) : (other, issue),
            let blockerAudience = audience(blocker)
        else { return }
        guard let blockedAudience = audience(blocked), blockedAudience.isSubset(of: blockerAudience) else {
            throw Problem.unprocessable(
                "issue",
                Reason(
                    "restricted #\(blocker.number) cannot block #\(blocked.number): "
                        + "some who see #\(blocked.number) cannot see #\(blocker.number)",
                    ja: "限定公開の#\(blocker.number)は#\(blocked.number)をブロックできません（#\(blocked.number)を見られる人の一部が#\(blocker.number)を見られません）"))
        }
    }

    /// Fields only the secretariat sets (triage).
    static let triageFields: Set<String> = ["assignee_organization_id", "due_date"]

    /// Editing: the secretariat always; the reporter's organization while the issue is `new`,
    /// and not the triage fields.
    static func requireEdit(issue: IssueAccessFacts, changing fields: [String], _ principal: Principal) throws {
        try requireSee(issue: issue, principal)
        if principal.isSecretariat { return }
        guard issue.reporterOrganizationID == principal.organizationID else {
            throw Problem.forbidden(
                Reason(
                    "only the secretariat and the reporting organization edit issue #\(issue.number)", ja: "課題#\(issue.number)を編集できるのは事務局と起票した組織だけです")
            )
        }
        guard issue.state == .new else {
            throw Problem.forbidden(
                Reason(
                    "the reporting organization edits an issue only while it is new; it is \(issue.state.rawValue)",
                    ja: "起票した組織が編集できるのは課題が新規のあいだだけです（いまは\(issue.state.japaneseLabel)）"))
        }
        if let field = fields.first(where: triageFields.contains) {
            throw Problem.forbidden(Reason.setWhenTriaged(field))
        }
    }

    /// A new issue: anyone authenticated reports; triage fields are the secretariat's.
    static func requireCreate(setting fields: [String], _ principal: Principal) throws {
        if principal.isSecretariat { return }
        if let field = fields.first(where: triageFields.contains) {
            throw Problem.forbidden(Reason.setWhenTriaged(field))
        }
    }

    /// The states this caller may move the issue to now (before the blocker check). The
    /// secretariat takes any edge of the workflow; the reporting organization withdraws (closes)
    /// its own new issue; the assigned organization answers (in_discussion → resolved).
    static func allowedTransitions(_ issue: IssueAccessFacts, _ principal: Principal) -> [IssueState] {
        if principal.isSecretariat { return issue.state.transitions }
        var allowed: [IssueState] = []
        if issue.reporterOrganizationID == principal.organizationID, issue.state == .new { allowed.append(.closed) }
        if issue.assigneeOrganizationID == principal.organizationID, issue.state == .inDiscussion { allowed.append(.resolved) }
        return allowed
    }

    /// A comment is edited by its author only.
    static func requireEditComment(author: Int, _ principal: Principal) throws {
        guard author == principal.accountID else { throw Problem.forbidden(Reason("only its author edits a comment", ja: "コメントを編集できるのは書いた人だけです")) }
    }

    /// Watching: yourself or your own organization; the secretariat may add anyone. The watcher
    /// must be able to see the issue.
    static func requireManageWatcher(kind: WatcherKind, id: Int, _ principal: Principal) throws {
        if principal.isSecretariat { return }
        switch kind {
        case .account where id == principal.accountID: return
        case .organization where id == principal.organizationID: return
        default:
            throw Problem.forbidden(
                Reason("you may add or remove only yourself or your own organization as a watcher", ja: "ウォッチャーに追加・削除できるのは自分か自分の組織だけです"))
        }
    }

    /// Saved queries: the owner changes them; the owner's organization reads shared ones.
    static func canSee(savedQuery owner: Int, organization: Int, shared: Bool, _ principal: Principal) -> Bool {
        owner == principal.accountID || (shared && organization == principal.organizationID)
    }

    static func requireOwn(savedQuery owner: Int, id: Int, _ principal: Principal) throws {
        guard owner == principal.accountID else {
            throw Problem.forbidden(Reason("only its owner changes saved query \(id)", ja: "保存した検索\(id)を変更できるのは作った人だけです"))
        }
    }
}
