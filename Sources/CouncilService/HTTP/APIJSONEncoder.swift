import Foundation

/// Encodes values as the API writes them: snake_case keys in sorted order, ISO 8601 dates to the
/// second, non-ASCII text and "/" unescaped — the same bytes as Foundation's `JSONEncoder`
/// configured that way (a test compares them), several times faster. Foundation's encoder was
/// half of the daemon's CPU when computing large views (a 団体's blockers, an issue list).
struct APIJSONEncoder: Sendable {
    func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let root = Slot.Box()
        try JSONTreeEncoder(box: root, path: nil).encodeValue(value)
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        root.slot.write(to: &out)
        return out
    }
}

/// The encoded value tree: containers are boxes because `Encoder` hands out containers that
/// are filled after they are created.
enum Slot {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// A number already in JSON form (a `Decimal`'s digits).
    case number(String)
    case string(String)
    case object(ObjectBox)
    case array(ArrayBox)

    final class Box {
        var slot: Slot = .null
    }

    final class ObjectBox {
        /// In the order they were added; a key added again is written with its last value (as
        /// Foundation does), which `write` sorts out rather than a search on every add.
        var entries: [(key: String, value: Box)] = []
        func add(_ key: String) -> Box {
            let box = Box()
            entries.append((key, box))
            return box
        }

        /// The entries by key (bytewise), each key once with its last value.
        var sortedEntries: [(key: String, value: Box, order: Int)] {
            var sorted: [(key: String, value: Box, order: Int)] = []
            sorted.reserveCapacity(entries.count)
            for (order, entry) in entries.enumerated().sorted(by: { $0.element.key.utf8.lexicographicallyPrecedes($1.element.key.utf8) }) {
                if let last = sorted.last, last.key == entry.key {
                    if order > last.order { sorted[sorted.count - 1] = (entry.key, entry.value, order) }
                } else {
                    sorted.append((entry.key, entry.value, order))
                }
            }
            return sorted
        }
    }

    final class ArrayBox {
        var items: [Box] = []
        func add() -> Box {
            let box = Box()
            items.append(box)
            return box
        }
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .uint(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): Self.writeDouble(value, to: &out)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let value): Self.writeString(value, to: &out)
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for entry in object.sortedEntries {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                entry.value.slot.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (index, item) in array.items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.slot.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    static func writeDouble(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: "\(value)".utf8)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most text needs no escape: then it is copied whole.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The coding path, as a list from the value to the root: built only when a `codingPath` is asked
/// for (none of the API's types asks), where copying an array for every nested value was not free.
private final class PathNode {
    let key: any CodingKey
    let parent: PathNode?

    init(_ key: any CodingKey, parent: PathNode?) {
        self.key = key
        self.parent = parent
    }

    static func keys(_ node: PathNode?) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var node = node
        while let current = node {
            keys.append(current.key)
            node = current.parent
        }
        return keys.reversed()
    }
}

/// Marks `[String: V]`: its keys are data, written as they are.
private protocol StringKeyedDictionary {}
extension Dictionary: StringKeyedDictionary where Key == String {}

private struct JSONTreeEncoder: Encoder {
    let box: Slot.Box
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var convertKeys = true

    init(box: Slot.Box, path: PathNode?, convertKeys: Bool = true) {
        self.box = box
        self.path = path
        self.convertKeys = convertKeys
    }

    /// Dates, decimals, URLs and data as Foundation writes them; the type tests compare metatypes, not
    /// values (a dynamic cast per value is what makes Foundation's encoder slow).
    func encodeValue<Value: Encodable>(_ value: Value) throws {
        if Value.self == Date.self {
            box.slot = .string(Self.iso8601(value as! Date))
        } else if Value.self == Decimal.self {
            let decimal = value as! Decimal
            box.slot = decimal.isNaN ? .null : .number(decimal.description)
        } else if Value.self == URL.self {
            box.slot = .string((value as! URL).absoluteString)
        } else if Value.self == Data.self {
            box.slot = .string((value as! Data).base64EncodedString())
        } else {
            try value.encode(to: JSONTreeEncoder(box: box, path: path, convertKeys: !(Value.self is any StringKeyedDictionary.Type)))
        }
    }

    /// `2026-11-26T00:31:10Z`: UTC, whole seconds (truncated, as ISO8601DateFormatter does).
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(parts.tm_year + 1900)
        return "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: Slot.ObjectBox
        if case .object(let existing) = box.slot {
            object = existing
        } else {
            object = Slot.ObjectBox()
            box.slot = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, path: path, convertKeys: convertKeys))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: Slot.ArrayBox
        if case .array(let existing) = box.slot {
            array = existing
        } else {
            array = Slot.ArrayBox()
            box.slot = .array(array)
        }
        return UnkeyedContainer(array: array, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(box: box, path: path) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: Slot.ObjectBox
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    let convertKeys: Bool

    private func slot(_ key: Key) -> Slot.Box {
        object.add(convertKeys ? KeyCase.snake(key.stringValue) : key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).slot = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot(key).slot = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot(key).slot = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { slot(key).slot = .double(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { slot(key).slot = .double(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot(key).slot = .int(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { slot(key).slot = .int(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { slot(key).slot = .int(Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { slot(key).slot = .int(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { slot(key).slot = .int(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { slot(key).slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { slot(key).slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { slot(key).slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { slot(key).slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { slot(key).slot = .uint(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONTreeEncoder(box: slot(key), path: PathNode(key, parent: path)).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        JSONTreeEncoder(box: slot(key), path: PathNode(key, parent: path)).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONTreeEncoder(box: slot(key), path: PathNode(key, parent: path)).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONTreeEncoder(box: object.add("super"), path: path)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONTreeEncoder(box: slot(key), path: PathNode(key, parent: path))
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let array: Slot.ArrayBox
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }
    var count: Int { array.items.count }

    mutating func encodeNil() throws { array.add().slot = .null }
    mutating func encode(_ value: Bool) throws { array.add().slot = .bool(value) }
    mutating func encode(_ value: String) throws { array.add().slot = .string(value) }
    mutating func encode(_ value: Double) throws { array.add().slot = .double(value) }
    mutating func encode(_ value: Float) throws { array.add().slot = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { array.add().slot = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { array.add().slot = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { array.add().slot = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { array.add().slot = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { array.add().slot = .int(value) }
    mutating func encode(_ value: UInt) throws { array.add().slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { array.add().slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { array.add().slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { array.add().slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { array.add().slot = .uint(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONTreeEncoder(box: array.add(), path: path).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        JSONTreeEncoder(box: array.add(), path: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONTreeEncoder(box: array.add(), path: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { JSONTreeEncoder(box: array.add(), path: path) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let box: Slot.Box
    let path: PathNode?
    var codingPath: [any CodingKey] { PathNode.keys(path) }

    mutating func encodeNil() throws { box.slot = .null }
    mutating func encode(_ value: Bool) throws { box.slot = .bool(value) }
    mutating func encode(_ value: String) throws { box.slot = .string(value) }
    mutating func encode(_ value: Double) throws { box.slot = .double(value) }
    mutating func encode(_ value: Float) throws { box.slot = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { box.slot = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { box.slot = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { box.slot = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { box.slot = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { box.slot = .int(value) }
    mutating func encode(_ value: UInt) throws { box.slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { box.slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { box.slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { box.slot = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { box.slot = .uint(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONTreeEncoder(box: box, path: path).encodeValue(value)
    }
}
