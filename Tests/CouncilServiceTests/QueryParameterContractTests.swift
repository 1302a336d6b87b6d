import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CouncilService

/// Every query parameter a handler reads is declared in openapi.yaml for that operation, and every
/// declared one is read. A handler names what it reads when it refuses an unknown parameter
/// ("known: …"); an operation that reads no query ignores one.
@Suite struct QueryParameterContractTests {
    typealias Probes = AuthorizationMatrixTests

    /// The query parameters the document declares, per operationId (path-level ones included,
    /// `$ref`s to components resolved). Reads the document's own layout: paths at 2 spaces,
    /// methods at 4, `parameters:` items as one-line maps.
    static func documentedQueryParameters(_ yaml: String) -> [String: Set<String>] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // components/parameters: NAME at 4 spaces, then `name:` and `in:` at 6.
        var components: [String: (name: String, location: String)] = [:]
        var inComponents = false, current: String?, name = "", location = ""
        for line in lines {
            if line == "  parameters:" { inComponents = true; continue }
            guard inComponents else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   ") { break }
            if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                if let current { components[current] = (name, location) }
                current = String(line.trimmingCharacters(in: .whitespaces).dropLast())
                name = ""; location = ""
            } else if line.hasPrefix("      name: ") {
                name = String(line.dropFirst(12))
            } else if line.hasPrefix("      in: ") {
                location = String(line.dropFirst(10))
            }
        }
        if let current { components[current] = (name, location) }

        func query(_ item: String) -> String? {
            if let range = item.range(of: "#/components/parameters/") {
                let key = item[range.upperBound...].prefix { $0 != "\"" }
                guard let found = components[String(key)], found.location == "query" else { return nil }
                return found.name
            }
            guard item.contains("in: query"), let range = item.range(of: "name: ") else { return nil }
            return String(item[range.upperBound...].prefix { $0 != "," && $0 != " " })
        }

        var result: [String: Set<String>] = [:]
        var inPaths = false, pathLevel: Set<String> = [], operation: String?, method: Set<String> = []
        var section = "", pending: String?
        func finish() {
            if let operation { result[operation] = pathLevel.union(method) }
            operation = nil
            method = []
        }
        for line in lines {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") { break }
            if line.hasPrefix("  /") {
                finish()
                pathLevel = []
                section = "path"
            } else if line.hasPrefix("    "), !line.hasPrefix("     ") {
                finish()
                section = line.trimmingCharacters(in: .whitespaces) == "parameters:" ? "path-parameters" : "operation"
            } else if section == "path-parameters", line.hasPrefix("      - ") {
                pending = line.hasPrefix("      - name: ") ? String(line.dropFirst(14)) : nil
                if let name = query(line) { pathLevel.insert(name) }
            } else if section == "path-parameters", line == "        in: query", let name = pending {
                pathLevel.insert(name)
            } else if section == "operation" {
                if line.hasPrefix("      operationId: ") {
                    operation = String(line.dropFirst(19))
                } else if line.hasPrefix("      ") && !line.hasPrefix("       ") {
                    section = line == "      parameters:" ? "operation-parameters" : "operation"
                }
            } else if section == "operation-parameters" {
                if line.hasPrefix("        - ") {
                    // One-line maps, or `- name: x` with `in: query` on a line of its own.
                    pending = line.hasPrefix("        - name: ") ? String(line.dropFirst(16)) : nil
                    if let name = query(line) { method.insert(name) }
                } else if line == "          in: query", let name = pending {
                    method.insert(name)
                } else if line.hasPrefix("      "), !line.hasPrefix("       ") {
                    section = "operation"
                    if line.hasPrefix("      operationId: ") { operation = String(line.dropFirst(19)) }
                }
            }
        }
        finish()
        return result
    }

    @Test func theParserReadsTheDocumentsLayout() {
        let documented = Self.documentedQueryParameters(ContractRoutes.document)
        #expect(documented["listIssues"]?.contains("q") == true)
        #expect(documented["listAuditEntries"]?.isEmpty == false)
        #expect(documented["getLiveness"] == [])
    }

    @Test func everyReadParameterIsDeclaredAndEveryDeclaredOneIsRead() async throws {
        let documented = Self.documentedQueryParameters(ContractRoutes.document)
        try await withApp { client, env in
            let table = buildRouteTable(AppDependencies(pool: env.pool))
            for endpoint in table.endpoints {
                let probe = try #require(Probes.probes[endpoint.operationID], "no probe for \(endpoint.operationID)")
                let (path, headers, body) = try await probe.request(as: .admin, client, env)
                let separator = path.contains("?") ? "&" : "?"
                let (status, text) = try await client.execute(
                    uri: path + separator + "zz_unknown=1", method: endpoint.method,
                    headers: headers, body: body
                ) { ($0.status, $0.text) }
                var read: Set<String> = []
                if status == .badRequest, let range = text.range(of: "unknown query parameter; known: ") {
                    let list = text[range.upperBound...].prefix { $0 != "\"" }
                    read = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                }
                let declared = documented[endpoint.operationID] ?? []
                #expect(
                    read == declared,
                    """
                    \(endpoint.operationID): read but not declared \(read.subtracting(declared).sorted()), \
                    declared but not read \(declared.subtracting(read).sorted()) (\(status.code) \(text.prefix(160)))
                    """)
            }
        }
    }
}
