import Foundation
import Mustache
import WebCore

/// What a view model's missing value becomes before a template sees it. In swift-mustache an
/// empty string, a `nil` boxed in `Any`, `NSNull` and an empty dictionary all *open* a section
/// (`{{#family}}` showed "the whole family of task :" on every history page; `{{#thumb_url}}`
/// printed `<img src="">`). Every context is normalized on its way into a template, so absent
/// means absent everywhere: `{{#x}}` stays closed, `{{^x}}` renders, `{{x}}` prints nothing.
/// The key is kept (as this marker) rather than removed, so a name inside a list row never
/// falls back to the page's value of the same name. On the same walk, control characters a
/// page may not hold become U+FFFD.
package struct AbsentValue: MustacheCustomRenderable, Sendable {
    package var renderText: String { "" }
    package var isNull: Bool { true }

    /// An `Optional.none` stored in an `Any` (a dictionary literal with an optional value).
    package static func isBoxedNil(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .optional && mirror.children.isEmpty
    }

    /// `context` with every absent value (at any depth, in dictionaries and lists) replaced by
    /// the marker and every optional that holds a value unwrapped. A context with nothing to
    /// change is returned as it is, uncopied (most rows of a page).
    package static func normalized(_ context: [String: Any]) -> [String: Any] {
        replacement(forDictionary: context) ?? context
    }

    /// The normalized value, or nil when `value` is already normal.
    private static func replacement(_ value: Any) -> Any? {
        switch value {
        case let s as String:
            if s.isEmpty { return AbsentValue() }
            // No control character reaches a page (a search for "a\u{0}b" is shown as "a\u{FFFD}b").
            return s.hasForbiddenControlCharacter ? s.replacingForbiddenControls : nil
        case is Bool, is Int, is Int64, is Double, is AbsentValue:
            return nil
        case let d as [String: Any]:
            return d.isEmpty ? AbsentValue() : replacement(forDictionary: d)
        case let a as [[String: Any]]:
            // Before `[Any]`: that cast would box every element anew.
            return replacement(forList: a)
        case let a as [Any]:
            return replacement(forList: a)
        default:
            if value is NSNull { return AbsentValue() }
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return nil }
            guard let some = mirror.children.first?.value else { return AbsentValue() }
            return replacement(some) ?? some
        }
    }

    /// The list with its replaced elements, or nil when none needed replacing.
    private static func replacement<Element>(forList list: [Element]) -> [Any]? {
        var out: [Any]?
        for (i, element) in list.enumerated() {
            guard let r = replacement(element) else { continue }
            if out == nil { out = list }
            out?[i] = r
        }
        return out
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
