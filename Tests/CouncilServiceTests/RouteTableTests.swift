import HTTPTypes
import Hummingbird
import Testing

@testable import CouncilService

/// The route table's matching, which decides whether a request checks its own token and which
/// methods a 405 names: a literal segment wins over a parameter, the method filters first.
@Suite struct RouteTableTests {
    static let table = RouteTable(
        endpoints: [
            (.get, "/v1/issues", "listIssues"),
            (.post, "/v1/issues", "createIssue"),
            (.get, "/v1/issues/export", "exportIssues"),
            (.get, "/v1/issues/{number}", "getIssue"),
            (.patch, "/v1/issues/{number}", "updateIssue"),
            (.post, "/v1/issues/{number}/transitions", "transitionIssue"),
            (.get, "/v1/municipalities/{code}", "getMunicipality"),
            (.post, "/v1/municipalities/import", "importMunicipalities"),
            (.get, "/v1/municipalities/{code}/blockers", "municipalityBlockers"),
            (.get, "/v1/{kind}/{id}/blockers", "anyBlockers"),
        ].map { method, path, operation in Endpoint(method, path, operation, .public) { _, _ in Response(status: .ok) } })

    @Test func aLiteralSegmentWinsOverAParameter() {
        let table = Self.table
        #expect(table.endpoint(.get, "/v1/issues/export")?.operationID == "exportIssues")
        #expect(table.endpoint(.get, "/v1/issues/12")?.operationID == "getIssue")
        #expect(table.endpoint(.get, "/v1/municipalities/011002/blockers")?.operationID == "municipalityBlockers")
        #expect(table.endpoint(.get, "/v1/vendors/7/blockers")?.operationID == "anyBlockers")
        // The method filters before the literals are counted.
        #expect(table.endpoint(.get, "/v1/municipalities/import")?.operationID == "getMunicipality")
        #expect(table.endpoint(.patch, "/v1/issues/export")?.operationID == "updateIssue")
        #expect(table.endpoint(.delete, "/v1/issues/12") == nil)
        #expect(table.endpoint(.get, "/v1/issues/12/extra/segments") == nil)
        #expect(table.endpoint(.get, "/") == nil)
    }

    @Test func methodsAreThoseOfTheBestMatchingTemplates() {
        let table = Self.table
        #expect(table.methods(matching: "/v1/issues") == [.get, .post])
        #expect(table.methods(matching: "/v1/issues/12") == [.get, .patch])
        #expect(table.methods(matching: "/v1/issues/export") == [.get])
        #expect(table.methods(matching: "/v1/municipalities/import") == [.post])
        #expect(table.methods(matching: "/v1/nothing") == [])
    }

    /// The table splits each template once; it must answer as matching every template afresh does.
    @Test func answersAsMatchingEveryTemplateAfreshWould() {
        let table = Self.table
        let segments = ["v1", "issues", "export", "12", "municipalities", "import", "011002", "blockers", "transitions", "vendors", ""]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...5, using: &generator)
            let path = "/" + (0..<count).map { _ in segments.randomElement(using: &generator)! }.joined(separator: "/")
            for method in [HTTPRequest.Method.get, .post, .patch, .delete] {
                #expect(
                    table.endpoint(method, path)?.operationID
                        == Self.reference(path, table.endpoints.filter { $0.method == method }).first?.operationID, "\(method) \(path)")
            }
            #expect(table.methods(matching: path) == Self.reference(path, table.endpoints).map(\.method), "\(path)")
        }
    }

    /// The matching as it was: every template split for every request.
    static func reference(_ path: String, _ candidates: [Endpoint]) -> [Endpoint] {
        let segments = path.split(separator: "/")
        var best: (literals: Int, endpoints: [Endpoint]) = (-1, [])
        for endpoint in candidates {
            let template = endpoint.path.split(separator: "/")
            guard template.count == segments.count, zip(template, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            let literals = template.filter { !$0.hasPrefix("{") }.count
            if literals > best.literals {
                best = (literals, [endpoint])
            } else if literals == best.literals {
                best.endpoints.append(endpoint)
            }
        }
        return best.endpoints
    }
}
