// Writes a Swift file that embeds the migrations in sql/ and the OpenAPI document.
// Usage: EmbedResourcesTool OUTPUT OPENAPI.yaml SQL-DIRECTORY
import Foundation

/// A raw string literal whose delimiter cannot occur in the text it wraps.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\"\"\"" + hashes) { hashes += "#" }
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedResourcesTool OUTPUT OPENAPI SQL-DIRECTORY\n".utf8))
    exit(64)
}
let output = URL(fileURLWithPath: arguments[arguments.startIndex])
let openAPI = URL(fileURLWithPath: arguments[arguments.startIndex + 1])
// The directory is scanned here, at build time, not when the plugin was last evaluated.
let sqlDirectory = URL(fileURLWithPath: arguments[arguments.startIndex + 2])
let migrations = try FileManager.default.contentsOfDirectory(at: sqlDirectory, includingPropertiesForKeys: nil)
    .filter { $0.pathExtension == "sql" }
    .sorted { $0.lastPathComponent < $1.lastPathComponent }

var source = "// Generated at build time by EmbedResourcesTool from sql/ and openapi.yaml. Do not edit.\n\n"
source += "enum EmbeddedResources {\n"
source += "    static let openAPIDocument = \(literal(try String(contentsOf: openAPI, encoding: .utf8)))\n\n"
source += "    static let migrationFiles: [(file: String, sql: String)] = [\n"
for file in migrations {
    let text = try String(contentsOf: file, encoding: .utf8)
    source += "        (\"\(file.lastPathComponent)\", \(literal(text))),\n"
}
source += "    ]\n}\n"
try Data(source.utf8).write(to: output, options: .atomic)
