import ReeldeskStore
import WebCore

/// GET /compare?ids=3&ids=7 (or `ids=3,7`): 2–4 tasks side by side; a task still running shows
/// its progress and its video appears when it is archived (how variations land).
package struct CompareHandler {
    package let store: TaskStore
    package let pages: PageRenderer

    package static let maxTasks = 4

    package func show(_ request: RequestContext) throws -> Response {
        let ids = try ChosenTasks.parse(request.queryItems, limit: Self.maxTasks).ids
        guard (2...Self.maxTasks).contains(ids.count) else {
            throw HTTPError(.badRequest, "Choose 2 to \(Self.maxTasks) tasks to compare.")
        }
        let tasks = try store.visible(to: request.viewer).chosen(ids)
        let title = "Compare " + ids.map { "#\($0)" }.joined(separator: ", ")
        return try pages.render("pages/compare", title: title, ComparePageView(compare: CompareView(tasks)), request: request,
                                lastEventID: try store.latestEventID())
    }
}
