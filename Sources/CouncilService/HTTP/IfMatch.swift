import Hummingbird

/// Optimistic concurrency for issues: `GET` sends an ETag (`"issue-12-v7"`); `PATCH` must send
/// it back in `If-Match`, so an edit made on a stale copy is refused (412) instead of silently
/// overwriting someone else's.
enum IfMatch {
    /// The version the client last saw. `required`: 428 without the header.
    static func version(_ request: Request, issue number: Int, required: Bool) throws -> Int? {
        guard let header = request.headers[.ifMatch] else {
            if required { throw Problem.preconditionRequired }
            return nil
        }
        // A list (or a weak tag, which If-Match never matches) cannot name one version.
        let tag = header.trimmingHTTPWhitespace
        let prefix = "\"issue-\(number)-v"
        guard tag.hasPrefix(prefix), tag.hasSuffix("\""), let version = Int(tag.dropFirst(prefix.count).dropLast()) else {
            if tag == "*" {
                throw Problem(
                    .etagRequired,
                    Reason(
                        "If-Match: * would overwrite whatever is there; send the ETag of the version you edited",
                        ja: "If-Match: * ではそのときの内容を上書きしてしまいます。編集した版のETagを送ってください"),
                    errors: [.init(field: "If-Match", Reason.sendETag(number))])
            }
            // Not an entity tag at all (`0`, an empty value): a malformed request, not a stale one.
            let opaque = tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
            guard opaque.count >= 2, opaque.hasPrefix("\""), opaque.hasSuffix("\"") else {
                throw Problem.invalid(
                    "If-Match",
                    Reason(
                        "'\(tag)' is not an ETag; send the ETag from GET /v1/issues/\(number), such as \"issue-\(number)-v1\"",
                        ja: "「\(tag)」はETagではありません。GET /v1/issues/\(number) のETag（\"issue-\(number)-v1\" など）を送ってください"))
            }
            // Another resource's tag: it cannot match the current version.
            throw Problem(
                .staleVersion,
                Reason(
                    "If-Match \(tag) is not an ETag of issue #\(number); fetch it again", ja: "If-Match \(tag)は課題#\(number)のETagではありません。読み直してください"),
                errors: [
                    .init(
                        field: "If-Match",
                        Reason("expected the ETag from GET /v1/issues/\(number)", ja: "GET /v1/issues/\(number) のETagを送ってください"))
                ])
        }
        return version
    }
}

extension Problem {
    static let preconditionRequired = Problem(
        .etagRequired,
        Reason(
            "send If-Match with the ETag of the issue as you read it, so a concurrent edit is never overwritten",
            ja: "読み込んだときの課題のETagを If-Match で送ってください（同時の編集を上書きしないため）"),
        errors: [.init(field: "If-Match", RequestReason.required)])
}

extension Reason {
    static func sendETag(_ number: Int) -> Reason {
        Reason("send the ETag from GET /v1/issues/\(number)", ja: "GET /v1/issues/\(number) のETagを送ってください")
    }
}

extension Response {
    /// An issue with its ETag.
    static func issue(_ issue: Issue, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try Response.json(issue, status: status)
        response.headers[.eTag] = issue.etag
        if status == .created { response.headers[.location] = "/v1/issues/\(issue.number)" }
        return response
    }
}
