import Foundation
import Mustache

/// What a view model's missing value becomes before a template sees it. In swift-mustache an
/// empty string, a `nil` boxed in `Any`, `NSNull` and an empty dictionary all *open* a section
/// (`{{#family}}` showed "the whole family of task :" on every history page; `{{#thumb_url}}`
/// printed `<img src="">`). Every context is normalized on its way into a template, so absent
/// means absent everywhere: `{{#x}}` stays closed, `{{^x}}` renders, `{{x}}` prints nothing.
/// The key is kept (as this marker) rather than removed, so a name inside a list row never
/// falls back to the page's value of the same name.
struct AbsentValue: MustacheCustomRenderable, Sendable {
    var renderText: String { "" }
    var isNull: Bool { true }

    /// `context` with every absent value (at any depth, in dictionaries and lists) replaced by
    /// the marker and every optional that holds a value unwrapped. A context with nothing to
    /// change is returned as it is, uncopied (most rows of a page).
    static func normalized(_ context: [String: Any]) -> [String: Any] {
        replacement(forDictionary: context) ?? context
    }

    /// The normalized value, or nil when `value` is already normal.
    private static func replacement(_ value: Any) -> Any? {
        switch value {
        case let s as String:
            return s.isEmpty ? AbsentValue() : nil
        case is Bool, is Int, is Int64, is Double, is AbsentValue:
            return nil
        case let d as [String: Any]:
            return d.isEmpty ? AbsentValue() : replacement(forDictionary: d)
        case let a as [[String: Any]]:
            // Before `[Any]`: that cast would box every element anew.
            var out: [Any]?
            for (i, d) in a.enumerated() {
                guard let r = replacement(d) else { continue }
                if out == nil { out = a }
                out?[i] = r
            }
            return out
        case let a as [Any]:
            var out: [Any]?
            for (i, v) in a.enumerated() {
                guard let r = replacement(v) else { continue }
                if out == nil { out = a }
                out?[i] = r
            }
            return out
        default:
            if value is NSNull { return AbsentValue() }
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return nil }
            guard let some = mirror.children.first?.value else { return AbsentValue() }
            return replacement(some) ?? some
        }
    }

    private static func replacement(forDictionary d: [String: Any]) -> [String: Any]? {
        var out: [String: Any]?
        for (key, value) in d {
            guard let r = replacement(value) else { continue }
            if out == nil { out = d }
            out?[key] = r
        }
        return out
    }
}
