import CouncilDatabase
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus

/// What the application needs from outside: the database pool, the metrics registry and the
/// drain state. The daemon and the tests build the same application from it.
package struct AppDependencies: Sendable {
    package let pool: DatabasePool
    package let metrics: PrometheusCollectorRegistry
    package let state: ServerState
    /// Single municipalities kept in memory while it listens for changes (a lifecycle service
    /// of its own); without it every lookup reads the database.
    package let masterData: MasterDataCache?
    /// The largest attachment accepted, in bytes.
    package let maxAttachmentSize: Int
    /// The web pages' settings: the public address, the password hasher.
    package let web: WebSettings
    /// Where lists, searches, views and exports read: the primary, or a standby (`--replica-url`).
    package let reads: ReadPool
    /// How webhooks are delivered and streams kept (targets allowed, timeouts, heartbeats).
    package let notifications: NotificationSettings
    /// Wakes the event streams (and the dispatcher) when outbox events commit.
    package let outboxSignal: OutboxSignal

    package init(
        pool: DatabasePool, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), state: ServerState = ServerState(),
        masterData: MasterDataCache? = nil, maxAttachmentSize: Int = AttachmentRoutes.defaultMaxSize,
        web: WebSettings = WebSettings(publicURL: "http://127.0.0.1:8080"), standby: DatabasePool? = nil,
        notifications: NotificationSettings = NotificationSettings(), outboxSignal: OutboxSignal? = nil
    ) {
        self.notifications = notifications
        self.outboxSignal = outboxSignal ?? OutboxSignal(configuration: nil, logger: Logger(label: "council.outbox"))
        self.pool = pool
        self.reads = ReadPool(primary: pool, standby: standby)
        self.metrics = metrics
        self.state = state
        self.masterData = masterData
        self.maxAttachmentSize = maxAttachmentSize
        self.web = web
    }
}

/// Listening address of the HTTP server.
package struct ServerAddress: Sendable, Equatable {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

package func buildRouteTable(_ dependencies: AppDependencies) -> RouteTable {
    let pool = dependencies.pool
    let accounts = AccountRoutes(
        store: AccountStore(pool: pool), links: PasswordLinkStore(pool: pool, hasher: dependencies.web.hasher), web: dependencies.web)
    let api = API(
        health: HealthRoutes(
            pool: dependencies.pool, state: dependencies.state,
            latestMigration: Migration.embedded.last?.version ?? 0),
        metrics: MetricsRoutes(registry: dependencies.metrics, pool: dependencies.pool),
        contract: ContractRoutes(),
        masterData: MasterDataRoutes(store: MasterDataStore(pool: dependencies.pool)),
        municipalities: MunicipalityRoutes(store: MunicipalityStore(pool: pool), cache: dependencies.masterData),
        me: MeRoutes(accounts: AccountStore(pool: pool), organizations: OrganizationStore(pool: pool)),
        mailPreference: MailPreferenceRoutes(store: MailPreferenceStore(pool: pool)),
        mailBounces: MailBounceRoutes(store: MailBounceStore(pool: pool)),
        organizations: OrganizationRoutes(store: OrganizationStore(pool: pool)),
        accounts: accounts,
        tokens: TokenRoutes(tokens: TokenStore(pool: pool), accounts: accounts),
        audit: AuditRoutes(store: AuditStore(pool: pool)),
        products: ProductRoutes(store: ProductStore(pool: pool)),
        status: StatusRoutes(store: StatusStore(pool: pool), products: ProductStore(pool: pool)),
        adoptions: AdoptionRoutes(store: AdoptionStore(pool: pool), products: ProductStore(pool: pool)),
        issues: IssueRoutes(
            store: IssueStore(pool: pool), search: IssueSearch(reads: dependencies.reads), events: IssueEvents(pool: pool),
            savedQueries: SavedQueryStore(pool: pool)),
        conversation: IssueConversationRoutes(
            comments: IssueCommentStore(pool: pool), relations: IssueRelationStore(pool: pool),
            watchers: IssueWatcherStore(pool: pool)),
        savedQueries: SavedQueryRoutes(store: SavedQueryStore(pool: pool)),
        blockers: BlockerRoutes(store: BlockerStore(reads: dependencies.reads)),
        meetings: MeetingRoutes(store: MeetingStore(pool: pool)),
        webhooks: WebhookRoutes(store: WebhookStore(pool: pool), settings: dependencies.notifications),
        events: EventStreamRoutes(
            pool: pool, tokens: TokenStore(pool: pool), signal: dependencies.outboxSignal, settings: dependencies.notifications,
            state: dependencies.state, publicURL: dependencies.web.publicURL),
        attachments: AttachmentRoutes(store: AttachmentStore(pool: pool), maxSize: dependencies.maxAttachmentSize))
    return .council(api)
}

package func buildRouter(_ dependencies: AppDependencies) -> Router<CouncilRequestContext> {
    let table = buildRouteTable(dependencies)
    let router = Router(context: CouncilRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Middleware applies to routes added after it, and to the not-found responder.
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: RequestLogMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware(routes: table))
    router.add(middleware: AuthenticationMiddleware(tokens: TokenStore(pool: dependencies.pool), routes: table))
    if dependencies.reads.standby != nil { router.add(middleware: ReadYourWritesMiddleware(reads: dependencies.reads, web: dependencies.web)) }
    let idempotency = Idempotency(store: IdempotencyStore(pool: dependencies.pool))
    for endpoint in table.endpoints {
        // The route-level policy runs before every handler; none is registered without one.
        let access = endpoint.access, handler = endpoint.handler, isPOST = endpoint.method == .post
        router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
            // A pending token is checked, and `access` enforced, in the handler's own read.
            if context.pendingBearer == nil { try Policy.authorize(access, context.principal) }
            try BodyLimit.check(request, endpoint)
            if isPOST { return try await idempotency.handle(request, context, endpoint, next: handler) }
            return try await handler(request, context)
        }
    }
    let web = dependencies.web
    let dispatcher = PageDispatcher(sessions: SessionStore(pool: dependencies.pool), settings: web)
    dispatcher.register(PageEndpoint.council(buildPages(dependencies, dispatcher: dispatcher)), on: router)
    // Assets need no session: they are the same for everyone and cached for a year.
    router.get("/assets/{hash}/{name}") { request, _ in
        guard let asset = web.assets.asset(at: request.uri.path) else { throw Problem.notFound(Reason("no such asset", ja: "そのファイルはありません")) }
        return web.assets.response(asset)
    }
    return router
}

