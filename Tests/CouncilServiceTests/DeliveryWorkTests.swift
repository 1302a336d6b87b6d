import Testing

@testable import CouncilService

/// The webhook workers' queue of this daemon: each endpoint once, scans once, an endpoint held
/// by a worker marked instead of queued and queued again when its worker lets go.
@Suite struct DeliveryWorkTests {
    @Test func endpointsAndScansAreQueuedOnceEach() async {
        let work = DeliveryWork()
        work.add(endpoints: [1, 2, 1])
        work.addScan()
        work.addScan()
        work.add(endpoints: [2, 3])
        var items: [DeliveryWork.Item] = []
        for _ in 0..<4 { items.append(await work.next()!) }
        #expect(items == [.endpoint(1), .endpoint(2), .scan, .endpoint(3)])
        // Taken, an endpoint may be queued again.
        work.add(endpoints: [1])
        #expect(await work.next() == .endpoint(1))
    }

    @Test func workForAHeldEndpointWaitsForItsWorkerToLetGo() async {
        let work = DeliveryWork()
        #expect(work.hold(7, worker: 0))
        work.add(endpoints: [7, 8])
        // A sibling cannot take it: the holder looks again instead.
        #expect(!work.hold(7, worker: 1))
        #expect(await work.next() == .endpoint(8))
        work.letGo(7, worker: 0)
        #expect(await work.next() == .endpoint(7))
        // Nothing came during this hold: letting go queues nothing, unless the turn left some.
        #expect(work.hold(7, worker: 1))
        work.letGo(7, worker: 1)
        #expect(work.hold(9, worker: 1))
        work.letGo(9, worker: 1, more: true)
        #expect(await work.next() == .endpoint(9))
        // Another worker's letting go does not end a hold.
        #expect(work.hold(5, worker: 2))
        work.letGo(5, worker: 3)
        #expect(!work.hold(5, worker: 3))
    }

    @Test func aWaitingWorkerIsHandedWorkAndStoppingEndsEveryWait() async {
        let work = DeliveryWork()
        async let first = work.next()
        async let second = work.next()
        try? await Task.sleep(for: .milliseconds(50))
        work.add(endpoints: [4])
        try? await Task.sleep(for: .milliseconds(50))
        work.stop()
        let got = [await first, await second]
        #expect(got.contains(.endpoint(4)))
        #expect(got.contains(nil))
        #expect(await work.next() == nil)
        work.add(endpoints: [5])
        #expect(await work.next() == nil)
    }
}
