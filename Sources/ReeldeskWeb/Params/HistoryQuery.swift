import ReeldeskDomain
import ReeldeskStore
import WebCore

/// The parameters of the history, on the page (`/tasks`) and in the API (`/api/tasks`): the
/// filters, a keyset cursor, and the page's view or the API's page size. Every value is checked
/// against what the API's description declares: one that fails its enum, format or bounds is
/// named (400), never a filter silently dropped (`?status=bogus` listing every task). Unknown
/// parameters are ignored.
package struct HistoryQuery: Equatable, Sendable {
    package var filter = TaskFilter()
    package var before: Int64?
    /// Newer than this id (not used together with `before`).
    package var after: Int64?
    /// The API's page size.
    package var limit = APIHandlers.defaultLimit
    /// The page's table instead of its grid (`view=list`).
    package var listView = false

    package init() {}

    /// Every parameter read; the invalid ones are in `errors` and left at their defaults.
    /// `fromPage`: the history page's own form, where an empty field means "any".
    package static func read(_ q: FormData, fromPage: Bool) -> (query: HistoryQuery, errors: [ParameterError]) {
        var r = QueryReader(q, emptyIsAbsent: fromPage)
        var out = HistoryQuery()
        out.filter = readFilter(&r)
        out.before = r.id("before")
        // Checked like any parameter; with `before` it is not used (the description says so).
        let after = r.integer("after", minimum: 0)
        out.after = out.before == nil ? after : nil
        out.limit = r.integer("limit", minimum: 1, maximum: Int64(APIHandlers.maxLimit)).map(Int.init) ?? APIHandlers.defaultLimit
        out.listView = r.oneOf("view", [("grid", false), ("list", true)]) ?? false
        return (out, r.errors)
    }

    /// The query, or every bad parameter.
    package static func parse(_ q: FormData, fromPage: Bool) throws(ParameterErrors) -> HistoryQuery {
        let (query, errors) = read(q, fromPage: fromPage)
        if !errors.isEmpty { throw ParameterErrors(errors) }
        return query
    }

    private static func readFilter(_ r: inout QueryReader) -> TaskFilter {
        var f = TaskFilter()
        f.text = r.text("q", maxLength: TaskFilter.maxTextLength) ?? ""
        f.status = r.oneOf("status", TaskStatus.self)
        f.resolution = r.oneOf("resolution", Resolution.self)
        f.aspectRatio = r.oneOf("ratio", AspectRatio.self)
        f.audio = r.oneOf("audio", [("on", true), ("off", false)])
        f.ownerID = r.id("owner")
        f.from = r.day("from")
        f.to = r.day("to")
        if let tag = r.raw("tag") {
            if tag.isEmpty {
                r.fail("tag", "must not be empty")
            } else {
                // Tags are kept normalized; a value with nothing left after that matches no task.
                f.tag = TaskTags.parse(tag).first ?? tag
            }
        }
        f.favourites = r.flag("fav", "1")
        f.family = r.id("family")
        f.allAttempts = r.flag("attempts", "all")
        f.oldestFirst = r.flag("sort", "oldest")
        return f
    }
}
