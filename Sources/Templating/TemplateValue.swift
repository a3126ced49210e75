/// What a template sees: a view model turned into text, flags, lists and objects. Absent (a view
/// model's `nil`), an empty list or `false` leaves a section closed. An empty text is absent too, so `{{#x}}` can never open for `""` (issue 18's class
/// of bug: `<img src="">`, the false family notice) whatever a view model holds.
public enum TemplateValue: Sendable {
    case text(String)
    /// Markup made by our own templates (`{{{x}}}` prints only this; `{{x}}` escapes it).
    case html(String)
    case flag(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    /// A view model's `nil`: closes sections and prints nothing, and, being there, stops the name
    /// from falling back to a value of the same name further out (a row's missing thumbnail is
    /// never the page's).
    case absent

    /// Whether a section over this value opens.
    var opens: Bool {
        switch self {
        case .text(let s), .html(let s): !s.isEmpty
        case .flag(let b): b
        case .list(let l): !l.isEmpty
        case .object: true
        case .absent: false
        }
    }
}

/// Markup rendered by a template (a cached row, a form's fields), spliced into another template
/// with `{{{name}}}`. The only value a triple mustache accepts: text a person typed cannot be
/// printed unescaped by accident.
public struct RenderedHTML: Encodable, Sendable, Equatable {
    public let markup: String
    public init(_ markup: String) { self.markup = markup }
    public var isEmpty: Bool { markup.isEmpty }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(markup)
    }
}
