/// The Japanese word a person reads for each slug the API speaks, in one place: the CLI's tables
/// and CSV show these (`--json` keeps the slugs), so every table shows the same label for the same
/// thing. Labels that spreadsheets also accept come from the enums themselves.
package enum Vocabulary: String, Sendable, CaseIterable {
    case issueState, severity, category, visibility, impact, relation, businessArea, block
    case adoptionState, adoptionReason, stage, readiness
    case municipalityKind, meetingState, agendaStatus, organizationKind, observerCategory, role, auditAction, auditEntity

    /// The Japanese word for `slug`; an unknown slug (a newer daemon's) is shown as it is.
    package func japanese(_ slug: String) -> String {
        label(slug) ?? slug
    }

    /// Every slug of the vocabulary.
    var slugs: [String] {
        switch self {
        case .issueState: IssueState.allCases.map(\.rawValue)
        case .severity: IssueSeverity.allCases.map(\.rawValue)
        case .category: IssueCategory.allCases.map(\.rawValue)
        case .visibility: IssueVisibility.allCases.map(\.rawValue)
        case .impact: IssueImpact.allCases.map(\.rawValue)
        case .relation: IssueRelationKind.allCases.map(\.rawValue)
        case .businessArea: BusinessArea.allCases.map(\.rawValue)
        case .block: Block.allCases.map(\.rawValue)
        case .adoptionState: AdoptionState.allCases.map(\.rawValue)
        case .adoptionReason: AdoptionReason.allCases.map(\.rawValue)
        case .stage: DevelopmentStage.allCases.map(\.rawValue)
        case .readiness: CloudReadiness.allCases.map(\.rawValue)
        case .municipalityKind: MunicipalityKind.allCases.map(\.rawValue)
        case .meetingState: MeetingState.allCases.map(\.rawValue)
        case .agendaStatus: AgendaItemStatus.allCases.map(\.rawValue)
        case .organizationKind: OrganizationKind.allCases.map(\.rawValue)
        case .observerCategory: ObserverCategory.allCases.map(\.rawValue)
        case .role: Role.allCases.map(\.rawValue)
        case .auditAction: AuditAction.allCases.map(\.rawValue)
        case .auditEntity: AuditEntity.allCases.map(\.rawValue)
        }
    }

    private func label(_ slug: String) -> String? {
        switch self {
        case .issueState: IssueState(rawValue: slug)?.japaneseLabel
        case .severity: IssueSeverity(rawValue: slug)?.japaneseLabel
        case .category: IssueCategory(rawValue: slug)?.japaneseLabel
        case .visibility: IssueVisibility(rawValue: slug)?.japaneseLabel
        case .impact: IssueImpact(rawValue: slug)?.japaneseLabel
        case .relation: IssueRelationKind(rawValue: slug)?.japaneseLabel
        case .businessArea: BusinessArea(rawValue: slug)?.japaneseName
        case .block: Block(rawValue: slug)?.japaneseName
        case .adoptionState: AdoptionState(rawValue: slug)?.japaneseLabel
        case .adoptionReason: AdoptionReason(rawValue: slug)?.japaneseLabel
        case .stage: DevelopmentStage(rawValue: slug)?.japaneseLabel
        case .readiness: CloudReadiness(rawValue: slug)?.japaneseLabel
        case .municipalityKind: MunicipalityKind(rawValue: slug)?.japaneseLabel
        case .meetingState: MeetingState(rawValue: slug)?.japaneseLabel
        case .agendaStatus: AgendaItemStatus(rawValue: slug)?.japaneseLabel
        case .organizationKind: OrganizationKind(rawValue: slug)?.japaneseLabel
        case .observerCategory: ObserverCategory(rawValue: slug)?.japaneseLabel
        case .role: Role(rawValue: slug)?.japaneseLabel
        case .auditAction: AuditAction(rawValue: slug)?.japaneseLabel
        case .auditEntity: AuditEntity(rawValue: slug)?.japaneseLabel
        }
    }
}

extension IssueRelationKind {
    var japaneseLabel: String {
        switch self {
        case .blocks: "ブロックしている"
        case .blockedBy: "ブロックされている"
        case .duplicates: "重複（元あり）"
        case .duplicatedBy: "重複元"
        case .relates: "関連"
        }
    }
}

extension MunicipalityKind {
    var japaneseLabel: String {
        switch self {
        case .city: "市"
        case .town: "町"
        case .village: "村"
        case .specialWard: "特別区"
        }
    }
}

extension AgendaItemStatus {
    var japaneseLabel: String { self == .proposed ? "提案" : "確定" }
}

extension OrganizationKind {
    var japaneseLabel: String {
        switch self {
        case .secretariat: "事務局"
        case .vendor: "ベンダー"
        case .observer: "オブザーバー"
        }
    }
}

extension ObserverCategory {
    var japaneseLabel: String { self == .association ? "団体" : "府省" }
}

extension Role {
    var japaneseLabel: String {
        switch self {
        case .admin: "管理者"
        case .member: "メンバー"
        case .liaison: "標準化リエゾン"
        }
    }
}
