import CouncilDatabase

/// Readable messages for the database constraints a request can run into.
enum ConstraintMessages {
    static let messages: [String: String] = [
        "organizations_name_key_key": "an organization with this name already exists (names ignore case and width)",
        "organizations_corporate_number_key": "another organization has this 法人番号",
        "accounts_email_key_key": "an account with this e-mail address already exists",
    ]

    static func describe(_ error: DatabaseError) -> String? {
        error.constraint.flatMap { messages[$0] }
    }
}
