import Hummingbird

/// Typed access to a request's query string. Unknown names are refused, so a misspelt filter
/// (`prefectur=13`) is a 400 rather than a silently unfiltered answer.
struct QueryParameters {
    private let values: [String: [String]]

    init(_ request: Request, allowed: Set<String>) throws {
        try Self.requireText(request.uri.query ?? "")
        var values: [String: [String]] = [:]
        for (name, value) in request.uri.queryParameters {
            values[String(name), default: []].append(String(value))
        }
        try self.init(values: values, allowed: allowed)
    }

    /// Parameters from elsewhere (a saved query), checked the same way.
    init(values: [String: [String]], allowed: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem.invalid(unknown, RequestReason.unknownParameter(known: Array(allowed)))
        }
        self.values = values
    }

    /// Percent escapes must decode to UTF-8 text without NUL (which PostgreSQL text cannot hold):
    /// `q=%FF` is refused, not searched as a replacement character.
    static func requireText(_ query: String) throws {
        for pair in query.split(separator: "&") {
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            var bytes: [UInt8] = []
            var utf8 = pair.utf8[...]
            while let byte = utf8.popFirst() {
                if byte == UInt8(ascii: "%"), utf8.count >= 2,
                    let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
                {
                    bytes.append(value)
                    utf8 = utf8.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            guard String(validating: bytes, as: UTF8.self) != nil, !bytes.contains(0) else {
                let printable = name.utf8.allSatisfy { (0x21...0x7E).contains($0) } ? name : "query"
                throw Problem.invalid(printable, RequestReason.notUTF8AfterDecoding)
            }
        }
    }

    /// Every parameter as given: what a saved query stores.
    var all: [String: [String]] { values }

    /// A parameter that may be repeated or comma-separated (`state=new,triaged&state=on_agenda`).
    func list<Value: RawRepresentable & CaseIterable>(_ name: String, as type: Value.Type) throws -> [Value] where Value.RawValue == String {
        var result: [Value] = []
        for text in (values[name] ?? []).flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            guard let value = Value(rawValue: String(text)) else {
                throw Problem.invalid(name, RequestReason.notOneOf(text, Value.allCases.map(\.rawValue)))
            }
            if !result.contains(where: { $0.rawValue == value.rawValue }) { result.append(value) }
        }
        return result
    }

    func string(_ name: String) throws -> String? {
        guard let all = values[name] else { return nil }
        guard all.count == 1 else { throw Problem.invalid(name, RequestReason.givenTimes(all.count)) }
        return all[0]
    }

    func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = try string(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw Problem.invalid(name, RequestReason.notAWholeNumber(text, range))
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw Problem.invalid(name, RequestReason.notABoolean(text))
        }
    }

    /// A value of an enum, by raw value; the error lists the accepted ones.
    func value<Value: RawRepresentable & CaseIterable>(_ name: String, as type: Value.Type) throws -> Value? where Value.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            throw Problem.invalid(name, RequestReason.notOneOf(text, Value.allCases.map(\.rawValue)))
        }
        return value
    }

    func page() throws -> Page {
        Page(
            limit: try int("limit", default: 100, range: 1...Page.maxLimit),
            offset: try int("offset", default: 0, range: 0...Page.maxOffset))
    }
}

extension QueryParameters {
    func municipalityCode(_ name: String) throws -> MunicipalityCode? {
        try string(name).map { text in
            guard let code = MunicipalityCode(rawValue: text) else { throw Problem.invalid(name, MunicipalityCode.whyInvalid(text)) }
            return code
        }
    }

    func prefectureCode(_ name: String) throws -> PrefectureCode? {
        try string(name).map { text in
            guard let code = PrefectureCode(rawValue: text) else { throw Problem.invalid(name, PrefectureCode.whyInvalid(text)) }
            return code
        }
    }
}

extension QueryParameters {
    /// A positive id parameter.
    func id(_ name: String) throws -> Int? {
        guard let text = try string(name) else { return nil }
        guard let value = Int(text), value > 0 else { throw Problem.invalid(name, RequestReason.notAnID(text)) }
        return value
    }

    func date(_ name: String) throws -> CalendarDate? {
        guard let text = try string(name) else { return nil }
        guard let date = CalendarDate(rawValue: text) else { throw Problem.invalid(name, CalendarDate.whyInvalid(text)) }
        return date
    }
}
