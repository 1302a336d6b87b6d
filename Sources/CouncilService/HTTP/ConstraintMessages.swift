import CouncilDatabase

/// Readable messages for the database constraints a request can run into.
enum ConstraintMessages {
    static let messages: [String: Reason] = [
        "organizations_name_key_key": Reason(
            "an organization with this name already exists (names ignore case and width)", ja: "同じ名前の組織があります（大文字小文字・全角半角は区別しません）"),
        "organizations_corporate_number_key": Reason("another organization has this 法人番号", ja: "この法人番号は別の組織のものです"),
        "accounts_email_key_key": Reason("an account with this e-mail address already exists", ja: "このメールアドレスのアカウントがあります"),
    ]

    static func describe(_ error: DatabaseError) -> Reason? {
        error.constraint.flatMap { messages[$0] }
    }
}
