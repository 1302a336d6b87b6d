@testable import CouncilService
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `council` binary (built beside the test bundle) with its own environment,
/// capturing standard output and standard error apart.
struct CLIRunner: Sendable {
    struct Result: Sendable {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    let environment: [String: String]

    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "council"),
            Bundle.main.bundleURL.appending(path: "council"),
            Bundle.main.bundleURL.deletingLastPathComponent().appending(path: "council"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func run(_ arguments: [String], extra: [String: String] = [:]) async throws -> Result {
        guard let binary = Self.binary else { throw ConfigurationError("the council binary was not built next to the tests") }
        let environment = self.environment.merging(extra) { $1 }
        return try await TestDatabases.blocking { try Self.spawn(binary.path, arguments, environment) }
    }

    private static func spawn(_ program: String, _ arguments: [String], _ environment: [String: String]) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appending(path: "cli-\(UUID().uuidString).out"), err = directory.appending(path: "cli-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard spawned == 0 else { throw ConfigurationError("cannot run \(program): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ConfigurationError("waitpid failed") }
        }
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: code, stdout: (try? Data(contentsOf: out)) ?? Data(),
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
