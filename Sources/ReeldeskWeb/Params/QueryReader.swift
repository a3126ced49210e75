import Foundation
import ReeldeskStore
import WebCore

/// Reads a request's query into typed values, the kcgi way: each parameter with its rule, the
/// valid ones kept, each invalid one recorded (so a page can show its form with every problem,
/// and the API can name every field). An absent parameter is nil; a present one that does not
/// parse is an error, never nil.
package struct QueryReader {
    package let items: FormData
    /// A page's GET form sends every field, `status=` for "any": there an empty value is absent.
    /// The JSON API takes what its description says, so there an empty value is checked too.
    package let emptyIsAbsent: Bool
    package private(set) var errors: [ParameterError] = []

    package init(_ items: FormData, emptyIsAbsent: Bool) {
        self.items = items
        self.emptyIsAbsent = emptyIsAbsent
    }

    /// The value of `name` as sent, nil when absent (or empty, from a page's form).
    package func raw(_ name: String) -> String? {
        guard let v = items[name] else { return nil }
        return emptyIsAbsent && v.isEmpty ? nil : v
    }

    /// Throws the collected errors, if any.
    package func check() throws(ParameterErrors) {
        if !errors.isEmpty { throw ParameterErrors(errors) }
    }

    package mutating func fail(_ name: String, _ message: String) { errors.append(ParameterError(name: name, message: message)) }

    /// A value from a fixed set, by its URL spelling.
    package mutating func oneOf<T>(_ name: String, _ allowed: [(String, T)]) -> T? {
        guard let raw = raw(name) else { return nil }
        if let hit = allowed.first(where: { $0.0 == raw }) { return hit.1 }
        fail(name, "must be one of " + allowed.map(\.0).joined(separator: ", "))
        return nil
    }

    /// A raw-representable enum (`TaskStatus`, `Resolution`…) by its raw value.
    package mutating func oneOf<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
        oneOf(name, T.allCases.map { ($0.rawValue, $0) })
    }

    /// A decimal integer within bounds.
    package mutating func integer(_ name: String, minimum: Int64, maximum: Int64 = .max) -> Int64? {
        guard let raw = raw(name) else { return nil }
        guard raw.utf8.count <= 19, let n = Int64(raw), n >= minimum, n <= maximum else {
            fail(name, maximum == .max ? "must be an integer of at least \(minimum)" : "must be an integer from \(minimum) to \(maximum)")
            return nil
        }
        return n
    }

    /// A task (or account, or token) number: 1 or more.
    package mutating func id(_ name: String) -> Int64? { integer(name, minimum: 1) }

    /// A day as `YYYY-MM-DD`.
    package mutating func day(_ name: String) -> String? {
        guard let raw = raw(name) else { return nil }
        guard let d = TaskFilter.day(raw) else {
            fail(name, "must be a day as YYYY-MM-DD")
            return nil
        }
        return d
    }

    /// A flag that is either absent or exactly `value` (`fav=1`, `attempts=all`).
    package mutating func flag(_ name: String, _ value: String) -> Bool {
        oneOf(name, [(value, true)]) ?? false
    }

    /// Text of at most `maxLength` code points (as the API's description counts), trimmed.
    package mutating func text(_ name: String, maxLength: Int) -> String? {
        guard let raw = raw(name) else { return nil }
        guard raw.unicodeScalars.count <= maxLength else {
            fail(name, "must be at most \(maxLength) characters")
            return nil
        }
        return raw.trimmingCharacters(in: .whitespaces)
    }

    /// Task ids from repeated or comma-separated values (`ids=3&ids=7`, `ids=3,7`), in order and
    /// without repeats; stops one past `limit`, so the caller can say "too many" in its words.
    package mutating func ids(_ name: String, limit: Int) -> [Int64] {
        var out: [Int64] = []
        for part in items.all(name).flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            guard let id = Router.parseID(part) else {
                fail(name, "must be task numbers such as \(name)=3,7")
                return []
            }
            if !out.contains(id) { out.append(id) }
            if out.count > limit { break }
        }
        return out
    }
}
