/// A page's model as the templates read it, made once per page by `TemplateEncoder`.
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
