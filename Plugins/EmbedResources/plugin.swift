import Foundation
import PackagePlugin

/// Embeds `sql/*.sql`, `openapi.yaml` and the files under `web/` (all at the package root) into
/// the target.
///
/// SwiftPM does not re-evaluate a plugin when files outside its target change, so the file list
/// computed here can be stale. The tool therefore scans `sql/` and `web/` itself, and each
/// directory is an input as well as each file: adding a file changes its directory, editing one
/// changes the file, and either reruns the command.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let sqlDirectory = root.appending(path: "sql")
        let migrations = try FileManager.default
            .contentsOfDirectory(at: sqlDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let openAPI = root.appending(path: "openapi.yaml")
        let webDirectory = root.appending(path: "web")
        var webInputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: webDirectory, includingPropertiesForKeys: nil) {
            for case let url as URL in walker { webInputs.append(url) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding the migrations, the OpenAPI document and the web files",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [output.path, openAPI.path, sqlDirectory.path, webDirectory.path],
                inputFiles: [openAPI, sqlDirectory, webDirectory] + migrations + webInputs,
                outputFiles: [output]
            )
        ]
    }
}
