import CouncilDatabase
import Foundation

/// 開発状況の段階, in order: a report that moves backwards must say why.
enum DevelopmentStage: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case notStarted = "not_started", designing, developing, testing, completed, available

    var japaneseLabel: String {
        switch self {
        case .notStarted: "未着手"
        case .designing: "設計中"
        case .developing: "開発中"
        case .testing: "テスト中"
        case .completed: "開発完了"
        case .available: "提供中"
        }
    }

    var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// ガバメントクラウド対応状況.
enum CloudReadiness: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case notReady = "not_ready", verifying, ready

    var japaneseLabel: String {
        switch self {
        case .notReady: "未対応"
        case .verifying: "検証中"
        case .ready: "対応済"
        }
    }
}

enum AdoptionState: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case planned, inProgress = "in_progress", migrated, atRisk = "at_risk", delayed, specifiedSupport = "specified_support"

    var japaneseLabel: String {
        switch self {
        case .planned: "移行予定"
        case .inProgress: "移行中"
        case .migrated: "移行済"
        case .atRisk: "遅延リスク"
        case .delayed: "遅延"
        case .specifiedSupport: "特定移行支援"
        }
    }
}

/// 特定移行支援システムの事由 (the Digital Agency's published categories).
enum AdoptionReason: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled, SlugDecodable {
    case mainframe, customBuilt = "custom_built", vendorWithdrawal = "vendor_withdrawal", vendorResources = "vendor_resources"

    var japaneseLabel: String {
        switch self {
        case .mainframe: "メインフレーム"
        case .customBuilt: "独自開発"
        case .vendorWithdrawal: "事業者撤退"
        case .vendorResources: "事業者リソース不足"
        }
    }

    /// Reasons that lie with the vendor (they make the vendor a blocker).
    var isVendorSide: Bool { self == .vendorWithdrawal || self == .vendorResources }
}

/// Enums that spreadsheets may spell by slug or by Japanese label.
protocol JapaneseLabeled: RawRepresentable, CaseIterable where RawValue == String {
    var japaneseLabel: String { get }
}

extension JapaneseLabeled {
    /// By slug or Japanese label, width-insensitive.
    init?(label text: String) {
        let key = JapaneseText.normalized(text)
        if let value = Self(rawValue: key) ?? Self.allCases.first(where: { $0.japaneseLabel == key }) {
            self = value
            return
        }
        guard let value = Self(rawValue: key.lowercased()) else { return nil }
        self = value
    }
}

struct Product: Codable, Sendable, Equatable {
    let id: Int
    let vendorID: Int
    let vendorName: String
    let name: String
    let businessAreas: [BusinessArea]
    let version: String?
    let notes: String?
    let createdAt: Date
    let updatedAt: Date
}

struct StatusReport: Codable, Sendable, Equatable {
    let id: Int
    let productID: Int
    let productName: String
    let vendorID: Int
    let businessArea: BusinessArea
    let stage: DevelopmentStage
    let specVersion: String?
    let cloudReadiness: CloudReadiness
    let plannedCompletion: CalendarDate?
    let plannedAvailability: CalendarDate?
    let note: String?
    let regressionReason: String?
    let reportedAt: Date
    let reportedBy: Int?
}

/// What a vendor files about one product and business area.
struct StatusDraft: Sendable, Equatable {
    var productID: Int
    var businessArea: BusinessArea
    var stage: DevelopmentStage
    var specVersion: String?
    var cloudReadiness: CloudReadiness
    var plannedCompletion: CalendarDate?
    var plannedAvailability: CalendarDate?
    var note: String?
    var regressionReason: String?

    init(
        productID: Int, businessArea: BusinessArea, stage: DevelopmentStage, specVersion: String?,
        cloudReadiness: CloudReadiness, plannedCompletion: CalendarDate?, plannedAvailability: CalendarDate?,
        note: String?, regressionReason: String?
    ) {
        self.productID = productID
        self.businessArea = businessArea
        self.stage = stage
        self.specVersion = specVersion?.nilIfBlank
        self.cloudReadiness = cloudReadiness
        self.plannedCompletion = plannedCompletion
        self.plannedAvailability = plannedAvailability
        self.note = note?.nilIfBlank
        self.regressionReason = regressionReason?.nilIfBlank
    }

