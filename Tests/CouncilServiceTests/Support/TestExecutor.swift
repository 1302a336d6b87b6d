import Foundation
import NIOPosix

/// The test process hosts the daemons under test and a few hundred tests at once, and test bodies
/// make blocking calls (libpq, child processes, Python). Swift's cooperative pool has one thread
/// per core — two on the CI machine — so two such calls at once stalled everything in the
/// process, daemons included, for as long as they took (a request "hung" 10–30 s). The tests'
/// jobs run on a wide pool of threads of their own instead, all taking from one queue (a blocked
/// thread holds up no other job); the daemon binary keeps Swift's default.
final class TestExecutor: TaskExecutor, Sendable {
    /// Installed by the first test that asks for a database.
    static let installed: Bool = install()

    private static let shared = TestExecutor()

    /// One queue that every thread takes from, as for `TestDatabases.blocking` (a pool apart, so
    /// blocking calls cannot hold up the jobs that would end them).
    private let threads: NIOThreadPool = {
        let threads = NIOThreadPool(numberOfThreads: 32)
        threads.start()
        return threads
    }()

    func enqueue(_ job: consuming ExecutorJob) {
        enqueue(UnownedJob(job))
    }

    func enqueue(_ job: UnownedJob) {
        threads.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    private typealias Original = @convention(thin) (UnownedJob) -> Void
    private typealias Hook = @convention(thin) (UnownedJob, Original) -> Void

    /// Swift's runtime offers `swift_task_enqueueGlobal_hook` for this (SwiftNIO installs its event
    /// loops the same way); only jobs resuming after `Task.sleep` still start on the cooperative
    /// pool, and they move here at their next suspension.
    private static func install() -> Bool {
        guard let slot = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let hook: Hook = { job, _ in TestExecutor.shared.enqueue(job) }
        slot.assumingMemoryBound(to: Hook?.self).pointee = hook
        return true
    }
}
