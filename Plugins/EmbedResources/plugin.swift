import Foundation
import PackagePlugin

/// Embeds `sql/*.sql` and `openapi.yaml` (both at the package root) into the target.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let sqlDirectory = root.appending(path: "sql")
        let migrations = try FileManager.default
            .contentsOfDirectory(at: sqlDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let openAPI = root.appending(path: "openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        let inputs = [openAPI] + migrations
        return [
            .buildCommand(
                displayName: "Embedding \(migrations.count) migrations and openapi.yaml",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
