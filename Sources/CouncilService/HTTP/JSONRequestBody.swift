import Foundation
import Hummingbird
import NIOCore

/// A JSON request body. Its `CodingKeys` are the one list of its fields: they decode it, and
/// they are the accepted keys (in snake_case) — an unknown key is a 400 naming it, so a misspelt
/// field is never silently ignored. `null` is accepted only for the keys in `nullableKeys` (a
/// PATCH clearing an optional field); elsewhere an optional field is left out, and `null` is a
/// 400 naming it, as the API document says.
protocol JSONRequestBody: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    static var nullableKeys: [CodingKeys] { get }
}

extension JSONRequestBody {
    static var nullableKeys: [CodingKeys] { [] }

    static var nullableFields: Set<String> { Set(nullableKeys.map { KeyCase.snake($0.stringValue) }) }

    /// The accepted keys, as they appear in JSON.
    static var fields: Set<String> { Set(CodingKeys.allCases.map { KeyCase.snake($0.stringValue) }) }
}

extension Request {
    static let maxJSONBody = Endpoint.maxJSON
    /// Deeper nesting than any body of the API needs is refused before it is parsed.
    static let maxJSONDepth = 32

    func decodeJSON<Body: JSONRequestBody>(_ type: Body.Type, context: CouncilRequestContext) async throws -> Body {
        let contentType = headers[.contentType]?.split(separator: ";").first?.trimmingHTTPWhitespace.lowercased()
        guard contentType == "application/json" else {
            throw Problem(.unsupportedMediaType, RequestReason.sendJSON)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: Self.maxJSONBody)
        } catch {
            throw Problem.tooLarge(Self.maxJSONBody)
        }
        let data = Data(buffer.readableBytesView)
        try Self.requireBoundedDepth(buffer)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem.invalid("body", RequestReason.notJSON)
        }
        guard let fields = object as? [String: Any] else { throw Problem.invalid("body", RequestReason.notAJSONObject) }
        if let unknown = fields.keys.sorted().first(where: { !Body.fields.contains($0) }) {
            throw Problem.invalid(unknown, RequestReason.unknownField(accepted: Array(Body.fields)))
        }
        if let null = fields.keys.sorted().first(where: { fields[$0] is NSNull && !Body.nullableFields.contains($0) }) {
            throw Problem.invalid(null, RequestReason.nullNotAllowed)
        }
        do {
            return try JSONCoding.decoder.decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw Self.problem(error)
        }
    }

    /// Refuses JSON nested deeper than any body of the API needs, before it is parsed.
    static func requireBoundedDepth(_ buffer: ByteBuffer) throws {
        guard nestingDepth(buffer.readableBytesView) <= maxJSONDepth else {
            throw Problem.invalid("body", RequestReason.nestedDeeper(than: maxJSONDepth))
        }
    }

    /// The deepest nesting of arrays and objects, outside strings; one pass, no allocation.
    static func nestingDepth(_ bytes: ByteBufferView) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    private static func problem(_ error: DecodingError) -> Problem {
        func name(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? KeyCase.snake($0.stringValue) }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(name(context.codingPath + [key]), RequestReason.required)
        case .valueNotFound(_, let context):
            return .invalid(name(context.codingPath), RequestReason.mustNotBeNull)
        case .typeMismatch(let type, let context):
            return .invalid(name(context.codingPath), RequestReason.expected(type))
        case .dataCorrupted(let context):
            let field = context.codingPath.isEmpty ? "body" : name(context.codingPath)
            if let reason = context.underlyingError as? Reason { return .invalid(field, reason) }
            return .invalid(field, Reason(context.debugDescription, ja: "読めません（\(context.debugDescription)）"))
        @unknown default:
            return .invalid("body", RequestReason.unreadable)
        }
    }
}

/// A field of a PATCH body: absent (keep), or given (possibly `null`, to clear an optional field).
enum FieldUpdate<Value: Sendable>: Sendable {
    case keep
    case set(Value)

    func apply(to current: Value) -> Value {
        if case .set(let value) = self { return value }
        return current
    }
}

extension FieldUpdate: Decodable where Value: Decodable {
    init(from decoder: any Decoder) throws {
        self = .set(try Value(from: decoder))
    }
}

extension KeyedDecodingContainer {
    /// Chosen by the synthesized decoders of PATCH bodies: an absent key keeps the field (the
    /// standard `decode` would call it missing); a present one, `null` included, sets it.
    func decode<Value: Decodable>(_ type: FieldUpdate<Value>.Type, forKey key: Key) throws -> FieldUpdate<Value> {
        contains(key) ? .set(try decode(Value.self, forKey: key)) : .keep
    }
}
