import Foundation
import Mustache

/// A page's model as the templates read it: every struct turned into a dictionary once, before
/// rendering.
///
/// swift-mustache finds `{{name}}` in a struct by reflecting it (`Mirror`) and walking all its
/// fields, and a name used inside a section (`{{t.word}}` in a table row) is looked for in every
/// object of the section stack in turn, the page's model included: on a meeting page that was
/// 70 % of the daemon's CPU. Reflected once here, each lookup is a dictionary's.
///
/// What the templates see does not change: a field that is `nil` is absent (as reflection
/// reported it), so the name is looked for further up the stack; values that render as text
/// (strings, numbers, dates, enums, `ValidatedText`) stay as they are; a struct that has a
/// description of its own keeps it (`ReflectedModel`).
enum TemplateModel {
    static func of(_ value: Any) -> Any? {
        // The common leaves first, by their concrete types: much cheaper than protocol checks.
        // (An optional holding one of these passes too; the renderer unwraps it.)
        switch value {
        case is String, is Int, is Bool, is Double, is Date, is Decimal, is Int64, is Substring:
            return value
        case let array as [Any]:
            return array.compactMap(of)
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { of($0.value) }
        case .set, .collection:
            return mirror.children.compactMap { of($0.value) }
        case .dictionary:
            return (value as? [String: Any]).map { $0.compactMapValues(of) } ?? value
        case .struct, .class:
            if value is any ValidatedText { return value }
            var fields: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let field = of(child.value) { fields[label] = field }
            }
            if let described = value as? any CustomStringConvertible {
                return ReflectedModel(fields: fields, description: described.description)
            }
            return fields
        default:
            return value
        }
    }
}

/// A struct with a description of its own: `{{value}}` renders the description, `{{value.field}}`
/// a field, as with the struct itself.
struct ReflectedModel: MustacheParent, CustomStringConvertible {
    let fields: [String: Any]
    let description: String

    func child(named name: String) -> Any? { fields[name] }
}
