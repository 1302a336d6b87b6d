import Hummingbird

/// The endpoints, with the path matching that the authentication middleware (does this request
/// check its own token?) and the 405 answer (which methods would this path take?) ask of them.
/// Each template is split once, here: matching split every template of the table on every
/// request, 7 % of the machine's CPU under a load of GETs by id (bench/RESULTS.md).
package struct RouteTable: Sendable {
    package let endpoints: [Endpoint]
    /// The templates by their number of segments, in the table's order.
    private let templates: [Int: [Template]]

    private struct Template: Sendable {
        /// Into `endpoints`.
        let index: Int
        let method: HTTPRequest.Method
        /// Each segment's literal text; nil for a parameter (`{code}`).
        let segments: [String?]
        let literals: Int
    }

    package init(endpoints: [Endpoint]) {
        self.endpoints = endpoints
        var templates: [Int: [Template]] = [:]
        for (index, endpoint) in endpoints.enumerated() {
            let segments: [String?] = endpoint.path.split(separator: "/").map { $0.hasPrefix("{") ? nil : String($0) }
            templates[segments.count, default: []].append(
                Template(index: index, method: endpoint.method, segments: segments, literals: segments.count(where: { $0 != nil })))
        }
        self.templates = templates
    }

    /// The endpoint that serves a concrete request (a literal segment winning over a parameter).
    func endpoint(_ method: HTTPRequest.Method, _ path: String) -> Endpoint? {
        bestMatches(path) { $0 == method }.first.map { endpoints[$0] }
    }

    /// Methods registered for a concrete request path. Like the router, a literal segment wins
    /// over a parameter (`/v1/municipalities/import` is not `/v1/municipalities/{code}`).
    func methods(matching path: String) -> [HTTPRequest.Method] {
        bestMatches(path) { _ in true }.map { endpoints[$0].method }
    }

    /// The indexes of the templates (of the methods `accepting` takes) that match the path with
    /// the most literal segments.
    private func bestMatches(_ path: String, accepting: (HTTPRequest.Method) -> Bool) -> [Int] {
        let segments = path.split(separator: "/")
        var best: (literals: Int, indexes: [Int]) = (-1, [])
        for template in templates[segments.count] ?? [] where template.literals >= best.literals && accepting(template.method) {
            guard zip(template.segments, segments).allSatisfy({ literal, segment in literal.map { $0 == segment } ?? true }) else {
                continue
            }
            if template.literals > best.literals {
                best = (template.literals, [template.index])
            } else {
                best.indexes.append(template.index)
            }
        }
        return best.indexes
    }
}
