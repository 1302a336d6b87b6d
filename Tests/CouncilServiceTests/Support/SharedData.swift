import Foundation

/// Files of the repository and of `../shared/data` (the national MIC list, read in place).
enum TestFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sharedData(_ name: String) throws -> Data {
        try Data(contentsOf: packageRoot.deletingLastPathComponent().appending(path: "shared/data/\(name)"))
    }

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!)
    }
}
