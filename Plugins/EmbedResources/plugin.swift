import Foundation
import PackagePlugin

/// Embeds `sql/*.sql` and `openapi.yaml` (both at the package root) into the target.
///
/// SwiftPM does not re-evaluate a plugin when files outside its target change, so the file list
/// computed here can be stale. The tool therefore scans `sql/` itself, and the directory is an
/// input as well as each file: adding a migration changes the directory, editing one changes
/// the file, and either reruns the command.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let sqlDirectory = root.appending(path: "sql")
        let migrations = try FileManager.default
            .contentsOfDirectory(at: sqlDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let openAPI = root.appending(path: "openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding the migrations and the OpenAPI document",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [output.path, openAPI.path, sqlDirectory.path],
                inputFiles: [openAPI, sqlDirectory] + migrations,
                outputFiles: [output]
            )
        ]
    }
}
