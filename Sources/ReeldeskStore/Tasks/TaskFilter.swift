import Foundation
import ReeldeskDomain
import SQLite

/// What the history shows: words to find and filters. The web edge reads and writes them as
/// a URL query (`TaskFilter+Query.swift`), so a view can be bookmarked and shared.
package struct TaskFilter: Equatable, Sendable {
    package var text = ""
    package var status: TaskStatus?
    package var resolution: Resolution?
    package var aspectRatio: AspectRatio?
    package var audio: Bool?
    package var ownerID: Int64?
    /// Days (`YYYY-MM-DD`, UTC), both included.
    package var from: String?
    package var to: String?
    /// One tag (as TaskTags keeps it), and the viewer's own favourites only.
    package var tag: String?
    package var favourites = false
    /// One task's whole family: its first ancestor and everything made from it (every attempt).
    package var family: Int64?
    /// Attempts that were retried are folded under their latest unless asked for (`attempts=all`).
    package var allAttempts = false
    /// `sort=oldest`: oldest first (the default is newest first).
    package var oldestFirst = false

    package static let maxTextLength = 200

    package init() {}

    package var isEmpty: Bool { self == TaskFilter() }

    /// Up the parent links to the first ancestor, then down every child link from it.
    package static let familySQL = """
        t.id IN (WITH RECURSIVE up(id, parent) AS (
                     SELECT id, parent_task_id FROM tasks WHERE id = ?
                     UNION SELECT p.id, p.parent_task_id FROM tasks p JOIN up ON p.id = up.parent),
                 down(id) AS (
                     SELECT id FROM up WHERE parent IS NULL
                     UNION SELECT c.id FROM tasks c JOIN down ON c.parent_task_id = down.id)
                 SELECT id FROM down)
        """

    /// `YYYY-MM-DD` that is a real day, else nil.
    package static func day(_ s: String) -> String? {
        // Exactly `DDDD-DD-DD` (RFC 3339 full-date): no signs, no short fields.
        let shape = Array(s.utf8)
        guard shape.count == 10, shape[4] == UInt8(ascii: "-"), shape[7] == UInt8(ascii: "-"),
              shape.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }),
              dayStart(s) != nil else { return nil }
        return s
    }

    /// Seconds since 1970 at 00:00 UTC of `day`.
    package static func dayStart(_ day: String) -> Double? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var c = DateComponents()
        (c.year, c.month, c.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: c), calendar.component(.day, from: date) == parts[2] else { return nil }
        return date.timeIntervalSince1970
    }

    /// The SQL conditions (on `tasks` as `t`) and their values, and the full-text expression the
    /// index must match (nil: no indexed word to find). The text part comes from `SearchText`.
    package func conditions(viewerID: Int64) -> (sql: [String], values: [SQLBindable], match: String?) {
        var sql: [String] = []
        var values: [SQLBindable] = []
        if let status { sql.append("t.status = ?"); values.append(status.rawValue) }
        if let resolution { sql.append("t.resolution = ?"); values.append(resolution.rawValue) }
        if let aspectRatio { sql.append("t.aspect_ratio = ?"); values.append(aspectRatio.rawValue) }
        if let audio { sql.append("t.audio = ?"); values.append(audio) }
        if let ownerID { sql.append("t.owner_id = ?"); values.append(ownerID) }
        if let start = from.flatMap(Self.dayStart) { sql.append("t.created_at >= ?"); values.append(start) }
        if let end = to.flatMap(Self.dayStart) { sql.append("t.created_at < ?"); values.append(end + 86_400) }
        if let tag { sql.append("t.id IN (SELECT task_id FROM task_tags WHERE tag = ?)"); values.append(tag) }
        if favourites { sql.append("t.id IN (SELECT task_id FROM favourites WHERE user_id = ?)"); values.append(viewerID) }
        if let family {
            sql.append(Self.familySQL)
            values.append(family)
        } else if !allAttempts {
            sql.append("NOT EXISTS (SELECT 1 FROM tasks r WHERE r.parent_task_id = t.id AND r.lineage = 'retry')")
        }
        let search = SearchText(text)
        sql += search.conditions.map(\.sql)
        values += search.conditions.flatMap(\.values)
        return (sql, values, search.match)
    }
}

/// A search as a person types it: words, "quoted phrases" and -exclusions, all case-insensitive
/// substrings. Terms of 3+ characters go to the trigram index (`task_search MATCH`); shorter ones
/// (a two-character Chinese word like 狐狸 has no trigram) are checked with `instr` on the rows
/// the other conditions leave.
package struct SearchText: Equatable, Sendable {
    package struct Term: Equatable, Sendable {
        package let text: String
        package let excluded: Bool

        package init(text: String, excluded: Bool) {
            self.text = text
            self.excluded = excluded
        }
    }

    package let terms: [Term]

    package static let maxTerms = 10

    package init(_ text: String) {
        var terms: [Term] = []
        var chars = Substring(text)
        while let first = chars.first, terms.count < Self.maxTerms {
            if first.isWhitespace { chars = chars.dropFirst(); continue }
            let excluded = first == "-" && chars.count > 1
            if excluded { chars = chars.dropFirst() }
            var term: Substring
            if chars.first == "\"" {
                let body = chars.dropFirst()
                let end = body.firstIndex(of: "\"") ?? body.endIndex
                term = body[..<end]
                chars = end == body.endIndex ? body[end...] : body[body.index(after: end)...]
            } else {
                let end = chars.firstIndex(where: \.isWhitespace) ?? chars.endIndex
                term = chars[..<end]
                chars = chars[end...]
            }
            let cleaned = term.trimmingCharacters(in: .whitespaces)
            if !cleaned.isEmpty, !cleaned.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                terms.append(Term(text: cleaned, excluded: excluded))
            }
        }
        self.terms = terms
    }

    /// An FTS5 string literal: the trigram tokenizer matches it as one substring.
    package static func literal(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    package static func indexed(_ t: Term) -> Bool { t.text.count >= 3 }

    private var wanted: [String] { terms.filter { Self.indexed($0) && !$0.excluded }.map { Self.literal($0.text) } }
    private var unwanted: [String] { terms.filter { Self.indexed($0) && $0.excluded }.map { Self.literal($0.text) } }

    /// The index query when there is an indexed word to find: the page is then read from the
    /// index in id order and stops at 50 rows (a `t.id IN (…)` would first collect every match).
    package var match: String? {
        wanted.isEmpty ? nil : wanted.joined(separator: " AND ") + unwanted.map { " NOT " + $0 }.joined()
    }

    /// The conditions besides `match`: exclusions alone, and each short term as an `instr`.
    package var conditions: [(sql: String, values: [SQLBindable])] {
        var out: [(sql: String, values: [SQLBindable])] = []
        if wanted.isEmpty, !unwanted.isEmpty {
            out.append(("t.id NOT IN (SELECT rowid FROM task_search WHERE task_search MATCH ?)", [unwanted.joined(separator: " OR ")]))
        }
        for t in terms where !Self.indexed(t) {
            let test = "instr(lower(t.prompt || ' ' || COALESCE(t.error_message, '')), lower(?)) > 0"
            out.append((t.excluded ? "NOT " + test : test, [t.text]))
        }
        return out
    }
}
