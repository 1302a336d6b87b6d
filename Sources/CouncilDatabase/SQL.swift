/// SQL text whose interpolated values become bound parameters (`$1`, `$2`, ...), so that no
/// value can ever be spliced into the statement. Fragments compose: interpolating one `SQL` into
/// another keeps its bindings and renumbers them.
///
///     let query: SQL = "SELECT name FROM municipalities WHERE code = \(code)"
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        case text(String)
        case bind(String?)
    }

    var parts: [Part]

    public init(stringLiteral value: String) {
        parts = [.text(value)]
    }

    public init(stringInterpolation: Interpolation) {
        parts = stringInterpolation.parts
    }

    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            parts.append(.text(literal))
        }

        /// A bound value.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            parts.append(.bind(value.postgresText))
        }

        /// A bound value or NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            parts.append(.bind(value?.postgresText))
        }

        /// Another fragment, whose bindings are kept and renumbered.
        public mutating func appendInterpolation(_ fragment: SQL) {
            parts.append(contentsOf: fragment.parts)
        }
    }

    /// Joins fragments, e.g. the conditions of a WHERE clause.
    public static func joined(_ fragments: [SQL], separator: String) -> SQL {
        var result = SQL(stringLiteral: "")
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { result.parts.append(.text(separator)) }
            result.parts.append(contentsOf: fragment.parts)
        }
        return result
    }

    /// The statement text with numbered placeholders, and the values in order.
    public func render() -> (text: String, bindings: [String?]) {
        var text = ""
        var bindings: [String?] = []
        for part in parts {
            switch part {
            case .text(let literal):
                text += literal
            case .bind(let value):
                bindings.append(value)
                text += "$\(bindings.count)"
            }
        }
        return (text, bindings)
    }
}

/// A named statement: the name appears in errors and slow-query logs.
public struct Query: Sendable {
    public var name: String
    public var sql: SQL
    public var planning: Planning

    /// How a statement is planned.
    public enum Planning: Sendable, Equatable {
        /// Prepared once per connection; PostgreSQL's plan cache decides between a plan per value
        /// and one for all (the default).
        case cached
        /// Prepared, and planned once for every value: for statements whose best plan does not
        /// depend on the values, which PostgreSQL would otherwise plan afresh on every call when
        /// skewed data makes each value's own plan look cheaper (`Connection` sets the session's
        /// `plan_cache_mode` for them, outside transactions).
        case generic
        /// Prepared, for a statement whose one plan suits every value (a lookup by a unique
        /// key): it runs in whichever mode the session is in and switches nothing, so it costs
        /// no extra round trip between the statements around it, generic or not.
        case either
        /// Not prepared: planned on every call against the tables as they are then. For a
        /// statement over a queue that starts empty and grows faster than its statistics follow:
        /// a cached plan made while the queue was empty kept scanning it whole (bench/RESULTS.md).
        case everyCall
    }

    public init(_ name: String, _ sql: SQL, planning: Planning = .cached) {
        self.name = name
        self.sql = sql
        self.planning = planning
    }
}

extension SQL {
    /// Text made at run time, written into the statement as it is: the one door for it, named
    /// so that every use stands out. Only for our own identifiers and constants, never input.
    package init(unsafeRaw text: String) {
        self.init(stringLiteral: text)
    }

    /// `('a', 'b')` from cases of one of our enums, written into the text rather than bound, so
    /// a predicate reads exactly as it did when spelled out (and matches the same plans). Only
    /// slugs are accepted: these are our own constants, never input.
    package static func list<Value: RawRepresentable>(_ values: [Value]) -> SQL where Value.RawValue == String {
        let items = values.map(\.rawValue)
        precondition(items.allSatisfy { $0.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F } })
        return SQL(unsafeRaw: "(" + items.map { "'\($0)'" }.joined(separator: ", ") + ")")
    }
}
