import Foundation
import Testing

@testable import CouncilDatabase
@testable import CouncilService

/// The routes table and openapi.yaml describe the same API, in both directions.
@Suite struct OpenAPIContractTests {
    struct Operation: Hashable, CustomStringConvertible {
        let method: String
        let path: String
        let operationID: String
        var description: String { "\(method.uppercased()) \(path) (\(operationID))" }
    }

    /// Reads `paths:` of the document: path keys at 2 spaces, methods at 4, operationId at 6.
    static func documentedOperations(_ yaml: String) -> Set<Operation> {
        var operations: Set<Operation> = []
        var inPaths = false
        var path: String?
        var method: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                method = ["get", "put", "post", "patch", "delete"].contains(String(key)) ? String(key) : nil
            } else if line.hasPrefix("      operationId: "), let path, let method {
                operations.insert(Operation(method: method, path: path, operationID: String(line.dropFirst(19))))
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let documented = Self.documentedOperations(ContractRoutes.document)
        let routed = try withDummyPool { pool in
            Set(
                buildRouteTable(AppDependencies(pool: pool)).endpoints.map {
                    Operation(method: $0.method.rawValue.lowercased(), path: $0.path, operationID: $0.operationID)
                })
        }
        #expect(!routed.isEmpty)
        #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented))")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed))")
    }

    @Test func theServedDocumentIsTheFileInTheRepository() throws {
        let file = try String(contentsOf: TestFiles.packageRoot.appending(path: "openapi.yaml"), encoding: .utf8)
        #expect(ContractRoutes.document == file)
    }

    /// The problem types the document lists (`Problem.type`'s enum) are the catalogue's.
    @Test func theDocumentListsEveryProblemTypeOfTheCatalogue() throws {
        let yaml = ContractRoutes.document
        let start = try #require(yaml.range(of: "    Problem:\n"))
        let listed = yaml[start.upperBound...].split(separator: "\n").prefix { !$0.hasPrefix("    ") || $0.hasPrefix("     ") }
            .compactMap { line -> String? in
                let text = line.trimmingCharacters(in: .whitespaces)
                return text.hasPrefix("- urn:council:problem:") ? String(text.dropFirst(2)) : nil
            }
        #expect(Set(listed) == Set(ProblemType.allCases.map(\.uri)))
        #expect(listed.count == ProblemType.allCases.count)
        #expect(Set(ProblemType.allCases.map(\.japaneseTitle)).count == ProblemType.allCases.count - 1)  // two file kinds share one
    }

    /// The audit actions and subjects the document lists are `AuditAction`'s and `AuditEntity`'s,
    /// and the event types `EventKind`'s.
    @Test func theDocumentListsEveryAuditActionAndEventType() throws {
        func listed(_ schema: String) throws -> [String] {
            let yaml = ContractRoutes.document
            let start = try #require(yaml.range(of: "\n    \(schema):\n"))
            let line = try #require(yaml[start.upperBound...].split(separator: "\n").prefix(4).first { $0.hasPrefix("      enum: [") })
            return line.dropFirst("      enum: [".count).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(try listed("AuditAction") == AuditAction.allCases.map(\.rawValue))
        #expect(try listed("AuditEntity") == AuditEntity.allCases.map(\.rawValue))
        #expect(try Set(listed("EventType")) == Set(EventKind.allCases.map(\.rawValue)))
    }

    @Test func everyOperationIDIsUnique() throws {
        let documented = Self.documentedOperations(ContractRoutes.document)
        #expect(Set(documented.map(\.operationID)).count == documented.count)
    }

    private func withDummyPool<T>(_ body: (DatabasePool) throws -> T) throws -> T {
        // Building the table opens no connection; the pool only has to exist.
        let pool = DatabasePool(configuration: try DatabaseConfiguration("dbname=unused"), logger: TestDatabases.logger)
        return try body(pool)
    }
}
