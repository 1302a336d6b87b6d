/// A compiled template: what `TemplateParser` makes of a `.mustache` file once, at start, and
/// `TemplateRendering` walks for every page.
///
/// The subset of Mustache our templates use: variables (`{{name}}` escaped for HTML, `{{{name}}}`
/// as it is), sections and inverted sections, the `empty(…)` transform, partials (`{{> name}}`),
/// and inheritance (`{{< layout}}` with `{{$block}}` overrides). Lambdas, set delimiters and the
/// other transforms are refused when the template is read.
indirect enum TemplateNode: Sendable {
    /// Text as written (UTF-8).
    case text([UInt8])
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, inverted: Bool, [TemplateNode])
    /// `{{> name}}` (no overrides) or `{{< name}}…{{/name}}` (the blocks it overrides). A partial
    /// alone on its line indents every line of its output after the first by `indentation`.
    case partial(String, indentation: [UInt8]?, overrides: [String: [TemplateNode]]?)
    /// `{{$name}}default{{/name}}` in a template others inherit from.
    case block(String, default: [TemplateNode], indentation: [UInt8])
    /// `{{$name}}…{{/name}}` directly inside `{{< parent}}`: an override, collected by the parser.
    case blockDefinition(String, [TemplateNode])
}

/// A name as a tag writes it: `.`, `page.rows`, `.field` (the current object only), optionally
/// inside a transform (`empty(page.rows)`).
struct TemplateName: Sendable, Equatable {
    /// The dotted parts; empty for `.` (the current object).
    let path: [String]
    /// A leading dot: the first part is looked for in the current object only, not further up.
    let currentOnly: Bool
    let transform: TemplateTransform?
    /// As written, for a section's closing tag to match.
    let written: String
}

/// The one transform the templates use: `empty(list)` is true for an empty list, false otherwise;
/// absent (so an inverted section shows) when the value is absent or has no emptiness.
enum TemplateTransform: String, Sendable {
    case empty
}
