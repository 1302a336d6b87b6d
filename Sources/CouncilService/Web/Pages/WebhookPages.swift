import Foundation
import Hummingbird

/// Webhook endpoints in the browser, for an organization's administrators (the secretariat's
/// administrators: every organization's): the list and a form to add one (its secret shown once,
/// on the answer page), and each endpoint's page with its delivery log, redelivery, stopping and
/// resuming, a new secret, deletion. The same store and `Policy` as `/v1/webhooks`.
struct WebhookPages: Sendable {
    let store: WebhookStore
    let organizations: OrganizationStore
    let settings: NotificationSettings

    struct ListModel: Sendable, Encodable {
        let endpoints: [Row]
        let form: Form
        var secret: String?
        var errors: [String] = []
    }

    struct Row: Sendable, Encodable {
        let id: Int
        let organization: String
        let url: String
        let events: String
        let scope: String
        let state: String
    }

    struct Form: Sendable, Encodable {
        let url: String
        let description: String
        let scopes: [PageChoice]
        let kinds: [PageChoice]
    }

    func list(_ page: PageRequest) async throws -> Response {
        page.render("webhooks", try await listModel(page, form: nil))
    }

    func create(_ page: PageRequest) async throws -> Response {
        let principal = try page.caller()
        try Policy.requireManageWebhooks(of: principal.organizationID, principal)
        let kinds = page.form.all("event_types").compactMap(EventKind.init(rawValue:))
        let scope = page.form["scope"].flatMap(WebhookScope.init(rawValue:)) ?? .all
        do {
            let draft = try WebhookStore.Draft(
                url: page.form["url"] ?? "", eventTypes: kinds, scope: scope, description: page.form["description"] ?? "", enabled: true
            ).validated(settings.targets)
            let created = try await store.create(organization: principal.organizationID, draft, by: try page.auditActor())
            // The secret is on this answer only: no redirect could carry it.
            var model = try await listModel(page, form: nil)
            model.secret = created.secret
            return page.render("webhooks", model, status: .created)
        } catch let problem as Problem where problem.status == .unprocessableContent || problem.status == .badRequest {
            var model = try await listModel(page, form: (page.form["url"] ?? "", page.form["description"] ?? "", scope, kinds))
            model.errors = page.reasons(problem)
            return page.render("webhooks", model, status: .unprocessableContent)
        }
    }

    private func listModel(
        _ page: PageRequest, form: (url: String, description: String, scope: WebhookScope, kinds: [EventKind])?
    ) async throws
        -> ListModel
    {
        let principal = try page.caller()
        if !principal.isSecretariatAdmin { try Policy.requireManageWebhooks(of: principal.organizationID, principal) }
        let endpoints = try await store.endpoints(of: principal.isSecretariatAdmin ? nil : principal.organizationID)
        let names = try await organizations.names(of: Set(endpoints.map(\.organizationID)))
        let chosen = form ?? ("", "", .all, [])
        return ListModel(
            endpoints: endpoints.map { endpoint in
                Row(
                    id: endpoint.id, organization: names[endpoint.organizationID] ?? String(endpoint.organizationID), url: endpoint.url,
                    events: events(endpoint, page),
                    scope: page.word("webhook_scope_" + endpoint.scope.rawValue),
                    state: page.word(endpoint.enabled ? "webhook_enabled" : "webhook_disabled"))
            },
            form: Form(
                url: chosen.url, description: chosen.description,
                scopes: WebhookScope.allCases.map {
                    PageChoice(value: $0.rawValue, label: page.word("webhook_scope_" + $0.rawValue), checked: $0 == chosen.scope)
                },
                kinds: EventKind.allCases.map { PageChoice(value: $0.rawValue, label: label($0, page), checked: chosen.kinds.contains($0)) }))
    }

    // MARK: One endpoint

    struct EndpointModel: Sendable, Encodable {
        let id: Int
        let url: String
        let organization: String
        let events: String
        let scope: String
        let state: String
        let reason: String?
        let description: String?
        let toggleValue: String
        let toggleLabel: String
        let deliveries: [DeliveryRow]
        var notice: String?
        var secret: String?
    }

    struct DeliveryRow: Sendable, Encodable {
        let id: Int
        let event: String
        let messageID: String
        let state: String
        let attempts: Int
        let lastAnswer: String
    }

