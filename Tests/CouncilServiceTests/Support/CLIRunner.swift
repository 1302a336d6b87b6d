import Foundation

@testable import CouncilDatabase
@testable import CouncilService

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
        let pid = try spawnChild(program, arguments, environment: environment, stdout: out, stderr: err)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ConfigurationError("waitpid failed") }
        }
        return Result(
            status: exitCode(waitStatus: status), stdout: (try? Data(contentsOf: out)) ?? Data(),
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
