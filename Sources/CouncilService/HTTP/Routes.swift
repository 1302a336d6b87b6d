import Hummingbird

/// The whole API surface at a glance. Each line: method, path, operationId (as in
/// openapi.yaml), who may call it (enforced by `Policy.authorize` before the handler), and the
/// handler. Tests check this table against the OpenAPI document and walk it with every role.
extension RouteTable {
    static func council(_ api: API) -> RouteTable {
        RouteTable(endpoints: [
            // Operations
            Endpoint(.get, "/health/live", "getLiveness", .public, api.health.live),
            Endpoint(.get, "/health/ready", "getReadiness", .public, api.health.ready),
            Endpoint(.get, "/metrics", "getMetrics", .public, api.metrics.metrics),
            Endpoint(.get, "/openapi.yaml", "getOpenAPIDocument", .public, api.contract.openAPI),

            // National master data
            Endpoint(.get, "/v1/business-areas", "listBusinessAreas", .public, api.masterData.businessAreas),
            Endpoint(.get, "/v1/blocks", "listBlocks", .public, api.masterData.blocks),
            Endpoint(.get, "/v1/prefectures", "listPrefectures", .public, api.masterData.prefectures),
            Endpoint(.get, "/v1/municipalities", "listMunicipalities", .public, api.municipalities.list),
            Endpoint(.get, "/v1/municipalities/{code}", "getMunicipality", .public, api.municipalities.get),
            Endpoint(.post, "/v1/municipalities/import", "importMunicipalities", .secretariatAdmin, .upload, api.municipalities.importList),

            // Identity
            Endpoint(.get, "/v1/me", "getMe", .authenticated, api.me.me),
            Endpoint(.get, "/v1/me/notifications", "getNotificationSettings", .authenticated, api.mailPreference.get),
            Endpoint(.put, "/v1/me/notifications", "setNotificationSettings", .authenticated, api.mailPreference.put),
            Endpoint(.get, "/v1/organizations", "listOrganizations", .authenticated, api.organizations.list),
            Endpoint(.post, "/v1/organizations", "createOrganization", .secretariatAdmin, api.organizations.create),
            Endpoint(.get, "/v1/organizations/{id}", "getOrganization", .authenticated, api.organizations.get),
            Endpoint(.patch, "/v1/organizations/{id}", "updateOrganization", .secretariatAdmin, api.organizations.update),
            Endpoint(.get, "/v1/accounts", "listAccounts", .authenticated, api.accounts.list),
            Endpoint(.post, "/v1/accounts", "createAccount", .authenticated, api.accounts.create),
            Endpoint(.get, "/v1/accounts/{id}", "getAccount", .authenticated, api.accounts.get),
            Endpoint(.patch, "/v1/accounts/{id}", "updateAccount", .authenticated, api.accounts.update),
            Endpoint(.post, "/v1/accounts/{id}/password-link", "createPasswordLink", .authenticated, .secretResponse, api.accounts.passwordLink),
            Endpoint(.get, "/v1/accounts/{id}/tokens", "listTokens", .authenticated, api.tokens.list),
            Endpoint(.post, "/v1/accounts/{id}/tokens", "createToken", .authenticated, .secretResponse, api.tokens.create),
            Endpoint(.delete, "/v1/tokens/{id}", "revokeToken", .authenticated, api.tokens.revoke),
            Endpoint(.get, "/v1/audit", "listAuditEntries", .secretariat, api.audit.list),

            // Filings: products, development status, adoptions
            Endpoint(.get, "/v1/products", "listProducts", .authenticated, api.products.list),
            Endpoint(.post, "/v1/products", "createProduct", .filer, api.products.create),
            Endpoint(.get, "/v1/products/{id}", "getProduct", .authenticated, api.products.get),
            Endpoint(.patch, "/v1/products/{id}", "updateProduct", .filer, api.products.update),
            Endpoint(.post, "/v1/development-status", "fileStatusReport", .filer, api.status.file),
            Endpoint(.get, "/v1/development-status", "getStatusMatrix", .authenticated, api.status.matrix),
            Endpoint(.get, "/v1/development-status/history", "getStatusHistory", .authenticated, api.status.history),
            Endpoint(.get, "/v1/development-status/summary", "getStatusSummary", .authenticated, api.status.summary),
            Endpoint(.post, "/v1/development-status/import", "importStatusReports", .filer, .upload, api.status.importFile),
            Endpoint(.get, "/v1/development-status/export", "exportStatusReports", .authenticated, api.status.export),
            Endpoint(.get, "/v1/development-status/template", "getStatusTemplate", .authenticated, api.status.template),
            Endpoint(.get, "/v1/adoptions", "listAdoptions", .authenticated, api.adoptions.list),
            Endpoint(.post, "/v1/adoptions/import", "importAdoptions", .filer, .upload, api.adoptions.importFile),
            Endpoint(.get, "/v1/adoptions/export", "exportAdoptions", .authenticated, api.adoptions.export),
            Endpoint(.get, "/v1/adoptions/template", "getAdoptionTemplate", .authenticated, api.adoptions.template),
            Endpoint(.get, "/v1/adoptions/{dantai_code}/{business_area}", "getAdoption", .authenticated, api.adoptions.get),
            Endpoint(.put, "/v1/adoptions/{dantai_code}/{business_area}", "fileAdoption", .filer, api.adoptions.put),
            Endpoint(.get, "/v1/adoptions/{dantai_code}/{business_area}/history", "getAdoptionHistory", .authenticated, api.adoptions.history),

            // Issues (課題): visibility, editing and workflow rules are object-level, in Policy+Issues
            Endpoint(.get, "/v1/issues", "listIssues", .authenticated, api.issues.list),
            Endpoint(.post, "/v1/issues", "createIssue", .authenticated, api.issues.create),
            Endpoint(.get, "/v1/issues/export", "exportIssues", .authenticated, api.issues.export),
            Endpoint(.get, "/v1/issues/{number}", "getIssue", .authenticated, .authenticatesInItsRead, api.issues.get),
            Endpoint(.patch, "/v1/issues/{number}", "updateIssue", .authenticated, api.issues.update),
            Endpoint(.get, "/v1/issues/{number}/transitions", "listIssueTransitions", .authenticated, api.issues.transitions),
            Endpoint(.post, "/v1/issues/{number}/transitions", "transitionIssue", .authenticated, api.issues.transition),
            Endpoint(.get, "/v1/issues/{number}/events", "listIssueEvents", .authenticated, api.issues.listEvents),
            Endpoint(.get, "/v1/issues/{number}/attachments", "listIssueAttachments", .authenticated, api.attachments.list),
            Endpoint(.post, "/v1/issues/{number}/attachments", "createIssueAttachment", .authenticated, .streamed, api.attachments.upload)
                .limitingBody(to: api.attachments.maxSize),
            Endpoint(.get, "/v1/issues/{number}/attachments/{id}", "getIssueAttachment", .authenticated, api.attachments.download),
            Endpoint(.get, "/v1/issues/{number}/comments", "listIssueComments", .authenticated, api.conversation.listComments),
            Endpoint(.post, "/v1/issues/{number}/comments", "createIssueComment", .authenticated, api.conversation.addComment),
            Endpoint(.patch, "/v1/issues/{number}/comments/{id}", "updateIssueComment", .authenticated, api.conversation.editComment),
            Endpoint(
                .get, "/v1/issues/{number}/comments/{id}/revisions", "listIssueCommentRevisions", .authenticated, api.conversation.commentRevisions),
            Endpoint(.get, "/v1/issues/{number}/relations", "listIssueRelations", .authenticated, api.conversation.listRelations),
            Endpoint(.post, "/v1/issues/{number}/relations", "createIssueRelation", .authenticated, api.conversation.addRelation),
            Endpoint(.delete, "/v1/issues/{number}/relations/{kind}/{other}", "deleteIssueRelation", .authenticated, api.conversation.removeRelation),
            Endpoint(.get, "/v1/issues/{number}/watchers", "listIssueWatchers", .authenticated, api.conversation.listWatchers),
            Endpoint(.post, "/v1/issues/{number}/watchers", "addIssueWatcher", .authenticated, api.conversation.addWatcher),
            Endpoint(.delete, "/v1/issues/{number}/watchers/{kind}/{id}", "removeIssueWatcher", .authenticated, api.conversation.removeWatcher),
            Endpoint(.get, "/v1/saved-queries", "listSavedQueries", .authenticated, api.savedQueries.list),
            Endpoint(.post, "/v1/saved-queries", "createSavedQuery", .authenticated, api.savedQueries.create),
            Endpoint(.get, "/v1/saved-queries/{id}", "getSavedQuery", .authenticated, api.savedQueries.get),
            Endpoint(.patch, "/v1/saved-queries/{id}", "updateSavedQuery", .authenticated, api.savedQueries.update),
            Endpoint(.delete, "/v1/saved-queries/{id}", "deleteSavedQuery", .authenticated, api.savedQueries.delete),

            // Cross-reference: who blocks whom (restricted issues count only for those who see them)
            Endpoint(.get, "/v1/blockers", "listBlockers", .authenticated, api.blockers.list),
            Endpoint(.get, "/v1/municipalities/{code}/blockers", "getMunicipalityBlockers", .authenticated, api.blockers.forMunicipality),
            Endpoint(.get, "/v1/vendors/{id}/blocked-municipalities", "getVendorBlockedMunicipalities", .authenticated, api.blockers.forVendor),
            Endpoint(.get, "/v1/reports/specified-support", "getSpecifiedSupportReport", .authenticated, api.blockers.specifiedSupport),

            // Council meetings (協議会) and agendas
            Endpoint(.get, "/v1/meetings", "listMeetings", .authenticated, api.meetings.list),
            Endpoint(.post, "/v1/meetings", "createMeeting", .secretariat, api.meetings.create),
            Endpoint(.get, "/v1/meetings/{id}", "getMeeting", .authenticated, api.meetings.get),
            Endpoint(.patch, "/v1/meetings/{id}", "updateMeeting", .secretariat, api.meetings.update),
            Endpoint(.get, "/v1/meetings/{id}/handout", "getMeetingHandout", .authenticated, api.meetings.handout),
            Endpoint(.get, "/v1/meetings/{id}/export", "exportMeetingAgenda", .authenticated, api.meetings.export),
            Endpoint(.post, "/v1/meetings/{id}/agenda", "addAgendaItem", .secretariat, api.meetings.addItem),
            Endpoint(.post, "/v1/meetings/{id}/agenda/propose", "proposeAgenda", .secretariat, api.meetings.propose),
            Endpoint(.patch, "/v1/meetings/{id}/agenda/{item}", "updateAgendaItem", .secretariat, api.meetings.updateItem),
            Endpoint(.delete, "/v1/meetings/{id}/agenda/{item}", "deleteAgendaItem", .secretariat, api.meetings.deleteItem),
            Endpoint(.post, "/v1/meetings/{id}/agenda/{item}/decision", "recordAgendaDecision", .secretariat, api.meetings.decide),

            // Notifications: the live stream and webhooks (who manages which endpoint: Policy)
            Endpoint(.get, "/v1/events/stream", "streamEvents", .authenticated, api.events.stream),
            Endpoint(.get, "/v1/event-types", "listEventTypes", .authenticated, api.webhooks.eventTypes),
            Endpoint(.post, "/v1/mail/bounces", "recordMailBounce", .secretariatAdmin, .upload, api.mailBounces.record),
            Endpoint(.get, "/v1/webhooks", "listWebhooks", .authenticated, api.webhooks.list),
            Endpoint(.post, "/v1/webhooks", "createWebhook", .authenticated, .secretResponse, api.webhooks.create),
            Endpoint(.get, "/v1/webhooks/{id}", "getWebhook", .authenticated, api.webhooks.get),
            Endpoint(.patch, "/v1/webhooks/{id}", "updateWebhook", .authenticated, api.webhooks.update),
            Endpoint(.delete, "/v1/webhooks/{id}", "deleteWebhook", .authenticated, api.webhooks.delete),
            Endpoint(.post, "/v1/webhooks/{id}/secret", "rotateWebhookSecret", .authenticated, .secretResponse, api.webhooks.rotateSecret),
            Endpoint(.get, "/v1/webhooks/{id}/deliveries", "listWebhookDeliveries", .authenticated, api.webhooks.deliveries),
            Endpoint(
                .post, "/v1/webhooks/{id}/deliveries/{delivery}/redeliver", "redeliverWebhook", .authenticated, api.webhooks.redeliver),
        ])
    }
}

/// The handlers, grouped by resource.
struct API: Sendable {
    let health: HealthRoutes
    let metrics: MetricsRoutes
    let contract: ContractRoutes
    let masterData: MasterDataRoutes
    let municipalities: MunicipalityRoutes
    let me: MeRoutes
    let mailPreference: MailPreferenceRoutes
    let mailBounces: MailBounceRoutes
    let organizations: OrganizationRoutes
    let accounts: AccountRoutes
    let tokens: TokenRoutes
    let audit: AuditRoutes
    let products: ProductRoutes
    let status: StatusRoutes
    let adoptions: AdoptionRoutes
    let issues: IssueRoutes
    let conversation: IssueConversationRoutes
    let savedQueries: SavedQueryRoutes
    let blockers: BlockerRoutes
    let meetings: MeetingRoutes
    let webhooks: WebhookRoutes
    let events: EventStreamRoutes
    let attachments: AttachmentRoutes
}
