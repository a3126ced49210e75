import Foundation
import WebCore

/// The task pages: the new-task form (home), creating a task, the history and one task.
struct TaskHandlers {
    let context: AppContext
    let store: TaskStore
    let events: EventLog

    static let pageSize = 50
    static let recentCount = 10

    private var pages: PageRenderer { PageRenderer(context: context) }

    /// GET /: the form with defaults, and the latest tasks below it.
    func home(_ request: Request) throws -> Response {
        try renderHome(request, form: .defaults, status: .ok)
    }

    /// POST /tasks: validate; 422 with the form as sent, or store and 303 to the task.
    func create(_ request: Request) throws -> Response {
        let limits = FormLimits(maxFields: 64, maxFieldBytes: 64 * 1024, maxFileBytes: NewTaskForm.maxImageBytes, maxParts: 32)
        let form = try FormBody.decode(request, limits: limits)
        guard CSRF.verify(request: request, form: form) else {
            throw HTTPError(.forbidden, "The form's security token is missing or does not match.")
        }
        switch NewTaskForm.validate(form) {
        case .failure(let errors):
            return try renderHome(request, form: NewTaskFormView(submitted: form, errors: errors.errors), status: .unprocessableContent)
        case .success(let input):
            let task = try store(input)
            context.hub.notify()
            context.logger.info("task created", metadata: ["rid": "\(request.requestID)", "task": "\(task.id)"])
            return .redirect(to: "/tasks/\(task.id)")
        }
    }

    /// Saves uploads, then the row; if the row fails, the uploads are removed again.
    private func store(_ input: NewTaskForm) throws -> TaskRecord {
        let uploads = UploadStore(directory: context.config.uploadsDir)
        var saved: [String] = []
        do {
            let first = try input.firstFrameUpload.map { try uploads.save($0) }
            first.map { saved.append($0) }
            let last = try input.lastFrameUpload.map { try uploads.save($0) }
            last.map { saved.append($0) }
            return try store.create(NewTask(parameters: input.parameters, firstFrameFile: first, lastFrameFile: last))
        } catch {
            saved.forEach(uploads.remove)
            throw error
        }
    }

    /// GET /tasks?before=ID: the history, newest first, 50 a page (keyset pagination).
    func list(_ request: Request) throws -> Response {
        let before = request.queryItems["before"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        let latest = try events.latestEventID()
        let rows = try store.list(before: before, limit: Self.pageSize + 1)
        let shown = Array(rows.prefix(Self.pageSize))
        var page: [String: Any] = [
            "tasks": shown.map(TaskViews.row),
            "has_tasks": !shown.isEmpty,
            "is_first_page": before == nil,
        ]
        if rows.count > Self.pageSize, let last = shown.last { page["older_url"] = "/tasks?before=\(last.id)" }
        if before != nil, let first = shown.first, try store.hasNewer(than: first.id) { page["newest_url"] = "/tasks" }
        return try pages.render("pages/tasks", title: "History", page, request: request, lastEventID: latest)
    }

    /// GET /tasks/{id}: every parameter and the live status.
    func show(_ request: Request, id: Int64) throws -> Response {
        let latest = try events.latestEventID()
        guard let task = try store.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        return try pages.render("pages/task", title: "Task \(id)", ["task": TaskViews.detail(task)], request: request, lastEventID: latest)
    }

    private func renderHome(_ request: Request, form: NewTaskFormView, status: HTTPStatus) throws -> Response {
        let latest = try events.latestEventID()
        let recent = try store.list(limit: Self.recentCount)
        let page: [String: Any] = [
            "form": form.context,
            "tasks": recent.map(TaskViews.row),
            "has_tasks": !recent.isEmpty,
        ]
        return try pages.render("pages/home", title: "New video", page, request: request, status: status, lastEventID: latest)
    }
}
