import Hummingbird

/// Webhook endpoints: an organization's administrators register, change and remove theirs (the
/// secretariat's administrators any organization's), read each endpoint's delivery log and send
/// a delivery again.
struct WebhookRoutes: Sendable {
    let store: WebhookStore
    let settings: NotificationSettings

    struct NewEndpoint: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case organizationID, url, eventTypes, scope, description }
        let organizationID: Int?
        let url: String
        let eventTypes: [EventKind]?
        let scope: WebhookScope?
        let description: String?
    }

    struct EndpointPatch: JSONRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case url, eventTypes, scope, description, enabled }
        let url: FieldUpdate<String>
        let eventTypes: FieldUpdate<[EventKind]>
        let scope: FieldUpdate<WebhookScope>
        let description: FieldUpdate<String>
        let enabled: FieldUpdate<Bool>
    }

    func eventTypes(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(Items(items: EventKind.allCases.map(\.rawValue)))
    }

    func list(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["organization"])
        let principal = try context.caller()
        let organization = try parameters.id("organization")
        if let organization {
            try Policy.requireManageWebhooks(of: organization, principal)
        } else if !principal.isSecretariatAdmin {
            try Policy.requireManageWebhooks(of: principal.organizationID, principal)
        }
        let scope = organization ?? (principal.isSecretariatAdmin ? nil : principal.organizationID)
        return try .json(Items(items: try await store.endpoints(of: scope)))
    }

    func create(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let principal = try context.caller()
        let body = try await request.decodeJSON(NewEndpoint.self, context: context)
        let organization = body.organizationID ?? principal.organizationID
        try Policy.requireManageWebhooks(of: organization, principal)
        let draft = try WebhookStore.Draft(
            url: body.url, eventTypes: body.eventTypes ?? [], scope: body.scope ?? .all, description: body.description ?? "", enabled: true
        ).validated(settings.targets)
        let created = try await store.create(organization: organization, draft, by: try context.auditActor())
        var response = try Response.json(created, status: .created)
        response.headers[.location] = "/v1/webhooks/\(created.id)"
        return response
    }

    func get(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        try .json(try await managed(context))
    }

    func update(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let endpoint = try await managed(context)
        let patch = try await request.decodeJSON(EndpointPatch.self, context: context)
        let targets = settings.targets
        return try .json(
            try await store.update(endpoint.id, by: try context.auditActor()) { current in
                try WebhookStore.Draft(
                    url: patch.url.apply(to: current.url), eventTypes: patch.eventTypes.apply(to: current.eventTypes),
                    scope: patch.scope.apply(to: current.scope),
                    description: patch.description.apply(to: current.description), enabled: patch.enabled.apply(to: current.enabled)
                ).validated(targets)
            })
    }

    func delete(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let endpoint = try await managed(context)
        try await store.delete(endpoint.id, by: try context.auditActor())
        return Response(status: .noContent)
    }

    func rotateSecret(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let endpoint = try await managed(context)
        return try .json(try await store.rotateSecret(endpoint.id, overlap: settings.rotationOverlap, by: try context.auditActor()))
    }

    func deliveries(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let endpoint = try await managed(context)
        let parameters = try QueryParameters(request, allowed: ["state", "before", "limit"])
        let page = try await store.deliveries(
            of: endpoint.id, state: try parameters.value("state", as: WebhookDeliveryState.self), before: try parameters.id("before"),
            limit: try parameters.int("limit", default: 50, range: 1...200))
        return try .json(DeliveryPage(items: page.items, nextBefore: page.next))
    }

    func redeliver(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let endpoint = try await managed(context)
        let delivery = try await store.redeliver(endpoint: endpoint.id, delivery: try context.id("delivery"), by: try context.auditActor())
        return try .json(delivery, status: .accepted)
    }

    struct DeliveryPage: Encodable {
        let items: [WebhookDelivery]
        let nextBefore: Int?
    }

    /// The endpoint of the path when the caller manages its organization (404 when they may not
    /// even see it, 403 when they see but may not manage).
    private func managed(_ context: CouncilRequestContext) async throws -> WebhookEndpoint {
        let id = try context.id("id")
        let principal = try context.caller()
        guard let endpoint = try await store.endpoint(id), Policy.canSeeWebhooks(of: endpoint.organizationID, principal) else {
            throw Problem.notFound(Reason.noWebhookEndpoint(id))
        }
        try Policy.requireManageWebhooks(of: endpoint.organizationID, principal)
        return endpoint
    }
}