func buildPages(_ dependencies: AppDependencies, dispatcher: PageDispatcher) -> Pages {
    let pool = dependencies.pool, web = dependencies.web
    let links = PasswordLinkStore(pool: pool, hasher: web.hasher)
    let search = IssueSearch(reads: dependencies.reads)
    let meetings = MeetingPages(store: MeetingStore(pool: pool), organizations: OrganizationStore(pool: pool))
    return Pages(
        signIn: SignInPages(
            signIn: SignIn(pool: pool, hasher: web.hasher), sessions: SessionStore(pool: pool), links: links, dispatcher: dispatcher),
        account: AccountPages(
            accounts: AccountStore(pool: pool), organizations: OrganizationStore(pool: pool), links: links, mail: MailPreferenceStore(pool: pool),
            sessions: SessionStore(pool: pool), tokens: TokenStore(pool: pool), dispatcher: dispatcher),
        shell: ShellRoutes(dispatcher: dispatcher),
        dashboard: DashboardPage(
            status: StatusStore(pool: pool), adoptions: AdoptionStore(pool: pool), blockers: BlockerStore(reads: dependencies.reads), search: search,
            masterData: MasterDataStore(pool: pool), organizations: OrganizationStore(pool: pool)),
        issues: IssuePages(
            store: IssueStore(pool: pool), search: search, comments: IssueCommentStore(pool: pool),
            watchers: IssueWatcherStore(pool: pool), savedQueries: SavedQueryStore(pool: pool),
            masterData: MasterDataStore(pool: pool), organizations: OrganizationStore(pool: pool)),
        issueForms: IssueFormPages(
            store: IssueStore(pool: pool), picker: MunicipalityPicker(store: MunicipalityStore(pool: pool)),
            masterData: MasterDataStore(pool: pool)),
        municipality: MunicipalityPage(
            municipalities: MunicipalityStore(pool: pool), blockers: BlockerStore(reads: dependencies.reads)),
        vendor: VendorPage(
            organizations: OrganizationStore(pool: pool), products: ProductStore(pool: pool), status: StatusStore(pool: pool),
            blockers: BlockerStore(reads: dependencies.reads)),
        filings: FilingPages(products: ProductStore(pool: pool), status: StatusStore(pool: pool), organizations: OrganizationStore(pool: pool)),
        uploads: UploadPages(
            uploads: SheetUploadStore(pool: pool), products: ProductStore(pool: pool),
            adoptionRoutes: AdoptionRoutes(store: AdoptionStore(pool: pool), products: ProductStore(pool: pool)),
            statusRoutes: StatusRoutes(store: StatusStore(pool: pool), products: ProductStore(pool: pool))),
        meetings: meetings,
        agenda: AgendaPages(store: MeetingStore(pool: pool), meetings: meetings),
        adminAccounts: AdminAccountPages(
            accounts: AccountStore(pool: pool), organizations: OrganizationStore(pool: pool), links: links, tokens: TokenStore(pool: pool),
            masterData: MasterDataStore(pool: pool)),
        adminOrganizations: AdminOrganizationPages(organizations: OrganizationStore(pool: pool)),
        audit: AuditPages(audit: AuditStore(pool: pool), accounts: AccountStore(pool: pool), organizations: OrganizationStore(pool: pool)),
        webhooks: WebhookPages(store: WebhookStore(pool: pool), organizations: OrganizationStore(pool: pool), settings: dependencies.notifications))
}

/// The HTTP application; `onServerRunning` reports the bound port (useful with port 0).
package func buildApplication(
    _ dependencies: AppDependencies, address: ServerAddress, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        server: HTTPServerBuilder { responder in
            CouncilHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])))
        },
        configuration: .init(address: .hostname(address.host, port: address.port), serverName: "council"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? address.port) },
        logger: logger)
}
