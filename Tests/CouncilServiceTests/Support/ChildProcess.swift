import CouncilService
import Foundation

@testable import CouncilDatabase

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a program with its own environment, standard input from /dev/null and standard output
/// and error to files (posix_spawn: Foundation's Process does not reap children started from
/// thread pools). Returns the child's pid.
func spawnChild(
    _ program: String, _ arguments: [String], environment: [String: String],
    stdout: URL, stderr: URL, append: Bool = false
) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout.path, flags, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr.path, flags, 0o600)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
    guard spawned == 0 else { throw ConfigurationError("cannot run \(program): \(String(cString: strerror(spawned)))") }
    return pid
}

/// A wait(2) status as a shell shows it: the exit status, or 128 + the signal that ended it.
func exitCode(waitStatus status: Int32) -> Int32 {
    (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
}
