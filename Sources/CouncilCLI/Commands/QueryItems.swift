import Foundation

/// Builds a query string from optional values, leaving out what was not given.
struct QueryItems {
    private(set) var items: [URLQueryItem] = []

    mutating func add(_ name: String, _ value: (any CustomStringConvertible)?) {
        if let value { items.append(URLQueryItem(name: name, value: value.description)) }
    }

    static func of(_ pairs: [(String, (any CustomStringConvertible)?)]) -> [URLQueryItem] {
        var query = QueryItems()
        for (name, value) in pairs { query.add(name, value) }
        return query.items
    }
}

/// A JSON body from optional values, leaving out what was not given.
func jsonFields(_ pairs: [(String, Any?)]) -> [String: Any] {
    var fields: [String: Any] = [:]
    for (name, value) in pairs { if let value { fields[name] = value } }
    return fields
}
