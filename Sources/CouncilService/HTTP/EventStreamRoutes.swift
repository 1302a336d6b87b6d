import CouncilDatabase
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// `GET /v1/events/stream`: the outbox as Server-Sent Events, for what the caller may see.
/// Each event's `id` is its outbox position; a client that reconnects with `Last-Event-ID`
/// gets everything after it, none twice and none skipped (positions are commit-safe,
/// sql/0022). Woken by the outbox notification, with a heartbeat comment between events. The
/// caller's token is checked again at every heartbeat: a revoked one ends the stream.
/// `follow=false` sends what is there and ends (a client catching up from time to time).
struct EventStreamRoutes: Sendable {
    let pool: DatabasePool
    let tokens: TokenStore
    let signal: OutboxSignal
    let settings: NotificationSettings
    let state: ServerState
    let publicURL: String

    /// Streams end when the daemon drains or shuts down, so they never hold its shutdown up
    /// (clients reconnect to another daemon with Last-Event-ID).
    var stopping: Bool { state.isDraining || Task.isShuttingDownGracefully || Task.isCancelled }

    struct Filter: Sendable {
        var issue: Int?
        var vendor: Int?
        var types: [EventKind]

        func accepts(_ event: OutboxEvent, _ audience: EventAudience) -> Bool {
            if !types.isEmpty, !types.contains(event.kind) { return false }
            if let issue, event.issueNumber != issue, event.relatedNumber != issue { return false }
            if let vendor {
                let named = [event.issueNumber, event.relatedNumber].compactMap { $0 }.contains {
                    audience.issues[$0]?.vendorIDs.contains(vendor) ?? false
                }
                guard named || event.data["vendor_id"] == .number(Double(vendor)) else { return false }
            }
            return true
        }
    }

    func stream(_ request: Request, _ context: CouncilRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request, allowed: ["issue", "vendor", "types", "after", "follow"])
        let follow = try parameters.bool("follow") ?? true
        let filter = Filter(
            issue: try parameters.id("issue"), vendor: try parameters.id("vendor"), types: try parameters.list("types", as: EventKind.self))
        let caller = try context.caller()
        let after = try parameters.string("after")
        let resume = request.headers[HTTPField.Name("Last-Event-ID")!] ?? after
        let start: OutboxPosition
        if let resume {
            guard let position = OutboxPosition(resume) else {
                throw Problem.invalid(
                    "Last-Event-ID",
                    Reason(
                        "'\(resume.prefix(50))' is not an event id of this stream (such as 812-4711)",
                        ja: "「\(resume.prefix(50))」はこのストリームのイベントID（812-4711 など）ではありません"))
            }
            start = position
        } else {
            start = try await pool.withConnection { try Outbox.head(on: $0) }
        }
        let secret = request.headers[.authorization].map { $0.dropFirst("Bearer ".count).trimmingHTTPWhitespace }
        let routes = self
        let body = ResponseBody { writer in
            var position = start, principal = caller
            var lastLook = ContinuousClock.now, lastWrite = ContinuousClock.now, lastCheck = ContinuousClock.now
            try await writer.write(ByteBuffer(string: "retry: 2000\n: council events from \(start)\n\n"))
            while !routes.stopping {
                // The token again at every heartbeat interval, events flowing or not.
                if ContinuousClock.now - lastCheck >= routes.settings.heartbeat {
                    guard let secret, let current = try await routes.tokens.principal(for: secret) else { break }
                    principal = current
                    lastCheck = .now
                }
                let generation = routes.signal.generation, from = position
                let (events, audience) = try await routes.pool.withConnection { connection in
                    let events = try Outbox.events(after: from, limit: 200, on: connection)
                    return (events, try EventAudience.load(for: events, on: connection))
                }
                lastLook = .now
                var text = ""
                for event in events {
                    position = event.position
                    guard audience.admits(event, principal), filter.accepts(event, audience) else { continue }
                    let json = String(decoding: try EventPayload.json(event, publicURL: routes.publicURL), as: UTF8.self)
                    text += "id: \(event.position)\nevent: \(event.kind.rawValue)\ndata: \(json)\n\n"
                }
                if !text.isEmpty {
                    try await writer.write(ByteBuffer(string: text))
                    lastWrite = .now
                }
                if events.count == 200 { continue }
                // Catching up only: what is there has been sent.
                if !follow { break }
                // Wait for a notification (without a listener, poll); look anyway at each heartbeat.
                while !routes.stopping {
                    await routes.signal.wait(since: generation, timeout: routes.settings.poll)
                    if routes.signal.generation != generation || !routes.signal.isListening
                        || ContinuousClock.now - lastLook >= routes.settings.heartbeat
                    {
                        break
                    }
                }
                if ContinuousClock.now - lastWrite >= routes.settings.heartbeat {
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    lastWrite = .now
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: body)
    }
}
