import Foundation
import NIOConcurrencyHelpers
import Testing

/// The harness itself: more jobs than the machine has cores, each blocking its thread as libpq
/// does until all have started, all run at once. On the cooperative pool alone (a thread per core)
/// the first ones would hold every thread, the rest never start, and the test fails at its bound.
@Suite struct TestExecutorTests {
    @Test func moreBlockingJobsThanCoresRunAtOnce() async throws {
        #expect(TestExecutor.installed)
        let width = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
        let arrived = NIOLockedValueBox(0)
        let together = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<width {
                group.addTask {
                    arrived.withLockedValue { $0 += 1 }
                    let deadline = ContinuousClock.now + .seconds(60)
                    while ContinuousClock.now < deadline {
                        if arrived.withLockedValue({ $0 }) == width { return true }
                        usleep(1_000)
                    }
                    return false
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(together, "\(arrived.withLockedValue { $0 }) of \(width) jobs ran at once")
    }
}
