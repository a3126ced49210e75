import WebCore

/// GET /compare?ids=3&ids=7 (or `ids=3,7`): 2–4 tasks side by side; a task still running shows
/// its progress and its video appears when it is archived (how variations land).
struct CompareHandler {
    let store: TaskStore
    let pages: PageRenderer

    static let maxTasks = 4

    func show(_ request: RequestContext) throws -> Response {
        let ids = Self.ids(request.queryItems.all("ids"))
        guard (2...Self.maxTasks).contains(ids.count) else {
            throw HTTPError(.badRequest, "Choose 2 to \(Self.maxTasks) tasks to compare.")
        }
        let visible = store.visible(to: request.viewer)
        var tasks: [TaskRecord] = []
        for id in ids {
            guard let t = try visible.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
            tasks.append(t)
        }
        let title = "Compare " + ids.map { "#\($0)" }.joined(separator: ", ")
        return try pages.render("pages/compare", title: title, ["compare": CompareView.context(tasks)], request: request,
                                lastEventID: try EventLog(db: store.db).latestEventID())
    }

    /// Positive ids in the order given, without repeats, from repeated or comma-separated values.
    static func ids(_ values: [String]) -> [Int64] {
        var out: [Int64] = []
        for v in values.flatMap({ $0.split(separator: ",") }) {
            guard let id = Router.parseID(v), !out.contains(id) else { continue }
            out.append(id)
            if out.count > maxTasks { break }
        }
        return out
    }
}
