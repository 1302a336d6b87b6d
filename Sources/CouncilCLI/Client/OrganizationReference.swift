import ArgumentParser
import CouncilService
import Foundation

/// An organization as a person names it on the command line: its id (`12`), its name or short
/// name (`TKC`, `株式会社ベンダーA`, width and case ignored), or a part of a name that only one
/// organization has. Resolved against the daemon's list of organizations.
struct OrganizationReference: ExpressibleByArgument, Sendable {
    let text: String

    init?(argument: String) {
        let trimmed = argument.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        text = trimmed
    }

    /// The organization's id; `kind` narrows the search (`vendor` for --vendor).
    func id(_ api: APIClient, kind: String? = nil) async throws -> Int {
        if let id = Int(text), id > 0 { return id }
        let answer = try await api.get(
            "v1/organizations", QueryItems.of([("kind", kind), ("limit", 1000)]))
        let organizations = answer.object["items"] as? [[String: Any]] ?? []
        func key(_ text: String) -> String { text.precomposedStringWithCompatibilityMapping.lowercased() }
        let wanted = key(text)
        let exact = organizations.filter { [$0["name"], $0["short_name"]].contains { ($0 as? String).map(key) == wanted } }
        let matches = exact.isEmpty ? organizations.filter { key(JSONPath.text($0, "name")).contains(wanted) } : exact
        guard matches.count == 1, let id = matches[0]["id"] as? Int else {
            let what = kind == "vendor" ? "vendor" : "organization"
            if matches.isEmpty {
                throw ValidationError(
                    words("no \(what) is named '\(text)'; `council org list` lists them", ja: "「\(text)」という\(what)はありません（`council org list` で一覧できます）")
                )
            }
            let names = matches.prefix(5).map { "\(JSONPath.text($0, "id")) \(JSONPath.text($0, "name"))" }.joined(separator: ", ")
            throw ValidationError(
                words(
                    "'\(text)' names several \(what)s (\(names)); give the id or the full name",
                    ja: "「\(text)」に当たる\(what)が複数あります（\(names)）。IDか正式な名前を指定してください"))
        }
        return id
    }
}

extension Array where Element == OrganizationReference {
    /// Every reference's id, in order.
    func ids(_ api: APIClient, kind: String? = nil) async throws -> [Int] {
        var ids: [Int] = []
        for reference in self { ids.append(try await reference.id(api, kind: kind)) }
        return ids
    }
}

extension Optional where Wrapped == OrganizationReference {
    /// The id as a query value, resolved; nil when not given.
    func id(_ api: APIClient, kind: String? = nil) async throws -> Int? {
        guard let self else { return nil }
        return try await self.id(api, kind: kind)
    }
}
