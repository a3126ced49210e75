import Foundation
import Synchronization
import WebCore

/// Rendered templates kept as stamps: the template's output for one *shape* of context, with a
/// hole wherever a string of the context went in. swift-mustache looks every name up through
/// dynamic casts (~2.5 µs a name, 420 µs for the history page's layout and filter form); a
/// page's shape (its flags, which keys are present, how long its lists are) takes a handful of
/// values, so after the first render a page is its stamp with today's strings poured in.
///
/// The shape is everything that can steer the template: keys present, booleans, integers, list
/// lengths, whether a string is empty or ends in a newline (both change a partial's indentation).
/// The strings themselves only ever come out as text, so they are the holes. Each hole records
/// whether the template escaped it (`{{x}}`) or not (`{{{x}}}`): the placeholder carries an `&`
/// that the HTML escaper turns into `&amp;`, so the stamp knows which one the template asked for.
/// A new stamp is checked once against a plain render of the same context; a template that a
/// stamp cannot reproduce (another escaper, an unknown value type) is rendered plainly.
package final class TemplateStamps: Sendable {
    package enum Piece: Sendable {
        case text(String)
        /// The string at this index of the context's walk, HTML-escaped or as is.
        case hole(Int, escaped: Bool)
    }

    package enum Entry: Sendable {
        case stamp([Piece])
        /// This shape of this template cannot be stamped: render it each time.
        case plain
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Shapes are few (a page has a handful); past this many the cache starts over.
    package let capacity: Int

    package init(capacity: Int = 1_024) { self.capacity = capacity }

    package var count: Int { entries.withLock { $0.count } }

    /// `render` renders a context plainly (the library); the stamp of `template` for this
    /// context's shape is used, made or refused. `normalize` prepares a context for a plain
    /// render (absent values, control characters: AbsentValue); it must keep every non-empty
    /// string a string, in place, so the walk's holes line up with the normalized context.
    package func render(_ template: String, _ context: [String: Any], normalize: ([String: Any]) -> [String: Any] = { $0 },
                plain: ([String: Any]) -> String?) -> String? {
        var walk = ShapeWalk()
        walk.key.reserveCapacity(1024)
        walk.visit(context)
        guard walk.stampable else { return plain(normalize(context)) }
        let key = template + "\u{0}" + walk.key
        // The dictionary is taken under the lock (one retain) and the long key hashed outside it.
        switch entries.withLock({ $0 })[key] {
        case .stamp(let pieces)?:
            return Self.fill(pieces, walk.strings)
        case .plain?:
            return plain(normalize(context))
        case nil:
            let normalized = normalize(context)
            guard let real = plain(normalized) else { return nil }
            let entry = make(normalized, strings: walk.strings, real: real, render: plain)
            entries.withLock { e in
                if e.count >= capacity { e.removeAll(keepingCapacity: true) }
                e[key] = entry
            }
            return real
        }
    }

    /// The stamp of this context's shape, if its fill reproduces `real` exactly; else `.plain`.
    private func make(_ context: [String: Any], strings: [String], real: String, render: ([String: Any]) -> String?) -> Entry {
        var marker = 0
        let marked = ShapeWalk.marking(context, next: &marker)
        guard let skeleton = render(marked as! [String: Any]), let pieces = Self.pieces(skeleton, holes: strings.count),
              Self.fill(pieces, strings) == real else { return .plain }
        return .stamp(pieces)
    }

    /// The placeholder of hole `index`: control characters no template holds, around an `&`.
    package static func placeholder(_ index: Int) -> String { "\u{1}&\(index)\u{2}" }

    /// Splits a skeleton at its placeholders; nil if a control marker is left that is not one.
    package static func pieces(_ skeleton: String, holes: Int) -> [Piece]? {
        var pieces: [Piece] = []
        let bytes = Array(skeleton.utf8)
        let escapedPrefix = Array("&amp;".utf8), rawPrefix = UInt8(ascii: "&")
        var start = 0, i = 0
        while i < bytes.count {
            if bytes[i] == 2 { return nil }
            guard bytes[i] == 1 else { i += 1; continue }
            var j = i + 1
            var escaped = false
            if bytes[j...].starts(with: escapedPrefix) { escaped = true; j += escapedPrefix.count } else if j < bytes.count, bytes[j] == rawPrefix { j += 1 } else { return nil }
            var index = 0, digits = 0
            while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57, digits < 9 { index = index * 10 + Int(bytes[j] - 48); j += 1; digits += 1 }
            guard digits > 0, j < bytes.count, bytes[j] == 2, index < holes else { return nil }
            if start < i { pieces.append(.text(String(decoding: bytes[start..<i], as: UTF8.self))) }
            pieces.append(.hole(index, escaped: escaped))
            i = j + 1
            start = i
        }
        if start < bytes.count { pieces.append(.text(String(decoding: bytes[start...], as: UTF8.self))) }
        return pieces
    }

    package static func fill(_ pieces: [Piece], _ strings: [String]) -> String {
        var out = ""
        var size = 0
        for p in pieces {
            switch p {
            case .text(let t): size += t.utf8.count
            case .hole(let i, _): size += strings[i].utf8.count + 16
            }
        }
        out.reserveCapacity(size)
        for p in pieces {
            switch p {
            case .text(let t): out += t
            // The page escaper also replaces control characters, as the normalized plain render did.
            case .hole(let i, let escaped): out += escaped ? HTMLEscape.escapeForPage(strings[i]) : strings[i]
            }
        }
        return out
    }
}

/// One walk of a context in a fixed order (dictionary keys sorted): its shape as a key, and its
/// non-empty strings in the order they are met.
package struct ShapeWalk {
    package var key = ""
    package var strings: [String] = []
    /// False when the context holds a value whose rendering the shape cannot capture.
    package var stampable = true

    package mutating func visit(_ value: Any) {
        switch value {
        case let s as String:
            if s.isEmpty {
                key += "e"
            } else if s.last == "\n" {
                // Inside an indented partial, what follows a value ending in a newline is indented:
                // the newline belongs to the shape, the rest is the hole.
                key += "n"
                strings.append(String(s[..<s.index(before: s.endIndex)]))  // not dropLast(): that counts every Character
            } else {
                key += "s"
                strings.append(s)
            }
        case let b as Bool:
            key += b ? "T" : "F"
        case let d as [String: Any]:
            visit(dictionary: d)
        case let a as [[String: Any]]:
            // Before `[Any]`: that cast would box every element anew.
            key += "["
            for d in a { visit(dictionary: d) }
            key += "]"
        case let a as [Any]:
            key += "["
            for v in a { visit(v) }
            key += "]"
        case let n as Int:
            key += "i\(n)"
        case let n as Int64:
            key += "l\(n)"
        case is AbsentValue, is NSNull:
            key += "a"
        default:
            // A nil in an `Any` is absent too (normalized to AbsentValue for the plain render).
            if AbsentValue.isBoxedNil(value) { key += "a" } else { stampable = false }
        }
    }

    private mutating func visit(dictionary d: [String: Any]) {
        key += "{"
        for (k, v) in d.sorted(by: { $0.key < $1.key }) {
            key += k
            key += ":"
            visit(v)
            key += ","
        }
        key += "}"
    }

    /// A copy of `value` with every non-empty string replaced by its placeholder, numbered in
    /// the order `visit` meets them.
    package static func marking(_ value: Any, next: inout Int) -> Any {
        switch value {
        case let s as String:
            if s.isEmpty { return s }
            defer { next += 1 }
            return TemplateStamps.placeholder(next) + (s.last == "\n" ? "\n" : "")
        case let d as [String: Any]:
            var out: [String: Any] = [:]
            for (k, v) in d.sorted(by: { $0.key < $1.key }) { out[k] = marking(v, next: &next) }
            return out
        case let a as [Any]:
            return a.map { marking($0, next: &next) }
        default:
            return value
        }
    }
}