    func show(_ page: PageRequest) async throws -> Response {
        let endpoint = try await managed(page)
        var model = try await endpointModel(endpoint, page)
        if let done = page.request.uri.queryParameters["done"].map(String.init) { model.notice = page.word("webhook_" + done) }
        return page.render("webhook", model)
    }

    func setEnabled(_ page: PageRequest) async throws -> Response {
        let endpoint = try await managed(page)
        let enabled = page.form["enabled"] == "true"
        let targets = settings.targets
        _ = try await store.update(endpoint.id, by: try page.auditActor()) { current in
            try WebhookStore.Draft(
                url: current.url, eventTypes: current.eventTypes, scope: current.scope, description: current.description, enabled: enabled
            ).validated(targets)
        }
        return PageDispatcher.redirect(to: "/webhooks/\(endpoint.id)?done=saved")
    }

    func rotate(_ page: PageRequest) async throws -> Response {
        let endpoint = try await managed(page)
        let rotated = try await store.rotateSecret(endpoint.id, overlap: settings.rotationOverlap, by: try page.auditActor())
        var model = try await endpointModel(rotated, page)
        model.secret = rotated.secret
        model.notice = page.word("webhook_rotated")
        return page.render("webhook", model)
    }

    func delete(_ page: PageRequest) async throws -> Response {
        let endpoint = try await managed(page)
        try await store.delete(endpoint.id, by: try page.auditActor())
        return PageDispatcher.redirect(to: "/webhooks")
    }

    func redeliver(_ page: PageRequest) async throws -> Response {
        let endpoint = try await managed(page)
        guard let delivery = page.context.parameters.get("delivery").flatMap(Int.init) else {
            throw Problem.notFound(Reason("no such delivery", ja: "その配信はありません"))
        }
        _ = try await store.redeliver(endpoint: endpoint.id, delivery: delivery, by: try page.auditActor())
        return PageDispatcher.redirect(to: "/webhooks/\(endpoint.id)?done=queued")
    }

    /// The endpoint of the path: 404 when the caller may not see it, 403 when not manage it.
    private func managed(_ page: PageRequest) async throws -> WebhookEndpoint {
        let principal = try page.caller()
        guard let id = page.context.parameters.get("id").flatMap(Int.init), let endpoint = try await store.endpoint(id),
            Policy.canSeeWebhooks(of: endpoint.organizationID, principal)
        else { throw Problem.notFound(Reason("no such webhook endpoint", ja: "そのWebhookの送信先はありません")) }
        try Policy.requireManageWebhooks(of: endpoint.organizationID, principal)
        return endpoint
    }

    private func endpointModel(_ endpoint: WebhookEndpoint, _ page: PageRequest) async throws -> EndpointModel {
        let deliveries = try await store.deliveries(of: endpoint.id, state: nil, before: nil, limit: 50).items
        return EndpointModel(
            id: endpoint.id, url: endpoint.url, organization: try await organizations.organization(endpoint.organizationID)?.name ?? "",
            events: events(endpoint, page), scope: page.word("webhook_scope_" + endpoint.scope.rawValue),
            state: page.word(endpoint.enabled ? "webhook_enabled" : "webhook_disabled"), reason: endpoint.disabledReason,
            description: endpoint.description.isEmpty ? nil : endpoint.description, toggleValue: endpoint.enabled ? "false" : "true",
            toggleLabel: page.word(endpoint.enabled ? "webhook_disable" : "webhook_enable"),
            deliveries: deliveries.map { delivery in
                let last = delivery.log.last
                return DeliveryRow(
                    id: delivery.id, event: label(delivery.eventType, page), messageID: delivery.messageID, state: delivery.state.rawValue,
                    attempts: delivery.attempts, lastAnswer: last.map { $0.status.map { "HTTP \($0)" } ?? ($0.error ?? "") } ?? "")
            })
    }

    private func events(_ endpoint: WebhookEndpoint, _ page: PageRequest) -> String {
        endpoint.eventTypes.isEmpty ? page.word("webhook_all_events") : endpoint.eventTypes.map { label($0, page) }.joined(separator: "、")
    }

    private func label(_ kind: EventKind, _ page: PageRequest) -> String {
        page.language == .ja ? kind.labels.ja : kind.labels.en
    }
}