    /// Same content as an existing report (so filing it again changes nothing).
    func matches(_ report: StatusReport) -> Bool {
        stage == report.stage && specVersion == report.specVersion && cloudReadiness == report.cloudReadiness
            && plannedCompletion == report.plannedCompletion && plannedAvailability == report.plannedAvailability
            && note == report.note
    }
}

struct Adoption: Codable, Sendable, Equatable {
    let id: Int
    let dantaiCode: MunicipalityCode
    let dantaiName: String
    let prefectureCode: PrefectureCode
    let businessArea: BusinessArea
    let productID: Int
    let productName: String
    let vendorID: Int
    let plannedMonth: YearMonth?
    let state: AdoptionState
    let reason: AdoptionReason?
    let newTargetMonth: YearMonth?
    let pmoCompletion: Decimal?
    let note: String?
    let updatedAt: Date
}

/// The writable fields of an adoption, checked by `validate()`.
struct AdoptionDraft: Sendable, Equatable {
    var dantaiCode: MunicipalityCode
    var businessArea: BusinessArea
    var productID: Int
    var plannedMonth: YearMonth?
    var state: AdoptionState
    var reason: AdoptionReason?
    var newTargetMonth: YearMonth?
    var pmoCompletion: Decimal?
    var note: String?

    init(
        dantaiCode: MunicipalityCode, businessArea: BusinessArea, productID: Int, plannedMonth: YearMonth?,
        state: AdoptionState, reason: AdoptionReason?, newTargetMonth: YearMonth?, pmoCompletion: Decimal?, note: String?
    ) {
        self.dantaiCode = dantaiCode
        self.businessArea = businessArea
        self.productID = productID
        self.plannedMonth = plannedMonth
        self.state = state
        self.reason = reason
        self.newTargetMonth = newTargetMonth
        self.pmoCompletion = pmoCompletion
        self.note = note?.nilIfBlank
    }

    init(_ adoption: Adoption) {
        self.init(
            dantaiCode: adoption.dantaiCode, businessArea: adoption.businessArea, productID: adoption.productID,
            plannedMonth: adoption.plannedMonth, state: adoption.state, reason: adoption.reason,
            newTargetMonth: adoption.newTargetMonth, pmoCompletion: adoption.pmoCompletion, note: adoption.note)
    }

    /// The rules that need no database: 事由 with specified support, a new month when delayed.
    func validate() throws(Problem) {
        if let (field, reason) = refusal() { throw .unprocessable(field, reason) }
    }

    /// The first rule the draft breaks: the field and why, in both languages.
    func refusal() -> (field: String, reason: Reason)? {
        if state == .specifiedSupport, reason == nil {
            return (
                "reason",
                Reason(
                    "特定移行支援 (specified_support) requires its 事由: \(AdoptionReason.allCases.map(\.rawValue).joined(separator: ", "))",
                    ja: "特定移行支援には事由が必要です（\(AdoptionReason.allCases.map(\.japaneseLabel).joined(separator: "、"))）")
            )
        }
        if let reason, state != .delayed, state != .specifiedSupport {
            return (
                "reason",
                Reason(
                    "a 事由 (\(reason.rawValue)) belongs only to delayed or specified_support",
                    ja: "事由（\(reason.japaneseLabel)）は状態が遅延か特定移行支援のときだけ書きます")
            )
        }
        if state == .delayed, newTargetMonth == nil {
            return ("new_target_month", Reason("a delayed migration needs its new target month", ja: "遅延には新目標月が必要です"))
        }
        if let pmo = pmoCompletion, pmo < 0 || pmo > 100 {
            return ("pmo_completion", Reason("must be from 0 to 100", ja: "PMO進捗は0〜100で書いてください"))
        }
        return nil
    }
}

extension String {
    /// The text as typed (`JapaneseText.typed`) without surrounding white space; nil when blank.
    var nilIfBlank: String? {
        let trimmed = JapaneseText.typedTrimmed(self)
        return trimmed.isEmpty ? nil : trimmed
    }
}
