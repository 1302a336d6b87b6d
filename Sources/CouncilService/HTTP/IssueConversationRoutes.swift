import Hummingbird

/// An issue's conversation and connections: comments (with edit history), relations, watchers.
struct IssueConversationRoutes: Sendable {
    let comments: IssueCommentStore
    let relations: IssueRelationStore
    let watchers: IssueWatcherStore

    struct CommentBody: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case body }
        let body: String
    }

    struct RelationBody: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case kind, issue }
        let kind: IssueRelationKind
        let issue: Int
    }

    struct WatcherBody: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case kind, id }
        let kind: WatcherKind
        let id: Int
    }

    func listComments(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["after", "limit"])
        return try .json(
            try await comments.comments(
                try context.id("number"), after: try parameters.id("after"),
                limit: try parameters.int("limit", default: 100, range: 1...500), for: try context.caller()))
    }

    func addComment(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let expected = try IfMatch.version(request, issue: number, required: false)
        let body = try await request.decodeJSON(CommentBody.self, context: context)
        let (comment, etag) = try await comments.add(
            number, body: body.body, expectedVersion: expected, by: try context.caller(), try context.auditActor())
        var response = try Response.json(comment, status: .created)
        response.headers[.location] = "/v1/issues/\(number)/comments/\(comment.id)"
        response.headers[.eTag] = etag
        return response
    }

    func editComment(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number"), id = try context.id("id")
        let body = try await request.decodeJSON(CommentBody.self, context: context)
        let (comment, etag) = try await comments.edit(number, comment: id, body: body.body, by: try context.caller(), try context.auditActor())
        var response = try Response.json(comment)
        if let etag { response.headers[.eTag] = etag }
        return response
    }

    func commentRevisions(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let revisions = try await comments.revisions(try context.id("number"), comment: try context.id("id"), for: try context.caller())
        return try .json(["items": revisions])
    }

    func listRelations(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(["items": try await relations.relations(try context.id("number"), for: try context.caller())])
    }

    func addRelation(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let body = try await request.decodeJSON(RelationBody.self, context: context)
        guard let created = try await relations.add(number, body.kind, body.issue, by: try context.caller(), try context.auditActor()) else {
            // Already related: nothing changed.
            let existing = try await relations.relations(number, for: try context.caller())
            return try .json(existing.first { $0.kind == body.kind && $0.issue == body.issue })
        }
        return try .json(created, status: .created)
    }

    func removeRelation(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number"), other = try context.id("other")
        let kindText = context.parameters.get("kind") ?? ""
        guard let kind = IssueRelationKind(rawValue: kindText) else {
            throw Problem.invalid("kind", RequestReason.notOneOf(kindText, IssueRelationKind.allCases.map(\.rawValue)))
        }
        try await relations.remove(number, kind, other, by: try context.caller(), try context.auditActor())
        return Response(status: .noContent)
    }

    func listWatchers(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(["items": try await watchers.watchers(try context.id("number"), for: try context.caller())])
    }

    func addWatcher(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number")
        let body = try await request.decodeJSON(WatcherBody.self, context: context)
        let added = try await watchers.add(number, body.kind, body.id, by: try context.caller(), try context.auditActor())
        let list = try await watchers.watchers(number, for: try context.caller())
        return try .json(["items": list], status: added ? .created : .ok)
    }

    func removeWatcher(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let number = try context.id("number"), id = try context.id("id")
        let kindText = context.parameters.get("kind") ?? ""
        guard let kind = WatcherKind(rawValue: kindText) else {
            throw Problem.invalid(
                "kind", Reason("'\(kindText)' is not account or organization", ja: "「\(kindText)」は account でも organization でもありません"))
        }
        try await watchers.remove(number, kind, id, by: try context.caller(), try context.auditActor())
        return Response(status: .noContent)
    }
}
