// Writes a Swift file that embeds the migrations in sql/, the OpenAPI document and the web files.
// Usage: EmbedResourcesTool OUTPUT OPENAPI.yaml PATH... (a directory named web is walked for
// every file, by path below it; another directory is scanned for *.sql; a file is taken as given,
// so an invocation SwiftPM cached from an older plugin still works).
import Foundation

/// A raw string literal whose delimiter cannot occur in the text it wraps.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\"\"\"" + hashes) { hashes += "#" }
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: EmbedResourcesTool OUTPUT OPENAPI PATH...\n".utf8))
    exit(64)
}
let output = URL(fileURLWithPath: arguments[arguments.startIndex])
let openAPI = URL(fileURLWithPath: arguments[arguments.startIndex + 1])
// Directories are scanned here, at build time, not when the plugin was last evaluated.
var found: [String: URL] = [:]
var webFiles: [String: URL] = [:]
for path in arguments.dropFirst(2) {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
    if isDirectory.boolValue, url.lastPathComponent == "web" {
        let base = url.standardizedFileURL.path + "/"
        let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        while let file = walker?.nextObject() as? URL {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true, !file.lastPathComponent.hasPrefix(".")
            else { continue }
            webFiles[String(file.standardizedFileURL.path.dropFirst(base.count))] = file
        }
        continue
    }
    let files = isDirectory.boolValue ? try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil) : [url]
    for file in files where file.pathExtension == "sql" {
        found[file.lastPathComponent] = file
        // A file given alone implies its directory: pick up its new neighbours too.
        if !isDirectory.boolValue {
            for neighbour in (try? FileManager.default.contentsOfDirectory(at: url.deletingLastPathComponent(), includingPropertiesForKeys: nil))
                ?? []
            where neighbour.pathExtension == "sql" {
                found[neighbour.lastPathComponent] = neighbour
            }
        }
    }
}
let migrations = found.values.sorted { $0.lastPathComponent < $1.lastPathComponent }

var source = "// Generated at build time by EmbedResourcesTool from sql/, openapi.yaml and web/. Do not edit.\n\n"
source += "enum EmbeddedResources {\n"
source += "    static let openAPIDocument = \(literal(try String(contentsOf: openAPI, encoding: .utf8)))\n\n"
source += "    static let migrationFiles: [(file: String, sql: String)] = [\n"
for file in migrations {
    let text = try String(contentsOf: file, encoding: .utf8)
    source += "        (\"\(file.lastPathComponent)\", \(literal(text))),\n"
}
source += "    ]\n\n"
source += "    static let webFiles: [(path: String, text: String)] = [\n"
for (path, file) in webFiles.sorted(by: { $0.key < $1.key }) {
    source += "        (\"\(path)\", \(literal(try String(contentsOf: file, encoding: .utf8)))),\n"
}
source += "    ]\n}\n"
// Written only when the text changed: a rewritten file would recompile the whole target on
// every build, even when nothing changed.
if (try? Data(contentsOf: output)) != Data(source.utf8) {
    try Data(source.utf8).write(to: output, options: .atomic)
}
