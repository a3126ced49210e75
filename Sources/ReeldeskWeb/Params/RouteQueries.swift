import ReeldeskStore
import WebCore

/// The typed queries of the routes that take one (the history's is `HistoryQuery`). Each reads
/// every parameter it knows and throws every bad one (400, naming them); unknown ones are
/// ignored. An empty value from a page's form means "not given".

/// `GET /?remix=ID` (prefill every parameter of a task) or `?seed_from=ID` (only its seed).
package struct HomeQuery: Equatable {
    package var remix: Int64?
    package var seedFrom: Int64?

    package init(remix: Int64? = nil, seedFrom: Int64? = nil) {
        self.remix = remix
        self.seedFrom = seedFrom
    }

    /// The query that asks for this (`remix=3`, `seed_from=3`).
    package var query: String {
        [remix.map { "remix=\($0)" }, seedFrom.map { "seed_from=\($0)" }].compactMap { $0 }.joined(separator: "&")
    }

    package static func parse(_ q: FormData) throws(ParameterErrors) -> HomeQuery {
        var r = QueryReader(q, emptyIsAbsent: true)
        let out = HomeQuery(remix: r.id("remix"), seedFrom: r.id("seed_from"))
        try r.check()
        return out
    }
}

/// `GET /events?task=ID&after=EVENT`: one task's events only; resume after an event id.
package struct EventsQuery: Equatable {
    package var task: Int64?
    package var after: Int64?

    package static func parse(_ q: FormData) throws(ParameterErrors) -> EventsQuery {
        var r = QueryReader(q, emptyIsAbsent: false)
        let out = EventsQuery(task: r.id("task"), after: r.integer("after", minimum: 0))
        try r.check()
        return out
    }
}

/// `?ids=3,7` (compare, download): the chosen tasks, at most `limit` (one more is read, so the
/// page can say "too many" in its own words).
package struct ChosenTasks: Equatable {
    package var ids: [Int64]

    package static func parse(_ q: FormData, limit: Int) throws(ParameterErrors) -> ChosenTasks {
        var r = QueryReader(q, emptyIsAbsent: false)
        let out = ChosenTasks(ids: r.ids("ids", limit: limit))
        try r.check()
        return out
    }
}

/// `GET /tasks/ID/video?download=1`: save under a readable name instead of playing.
package struct VideoQuery: Equatable {
    package var download = false

    /// The query that asks for this (`download=1`, or nothing).
    package var query: String { download ? "download=1" : "" }

    package static func parse(_ q: FormData) throws(ParameterErrors) -> VideoQuery {
        var r = QueryReader(q, emptyIsAbsent: true)
        let out = VideoQuery(download: r.flag("download", "1"))
        try r.check()
        return out
    }
}

/// The audit log's filters and cursor (`/admin/audit`, `/admin/audit.csv`).
package struct AuditQuery: Equatable {
    package var filter = AuditLog.Filter()
    package var before: Int64?
    /// The days as sent, for the form.
    package var since: String?
    package var until: String?

    package static func parse(_ q: FormData) throws(ParameterErrors) -> AuditQuery {
        var r = QueryReader(q, emptyIsAbsent: true)
        var out = AuditQuery()
        out.filter.actor = r.text("actor", maxLength: 64).flatMap { $0.isEmpty ? nil : $0 }
        out.filter.action = r.oneOf("action", AuditAction.self)?.rawValue
        out.filter.taskID = r.id("task")
        out.since = r.day("since")
        out.until = r.day("until")
        out.filter.since = out.since.flatMap(Formatting.parseDay)
        out.filter.until = out.until.flatMap(Formatting.parseDay).map { $0 + 86_400 }
        out.before = r.id("before")
        try r.check()
        return out
    }
}
