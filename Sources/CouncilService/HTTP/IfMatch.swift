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
        let tag = header.trimmingCharacters(in: .whitespaces)
        let prefix = "\"issue-\(number)-v"
        guard tag.hasPrefix(prefix), tag.hasSuffix("\""), let version = Int(tag.dropFirst(prefix.count).dropLast()) else {
            if tag == "*" {
                throw Problem(
                    .etagRequired, detail: "If-Match: * would overwrite whatever is there; send the ETag of the version you edited",
                    errors: [.init(field: "If-Match", detail: "send the ETag from GET /v1/issues/\(number)")])
            }
            // Not an entity tag at all (`0`, an empty value): a malformed request, not a stale one.
            let opaque = tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
            guard opaque.count >= 2, opaque.hasPrefix("\""), opaque.hasSuffix("\"") else {
                throw Problem.invalid(
                    "If-Match", "'\(tag)' is not an ETag; send the ETag from GET /v1/issues/\(number), such as \"issue-\(number)-v1\"")
            }
            // Another resource's tag: it cannot match the current version.
            throw Problem(
                .staleVersion, detail: "If-Match \(tag) is not an ETag of issue #\(number); fetch it again",
                errors: [.init(field: "If-Match", detail: "expected the ETag from GET /v1/issues/\(number)")])
        }
        return version
    }
}

extension Problem {
    static let preconditionRequired = Problem(
        .etagRequired, detail: "send If-Match with the ETag of the issue as you read it, so a concurrent edit is never overwritten",
        errors: [.init(field: "If-Match", detail: "is required")])
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
