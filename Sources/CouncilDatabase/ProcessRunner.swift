import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion with posix_spawn and waitpid, capturing its output in a file.
/// Not Foundation's `Process`: its exit monitoring did not reap children when called from a
/// thread pool, and a pipe would be held open forever by the postmaster that `pg_ctl start`
/// leaves running, so we wait for the exit, never for end-of-file.
enum ProcessRunner {
    @discardableResult
    static func run(_ program: String, _ arguments: [String], acceptedStatuses: Set<Int32> = [0]) throws -> Int32 {
        let (status, output) = try execute(program, arguments)
        guard acceptedStatuses.contains(status) else {
            let name = URL(fileURLWithPath: program).lastPathComponent
            throw ConfigurationError("\(name) \(arguments.joined(separator: " ")) failed (exit \(status)): \(output.trimmed)")
        }
        return status
    }

    static func output(_ program: String, _ arguments: [String]) throws -> String {
        let (status, output) = try execute(program, arguments)
        guard status == 0 else { throw ConfigurationError("\(program) failed: \(output.trimmed)") }
        return output
    }

    private static func execute(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
        let executable = program.contains("/") ? program : "/usr/bin/env"
        let argv = (program.contains("/") ? [program] : ["/usr/bin/env", program]) + arguments
        let capture = FileManager.default.temporaryDirectory.appending(path: "council-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: capture) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Other descriptors are not closed here (glibc's closefrom action is not importable);
        // libpq, NIO and Foundation open theirs close-on-exec.

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw ConfigurationError("cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ConfigurationError("waiting for \(program) failed: \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift cannot import as macros.
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, output)
    }
}
