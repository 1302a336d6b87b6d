import Foundation

/// A page's model as the templates read it, made once per page from the model's structs.
///
/// Rendering then never asks a value what it is: a lookup is a dictionary's, a section's choice
/// a `switch`. (Reflecting structs and casting `Any` for every `{{name}}`, as a general Mustache
/// library must, was most of a page's CPU.)
enum TemplateValue: Sendable {
    /// A string: renders as itself; `empty(…)` tells whether it is "".
    case string(String)
    /// A number, date, enum or checked text: renders as its description.
    case scalar(String)
    case bool(Bool)
    case list([TemplateValue])
    /// A struct's fields (a field that is `nil` is absent, so the name is looked for further out)
    /// and, when the struct describes itself, that description for `{{value}}`.
    case object([String: TemplateValue], description: String?)

    /// The value a model holds, or nil for `nil` (so sections skip it and lookups go further out).
    static func of(_ value: Any) -> TemplateValue? {
        // The common leaves first, by their concrete types: much cheaper than reflection.
        switch value {
        case let string as String: return .string(string)
        case let bool as Bool: return .bool(bool)
        case let number as Int: return .scalar(String(number))
        case let substring as Substring: return .string(String(substring))
        case is Double, is Date, is Decimal, is Int64: return .scalar(String(describing: value))
        case let array as [Any]: return .list(array.compactMap(of))
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { of($0.value) }
        case .set, .collection:
            return .list(mirror.children.compactMap { of($0.value) })
        case .dictionary:
            guard let dictionary = value as? [String: Any] else { return .scalar(String(describing: value)) }
            return .object(dictionary.compactMapValues(of), description: nil)
        case .struct, .class:
            if let text = value as? any ValidatedText { return .scalar(String(describing: text)) }
            var fields: [String: TemplateValue] = [:]
            for child in mirror.children {
                if let label = child.label, let field = of(child.value) { fields[label] = field }
            }
            return .object(fields, description: (value as? any CustomStringConvertible)?.description)
        default:
            return .scalar(String(describing: value))
        }
    }

    /// A field of an object; nothing for other values.
    func child(_ name: String) -> TemplateValue? {
        if case .object(let fields, _) = self { return fields[name] }
        return nil
    }

    /// `empty(value)`: nil when the value has no emptiness (a number, a described struct).
    var isEmpty: Bool? {
        switch self {
        case .string(let string): string.isEmpty
        case .list(let values): values.isEmpty
        case .object(let fields, nil): fields.isEmpty
        case .scalar, .bool, .object: nil
        }
    }
}
