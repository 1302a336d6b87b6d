import NIOConcurrencyHelpers

/// What this daemon's webhook workers look at next: the endpoints its fan-out just gave
/// deliveries to (each claimed by its key, cheaply), and scans for anything else that is due —
/// retries falling due, another daemon's fan-out, a lease that ran out — which query every
/// endpoint and so are queued only by the poller (once per `poll`) and by a scan that found work.
/// An endpoint one of this daemon's workers holds is not queued twice: it is marked, and its
/// worker queues it again when it lets go, so a delivery that arrived during a turn is not left
/// waiting for the next scan.
final class DeliveryWork: Sendable {
    enum Item: Equatable, Sendable {
        case endpoint(Int)
        case scan
    }

    private struct State {
        var queue: [Item] = []
        var queued: Set<Int> = []
        var scanQueued = false
        /// Endpoints held by a worker of this daemon: the worker, and whether work came meanwhile.
        var held: [Int: (worker: Int, marked: Bool)] = [:]
        var waiters: [CheckedContinuation<Item?, Never>] = []
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    /// New deliveries for these endpoints (after the fan-out committed).
    func add(endpoints: [Int]) {
        var wake: [(CheckedContinuation<Item?, Never>, Item)] = []
        state.withLockedValue { state in
            for id in endpoints {
                if state.held[id] != nil {
                    state.held[id]?.marked = true
                } else if !state.queued.contains(id) {
                    Self.enqueue(.endpoint(id), &state, &wake)
                }
            }
        }
        for (waiter, item) in wake { waiter.resume(returning: item) }
    }

    /// Asks one worker to look for any due endpoint (no-op while a scan is queued already).
    func addScan() {
        var wake: [(CheckedContinuation<Item?, Never>, Item)] = []
        state.withLockedValue { state in
            if !state.scanQueued { Self.enqueue(.scan, &state, &wake) }
        }
        for (waiter, item) in wake { waiter.resume(returning: item) }
    }

    private static func enqueue(_ item: Item, _ state: inout State, _ wake: inout [(CheckedContinuation<Item?, Never>, Item)]) {
        guard !state.stopped else { return }
        if !state.waiters.isEmpty {
            wake.append((state.waiters.removeFirst(), item))
            return
        }
        state.queue.append(item)
        switch item {
        case .endpoint(let id): state.queued.insert(id)
        case .scan: state.scanQueued = true
        }
    }

    /// The next item, waiting for one; nil once stopped.
    func next() async -> Item? {
        // Cancelled, the dispatcher is going away: every worker stops.
        await withTaskCancellationHandler {
            await take()
        } onCancel: {
            stop()
        }
    }

    private func take() async -> Item? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            let item = state.withLockedValue { state -> Item?? in
                if state.stopped || Task.isCancelled { return .some(nil) }
                guard !state.queue.isEmpty else {
                    state.waiters.append(continuation)
                    return nil
                }
                let item = state.queue.removeFirst()
                switch item {
                case .endpoint(let id): state.queued.remove(id)
                case .scan: state.scanQueued = false
                }
                return .some(item)
            }
            if let item { continuation.resume(returning: item) }
        }
    }

    /// Registers `worker` as holding the endpoint; false (and the holder is told to look again)
    /// when another worker of this daemon holds it.
    func hold(_ endpoint: Int, worker: Int) -> Bool {
        state.withLockedValue { state in
            if let holder = state.held[endpoint], holder.worker != worker {
                state.held[endpoint]?.marked = true
                return false
            }
            state.held[endpoint] = (worker, false)
            return true
        }
    }

    /// Ends `worker`'s hold; when deliveries came during it (or `more`: the turn left some), the
    /// endpoint is queued again.
    func letGo(_ endpoint: Int, worker: Int, more: Bool = false) {
        let marked = state.withLockedValue { state -> Bool in
            guard let holder = state.held[endpoint], holder.worker == worker else { return false }
            state.held[endpoint] = nil
            return holder.marked
        }
        if marked || more { add(endpoints: [endpoint]) }
    }

    /// Wakes every waiting worker with nothing: they stop.
    func stop() {
        let waiters = state.withLockedValue { state in
            state.stopped = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}
