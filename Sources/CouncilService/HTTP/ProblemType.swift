import Hummingbird

/// Every kind of problem the API answers with: its `urn:council:problem:<slug>` type, its HTTP
/// status and its title in English and Japanese. The one list: `openapi.yaml` names the same
/// types (`OpenAPIContractTests` keeps them equal).
package enum ProblemType: String, CaseIterable, Sendable {
    case invalidParameter = "invalid-parameter"
    case invalidText = "invalid-text"
    case ruleViolated = "rule-violated"
    case constraint
    case invalidFile = "invalid-file"
    case undecodableFile = "undecodable-file"
    case unsupportedMediaType = "unsupported-media-type"
    case tooLarge = "too-large"
    case unauthenticated
    case invalidToken = "invalid-token"
    case forbidden
    case notFound = "not-found"
    case conflict
    case blocked
    case transitionNotAllowed = "transition-not-allowed"
    case idempotencyInProgress = "idempotency-in-progress"
    case idempotencySecretShown = "idempotency-secret-shown"
    case idempotencyRightsChanged = "idempotency-rights-changed"
    case etagRequired = "etag-required"
    case staleVersion = "stale-version"
    case databaseUnavailable = "database-unavailable"
    case shuttingDown = "shutting-down"
    case notMigrated = "not-migrated"
    case `internal`

    package var uri: String { "urn:council:problem:\(rawValue)" }

    package var status: HTTPResponse.Status {
        switch self {
        case .invalidParameter, .invalidText: .badRequest
        case .ruleViolated, .constraint, .invalidFile, .undecodableFile: .unprocessableContent
        case .unsupportedMediaType: .unsupportedMediaType
        case .tooLarge: .contentTooLarge
        case .unauthenticated, .invalidToken: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .blocked, .transitionNotAllowed, .idempotencyInProgress, .idempotencySecretShown, .idempotencyRightsChanged: .conflict
        case .etagRequired: .preconditionRequired
        case .staleVersion: .preconditionFailed
        case .databaseUnavailable, .shuttingDown, .notMigrated: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    package var title: String {
        switch self {
        case .invalidParameter: "Invalid parameter"
        case .invalidText: "Invalid text"
        case .ruleViolated: "Not allowed"
        case .constraint: "Not allowed by the data rules"
        case .invalidFile, .undecodableFile: "The file was not imported"
        case .unsupportedMediaType: "Unsupported media type"
        case .tooLarge: "Body too large"
        case .unauthenticated: "Authentication required"
        case .invalidToken: "Invalid token"
        case .forbidden: "Forbidden"
        case .notFound: "Not found"
        case .conflict: "Conflict"
        case .blocked: "Blocked by open issues"
        case .transitionNotAllowed: "Transition not allowed"
        case .idempotencyInProgress: "Request in progress"
        case .idempotencySecretShown: "Already done"
        case .idempotencyRightsChanged: "Rights changed"
        case .etagRequired: "ETag required"
        case .staleVersion: "Changed by someone else"
        case .databaseUnavailable: "Service unavailable"
        case .shuttingDown: "Shutting down"
        case .notMigrated: "Database not migrated"
        case .internal: "Internal error"
        }
    }

    /// The title as Japanese readers get it (`Accept-Language: ja`, the web pages, the CLI).
    package var japaneseTitle: String {
        switch self {
        case .invalidParameter: "入力値が正しくありません"
        case .invalidText: "使用できない文字が含まれています"
        case .ruleViolated: "規則により受け付けられません"
        case .constraint: "データの規則により受け付けられません"
        case .invalidFile, .undecodableFile: "ファイルを取り込めませんでした"
        case .unsupportedMediaType: "この形式は受け付けられません"
        case .tooLarge: "データが大きすぎます"
        case .unauthenticated: "認証が必要です"
        case .invalidToken: "トークンが無効です"
        case .forbidden: "権限がありません"
        case .notFound: "見つかりません"
        case .conflict: "既存のデータと重複しています"
        case .blocked: "未解決の課題に阻害されています"
        case .transitionNotAllowed: "この状態には変更できません"
        case .idempotencyInProgress: "同じ要求を処理中です"
        case .idempotencySecretShown: "処理済みです"
        case .idempotencyRightsChanged: "権限が変わりました"
        case .etagRequired: "ETag が必要です"
        case .staleVersion: "他の人が変更しました"
        case .databaseUnavailable: "一時的に利用できません"
        case .shuttingDown: "停止中です"
        case .notMigrated: "データベースが移行されていません"
        case .internal: "内部エラー"
        }
    }
}
