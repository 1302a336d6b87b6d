import Foundation

/// Turns a page model into the `TemplateValue` the templates read, through the model's own
/// (synthesized) `Encodable` conformance: the compiler writes each struct's walk over its fields,
/// so nothing is reflected at run time (reflection was a fifth of a page's CPU).
///
/// What the templates see follows Swift's own descriptions: an enum renders as its case name, a
/// date, number or checked text as its description, a struct that describes itself as that
/// description (its fields stay readable as `{{value.field}}`), and a `nil` field is absent, so
/// the name is looked for further out.
enum TemplateEncoder {
    static func value(of model: some Encodable) -> TemplateValue { make(model) }

    /// Values that render as text, and described values, without walking their fields.
    fileprivate static func leaf<Value: Encodable>(_ value: Value) -> TemplateValue? {
        switch value {
        case let string as String: .string(string)
        case let bool as Bool: .bool(bool)
        case let number as Int: .scalar(String(number))
        case let substring as Substring: .string(String(substring))
        case is Double, is Date, is Decimal, is Int64, is any RawRepresentable, is any ValidatedText:
            .scalar(String(describing: value))
        default: nil
        }
    }

    /// Where a nested encoding leaves its value.
    fileprivate final class Box {
        var value: TemplateValue?
        var fields: [String: TemplateValue] = [:]
        var items: [TemplateValue] = []
        var kind: Kind = .none
        /// Containers a custom `encode(to:)` opened inside this one, read when this one is done.
        var nestedFields: [String: Box] = [:]
        var nestedItems: [(index: Int, box: Box)] = []

        enum Kind { case none, keyed, unkeyed, single }

        func finish() -> TemplateValue? {
            switch kind {
            case .keyed:
                for (key, box) in nestedFields { fields[key] = box.finish() }
                return .object(fields, description: nil)
            case .unkeyed:
                for (index, box) in nestedItems { items[index] = box.finish() ?? .object([:], description: nil) }
                return .list(items)
            case .single, .none:
                return value
            }
        }

        func nested(_ key: String, _ kind: Kind) -> Box {
            let box = Box()
            box.kind = kind
            nestedFields[key] = box
            return box
        }

        func nestedItem(_ kind: Kind) -> Box {
            let box = Box()
            box.kind = kind
            nestedItems.append((items.count, box))
            items.append(.object([:], description: nil))
            return box
        }
    }

    fileprivate struct Encoder: Swift.Encoder {
        let box: Box
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            box.kind = .keyed
            return KeyedEncodingContainer(Keyed<Key>(box: box))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            box.kind = .unkeyed
            return Unkeyed(box: box)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            box.kind = .single
            return Single(box: box)
        }
    }

    fileprivate static func make<Value: Encodable>(_ value: Value) -> TemplateValue {
        if let leaf = leaf(value) { return leaf }
        let inner = Box()
        try? value.encode(to: Encoder(box: inner))
        let result = inner.finish() ?? .object([:], description: nil)
        // Lists and dictionaries describe themselves too, but are read as what they hold.
        guard inner.kind != .unkeyed, !(value is any Collection), let described = value as? any CustomStringConvertible else {
            return result
        }
        switch result {
        case .object(let fields, _): return .object(fields, description: described.description)
        default: return .scalar(described.description)
        }
    }

    fileprivate struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: String, forKey key: Key) { box.fields[key.stringValue] = .string(value) }
        mutating func encode(_ value: Bool, forKey key: Key) { box.fields[key.stringValue] = .bool(value) }
        mutating func encode(_ value: Int, forKey key: Key) { box.fields[key.stringValue] = .scalar(String(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) { box.fields[key.stringValue] = make(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            KeyedEncodingContainer(Keyed<NestedKey>(box: box.nested(key.stringValue, .keyed)))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            Unkeyed(box: box.nested(key.stringValue, .unkeyed))
        }
        mutating func superEncoder() -> any Swift.Encoder { Encoder(box: box.nested("super", .none)) }
        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder { Encoder(box: box.nested(key.stringValue, .none)) }
    }

    fileprivate struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey] { [] }
        var count: Int { box.items.count }

        mutating func encodeNil() {}
        mutating func encode(_ value: String) { box.items.append(.string(value)) }
        mutating func encode<T: Encodable>(_ value: T) { box.items.append(make(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(box: box.nestedItem(.keyed)))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(box: box.nestedItem(.unkeyed)) }
        mutating func superEncoder() -> any Swift.Encoder { Encoder(box: box.nestedItem(.none)) }
    }

    fileprivate struct Single: SingleValueEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() {}
        mutating func encode<T: Encodable>(_ value: T) { box.value = make(value) }
    }
}
