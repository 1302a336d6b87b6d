import CouncilDatabase
import Foundation

/// 開発状況の段階, in order: a report that moves backwards must say why.
public enum DevelopmentStage: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case notStarted = "not_started", designing, developing, testing, completed, available

    public var japaneseLabel: String {
        switch self {
        case .notStarted: "未着手"
        case .designing: "設計中"
        case .developing: "開発中"
        case .testing: "テスト中"
        case .completed: "開発完了"
        case .available: "提供中"
        }
    }

    public var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// ガバメントクラウド対応状況.
public enum CloudReadiness: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case notReady = "not_ready", verifying, ready

    public var japaneseLabel: String {
        switch self {
        case .notReady: "未対応"
        case .verifying: "検証中"
        case .ready: "対応済"
        }
    }
}

public enum AdoptionState: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case planned, inProgress = "in_progress", migrated, atRisk = "at_risk", delayed, specifiedSupport = "specified_support"

    public var japaneseLabel: String {
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
public enum AdoptionReason: String, CaseIterable, Codable, Sendable, PostgresRawTextEncodable, PostgresDecodable, JapaneseLabeled {
    case mainframe, customBuilt = "custom_built", vendorWithdrawal = "vendor_withdrawal", vendorResources = "vendor_resources"

    public var japaneseLabel: String {
        switch self {
        case .mainframe: "メインフレーム"
        case .customBuilt: "独自開発"
        case .vendorWithdrawal: "事業者撤退"
        case .vendorResources: "事業者リソース不足"
        }
    }

    /// Reasons that lie with the vendor (they make the vendor a blocker).
    public var isVendorSide: Bool { self == .vendorWithdrawal || self == .vendorResources }
}

/// Enums that spreadsheets may spell by slug or by Japanese label.
public protocol JapaneseLabeled: RawRepresentable, CaseIterable where RawValue == String {
    var japaneseLabel: String { get }
}

extension JapaneseLabeled {
    /// By slug or Japanese label, width-insensitive.
    public init?(label text: String) {
        let key = JapaneseText.normalized(text)
        if let value = Self(rawValue: key) ?? Self.allCases.first(where: { $0.japaneseLabel == key }) {
            self = value
            return
        }
        guard let value = Self(rawValue: key.lowercased()) else { return nil }
        self = value
    }
}

public struct Product: Codable, Sendable, Equatable {
    public let id: Int
    public let vendorId: Int
    public let vendorName: String
    public let name: String
    public let businessAreas: [BusinessArea]
    public let version: String?
    public let notes: String?
    public let createdAt: Date
    public let updatedAt: Date
}

public struct StatusReport: Codable, Sendable, Equatable {
    public let id: Int
    public let productId: Int
    public let productName: String
    public let vendorId: Int
    public let businessArea: BusinessArea
    public let stage: DevelopmentStage
    public let specVersion: String?
    public let cloudReadiness: CloudReadiness
    public let plannedCompletion: CalendarDate?
    public let plannedAvailability: CalendarDate?
    public let note: String?
    public let regressionReason: String?
    public let reportedAt: Date
    public let reportedBy: Int?
}

/// What a vendor files about one product and business area.
public struct StatusDraft: Sendable, Equatable {
    public var productID: Int
    public var businessArea: BusinessArea
    public var stage: DevelopmentStage
    public var specVersion: String?
    public var cloudReadiness: CloudReadiness
    public var plannedCompletion: CalendarDate?
    public var plannedAvailability: CalendarDate?
    public var note: String?
    public var regressionReason: String?

    public init(
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

public struct Adoption: Codable, Sendable, Equatable {
    public let id: Int
    public let dantaiCode: MunicipalityCode
    public let dantaiName: String
    public let prefectureCode: PrefectureCode
    public let businessArea: BusinessArea
    public let productId: Int
    public let productName: String
    public let vendorId: Int
    public let plannedMonth: YearMonth?
    public let state: AdoptionState
    public let reason: AdoptionReason?
    public let newTargetMonth: YearMonth?
    public let pmoCompletion: Decimal?
    public let note: String?
    public let updatedAt: Date
}

/// The writable fields of an adoption, checked by `validate()`.
public struct AdoptionDraft: Sendable, Equatable {
    public var dantaiCode: MunicipalityCode
    public var businessArea: BusinessArea
    public var productID: Int
    public var plannedMonth: YearMonth?
    public var state: AdoptionState
    public var reason: AdoptionReason?
    public var newTargetMonth: YearMonth?
    public var pmoCompletion: Decimal?
    public var note: String?

    public init(
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
            dantaiCode: adoption.dantaiCode, businessArea: adoption.businessArea, productID: adoption.productId,
            plannedMonth: adoption.plannedMonth, state: adoption.state, reason: adoption.reason,
            newTargetMonth: adoption.newTargetMonth, pmoCompletion: adoption.pmoCompletion, note: adoption.note)
    }

    /// The rules that need no database: 事由 with specified support, a new month when delayed.
    public func validate() throws(Problem) {
        if state == .specifiedSupport, reason == nil {
            throw .unprocessable(
                "reason", "特定移行支援 (specified_support) requires its 事由: \(AdoptionReason.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let reason, state != .delayed, state != .specifiedSupport {
            throw .unprocessable("reason", "a 事由 (\(reason.rawValue)) belongs only to delayed or specified_support")
        }
        if state == .delayed, newTargetMonth == nil {
            throw .unprocessable("new_target_month", "a delayed migration needs its new target month")
        }
        if let pmo = pmoCompletion, pmo < 0 || pmo > 100 {
            throw .unprocessable("pmo_completion", "must be from 0 to 100")
        }
    }
}

extension String {
    var nilIfBlank: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
