import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// Security review, low finding: the embedded cluster's predictable socket directory under /tmp
/// is used only when it is a private directory of ours, and its data directory's contents are
/// never re-owned.
@Suite struct EmbeddedDirectoryTests {
    /// A data directory deep enough that the socket goes to /tmp/council-pg-<hash>.
    static func deepDirectory() -> URL {
        URL(fileURLWithPath: "/tmp/council-socket-test-\(getpid())-\(UUID().uuidString)/" + String(repeating: "deep/", count: 12))
    }

    @Test func aPlantedSocketDirectoryIsRefused() throws {
        let directory = Self.deepDirectory()
        let cluster = EmbeddedPostgres(directory: directory, durability: .throwaway, logger: TestDatabases.logger)
        let socket = cluster.socketDirectory
        #expect(socket.path.hasPrefix("/tmp/council-pg-"))
        defer {
            try? FileManager.default.removeItem(at: socket)
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: "/tmp/council-socket-test-\(getpid())-planted"))
        }
        // A symlink planted where the socket will go.
        let elsewhere = URL(fileURLWithPath: "/tmp/council-socket-test-\(getpid())-planted")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: socket, withDestinationURL: elsewhere)
        #expect(throws: ConfigurationError.self) { try PrivateDirectory.prepare(socket, owner: try RunAsUser.forPostgres()) }
        // A directory others may enter.
        try FileManager.default.removeItem(at: socket)
        try FileManager.default.createDirectory(at: socket, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        chmod(socket.path, 0o777)
        #expect(throws: ConfigurationError.self) { try PrivateDirectory.prepare(socket, owner: try RunAsUser.forPostgres()) }
        // Gone: it is made afresh, private.
        try FileManager.default.removeItem(at: socket)
        try PrivateDirectory.prepare(socket, owner: try RunAsUser.forPostgres())
        var info = stat()
        #expect(lstat(socket.path, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    @Test func onlyTheDirectoriesThemselvesChangeOwner() async throws {
        let directory = URL(fileURLWithPath: "/tmp/council-chown-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mine = directory.appending(path: "operator-notes.txt")
        try Data("x".utf8).write(to: mine)
        let cluster = EmbeddedPostgres(directory: directory, durability: .throwaway, logger: TestDatabases.logger)
        _ = try await TestDatabases.blocking { try cluster.start() }
        try await TestDatabases.blocking { try cluster.stop() }
        var info = stat()
        #expect(stat(mine.path, &info) == 0 && info.st_uid == geteuid(), "a file in the data directory changed owner")
    }
}
