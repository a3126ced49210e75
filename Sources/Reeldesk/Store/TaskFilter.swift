import Foundation
import SQLite
import WebCore

/// What the history shows: words to find and filters, exactly as they travel in the URL
/// (`/tasks?q=fox+-snow&status=completed&from=2026-11-01`), so a view can be bookmarked and
/// shared. Unknown or malformed values are ignored, never an error: a link keeps working.
struct TaskFilter: Equatable, Sendable {
    var text = ""
    var status: TaskStatus?
    var resolution: Resolution?
    var aspectRatio: AspectRatio?
    var audio: Bool?
    var ownerID: Int64?
    /// Days (`YYYY-MM-DD`, UTC), both included.
    var from: String?
    var to: String?
    /// One tag (as TaskTags keeps it), and the viewer's own favourites only.
    var tag: String?
    var favourites = false
    /// One task's whole family: its first ancestor and everything made from it (every attempt).
    var family: Int64?
    /// Attempts that were retried are folded under their latest unless asked for (`attempts=all`).
    var allAttempts = false
    /// `sort=oldest`: oldest first (the default is newest first).
    var oldestFirst = false

    static let maxTextLength = 200

    init() {}

    init(_ q: FormData) {
        text = String((q["q"] ?? "").prefix(Self.maxTextLength)).trimmingCharacters(in: .whitespaces)
        status = q["status"].flatMap(TaskStatus.init(rawValue:))
        resolution = q["resolution"].flatMap(Resolution.init(rawValue:))
        aspectRatio = q["ratio"].flatMap(AspectRatio.init(rawValue:))
        audio = q["audio"].flatMap { $0 == "on" ? true : $0 == "off" ? false : nil }
        ownerID = q["owner"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        from = q["from"].flatMap(Self.day)
        to = q["to"].flatMap(Self.day)
        tag = q["tag"].flatMap { TaskTags.parse($0).first }
        favourites = q["fav"] == "1"
        family = q["family"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        allAttempts = q["attempts"] == "all"
        oldestFirst = q["sort"] == "oldest"
    }

    var isEmpty: Bool { self == TaskFilter() }

    /// The URL query for these filters (no cursor), `&`-joined, empty when there are none.
    var query: String {
        var items: [(String, String)] = []
        if !text.isEmpty { items.append(("q", text)) }
        if let status { items.append(("status", status.rawValue)) }
        if let resolution { items.append(("resolution", resolution.rawValue)) }
        if let aspectRatio { items.append(("ratio", aspectRatio.rawValue)) }
        if let audio { items.append(("audio", audio ? "on" : "off")) }
        if let ownerID { items.append(("owner", String(ownerID))) }
        if let from { items.append(("from", from)) }
        if let to { items.append(("to", to)) }
        if let tag { items.append(("tag", tag)) }
        if favourites { items.append(("fav", "1")) }
        if let family { items.append(("family", String(family))) }
        if allAttempts { items.append(("attempts", "all")) }
        if oldestFirst { items.append(("sort", "oldest")) }
        return items.map { URLEncodedForm.encode($0.0) + "=" + URLEncodedForm.encode($0.1) }.joined(separator: "&")
    }

    /// Up the parent links to the first ancestor, then down every child link from it.
    static let familySQL = """
        t.id IN (WITH RECURSIVE up(id, parent) AS (
                     SELECT id, parent_task_id FROM tasks WHERE id = ?
                     UNION SELECT p.id, p.parent_task_id FROM tasks p JOIN up ON p.id = up.parent),
                 down(id) AS (
                     SELECT id FROM up WHERE parent IS NULL
                     UNION SELECT c.id FROM tasks c JOIN down ON c.parent_task_id = down.id)
                 SELECT id FROM down)
        """

    /// `YYYY-MM-DD` that is a real day, else nil.
    static func day(_ s: String) -> String? {
        // Exactly `DDDD-DD-DD` (RFC 3339 full-date): no signs, no short fields.
        let shape = Array(s.utf8)
        guard shape.count == 10, shape[4] == UInt8(ascii: "-"), shape[7] == UInt8(ascii: "-"),
              shape.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }),
              dayStart(s) != nil else { return nil }
        return s
    }

    /// Seconds since 1970 at 00:00 UTC of `day`.
    static func dayStart(_ day: String) -> Double? {
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
    func conditions(viewerID: Int64) -> (sql: [String], values: [SQLBindable], match: String?) {
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
struct SearchText: Equatable, Sendable {
    struct Term: Equatable, Sendable {
        let text: String
        let excluded: Bool
    }

    let terms: [Term]

    static let maxTerms = 10

    init(_ text: String) {
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
    static func literal(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func indexed(_ t: Term) -> Bool { t.text.count >= 3 }

    private var wanted: [String] { terms.filter { Self.indexed($0) && !$0.excluded }.map { Self.literal($0.text) } }
    private var unwanted: [String] { terms.filter { Self.indexed($0) && $0.excluded }.map { Self.literal($0.text) } }

    /// The index query when there is an indexed word to find: the page is then read from the
    /// index in id order and stops at 50 rows (a `t.id IN (…)` would first collect every match).
    var match: String? {
        wanted.isEmpty ? nil : wanted.joined(separator: " AND ") + unwanted.map { " NOT " + $0 }.joined()
    }

    /// The conditions besides `match`: exclusions alone, and each short term as an `instr`.
    var conditions: [(sql: String, values: [SQLBindable])] {
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
