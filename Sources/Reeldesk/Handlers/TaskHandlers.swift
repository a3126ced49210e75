import Foundation
import WebCore

/// The task pages: the new-task form (home), creating a task, the history and one task.
struct TaskHandlers {
    let context: AppContext
    let store: TaskStore
    let events: EventLog
    let pages: PageRenderer

    static let pageSize = 50
    static let recentCount = 10

    /// GET /: the form with defaults, and the latest tasks below it. `?remix=ID` prefills every
    /// parameter of task ID; `?seed_from=ID` prefills only its seed.
    func home(_ request: Request) throws -> Response {
        let q = request.queryItems
        var form = NewTaskFormView.defaults
        if let id = q["remix"].flatMap({ Int64($0) }), let t = try store.find(id) {
            form = NewTaskFormView(remixing: t.parameters)
        } else if let id = q["seed_from"].flatMap({ Int64($0) }), let t = try store.find(id), let seed = t.parameters.seed {
            form.values["seed"] = String(seed)
        }
        return try renderHome(request, form: form, status: .ok)
    }

    /// POST /tasks/{id}/regenerate: the same parameters as a new task (lineage kept).
    func regenerate(_ request: Request, id: Int64) throws -> Response {
        try requireToken(request)
        guard let t = try store.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        let copy = try store.create(NewTask(parameters: t.parameters, firstFrameFile: t.firstFrameFile, lastFrameFile: t.lastFrameFile,
                                            parentTaskID: id))
        announce()
        return .redirect(to: "/tasks/\(copy.id)")
    }

    /// POST /tasks/{id}/retry: a failed, timed-out or expired task goes back in the queue.
    func retry(_ request: Request, id: Int64) throws -> Response {
        try requireToken(request)
        guard try store.retry(id) != nil else {
            guard let t = try store.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
            throw HTTPError(HTTPStatus(409), "Task \(id) is \(t.status.label.lowercased()); only failed, timed-out or expired tasks can be retried.")
        }
        announce()
        return .redirect(to: "/tasks/\(id)")
    }

    /// Action forms carry nothing but the token.
    private func requireToken(_ request: Request) throws {
        let form = try FormBody.decode(request, limits: FormLimits(maxFields: 8, maxFieldBytes: 1024, maxFileBytes: 0, maxParts: 8))
        try context.csrf.require(request: request, form: form)
    }

    /// Tells the SSE hub and the poller that something changed.
    private func announce() {
        context.hub.notify()
        context.wakePoller()
    }

    /// POST /tasks: validate; 422 with the form as sent, or store and 303 to the task.
    func create(_ request: Request) throws -> Response {
        let limits = FormLimits(maxFields: 64, maxFieldBytes: 64 * 1024, maxFileBytes: NewTaskForm.maxImageBytes, maxParts: 32)
        let form = try FormBody.decode(request, limits: limits)
        try context.csrf.require(request: request, form: form)
        switch NewTaskForm.validate(form) {
        case .failure(let errors):
            return try renderHome(request, form: NewTaskFormView(submitted: form, errors: errors.errors), status: .unprocessableContent)
        case .success(let input):
            let task: TaskRecord
            do {
                task = try store(input)
            } catch let f as ImageDecodeCheck.Failure {
                let errors = [FieldError(field: f.field, message: ImageDecodeCheck.message(f))]
                return try renderHome(request, form: NewTaskFormView(submitted: form, errors: errors), status: .unprocessableContent)
            }
            announce()
            context.logger.info("task created", metadata: ["rid": "\(request.requestID)", "task": "\(task.id)"])
            return .redirect(to: "/tasks/\(task.id)")
        }
    }

    /// Saves uploads, then the row; if the row fails, the uploads are removed again.
    private func store(_ input: NewTaskForm) throws -> TaskRecord {
        let uploads = UploadStore(directory: context.config.uploadsDir)
        var saved: [String] = []
        do {
            let first = try input.firstFrameUpload.map { try uploads.save($0, verify: decodable("first_frame", $0)) }
            first.map { saved.append($0) }
            let last = try input.lastFrameUpload.map { try uploads.save($0, verify: decodable("last_frame", $0)) }
            last.map { saved.append($0) }
            return try store.create(NewTask(parameters: input.parameters, firstFrameFile: first, lastFrameFile: last))
        } catch {
            saved.forEach(uploads.remove)
            throw error
        }
    }

    private func decodable(_ field: String, _ image: ValidatedImage) -> (String) throws -> Void {
        { path in try ImageDecodeCheck.verify(path: path, field: field, filename: image.filename, timeout: min(20, context.config.toolTimeoutSeconds)) }
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
        return try pages.render("pages/task", title: "Task \(id)", ["task": TaskViews.detail(task, now: Date().timeIntervalSince1970)],
                                request: request, lastEventID: latest)
    }

    private func renderHome(_ request: Request, form: NewTaskFormView, status: HTTPStatus) throws -> Response {
        let latest = try events.latestEventID()
        let recent = try store.list(limit: Self.recentCount)
        var formContext = form.context
        formContext["uploads_private"] = !context.config.publicURLIsReachable
        formContext["public_url"] = context.config.publicURL
        let page: [String: Any] = [
            "form": formContext,
            "tasks": recent.map(TaskViews.row),
            "has_tasks": !recent.isEmpty,
        ]
        return try pages.render("pages/home", title: "New video", page, request: request, status: status, lastEventID: latest)
    }
}
