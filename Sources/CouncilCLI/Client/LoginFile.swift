import Foundation

/// `council login` keeps the daemon's URL and the token in a file only its owner can read:
/// $COUNCIL_CONFIG, else $XDG_CONFIG_HOME/council/login.json, else ~/.config/council/login.json.
struct LoginFile: Codable {
    var url: String
    var token: String

    static var path: URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["COUNCIL_CONFIG"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appending(path: ".config")
        return base.appending(path: "council/login.json")
    }

    static func read() -> LoginFile? {
        guard let data = try? Data(contentsOf: path) else { return nil }
        return try? JSONDecoder().decode(LoginFile.self, from: data)
    }

    func write() throws {
        let file = Self.path
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let data = try JSONEncoder().encode(self)
        // Created owner-only before the secret is written into it.
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file.path])
        }
        try data.write(to: file)
    }

    static func remove() throws {
        if FileManager.default.fileExists(atPath: path.path) { try FileManager.default.removeItem(at: path) }
    }
}
