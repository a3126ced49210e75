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
    /// parameter of task ID (uploaded frames included); `?seed_from=ID` prefills only its seed.
    func home(_ request: RequestContext) throws -> Response {
        let q = request.queryItems
        var form = NewTaskFormView.defaults
        if let id = q["remix"].flatMap({ Int64($0) }), let t = try store.find(id) {
            form = NewTaskFormView(remixing: t)
        } else if let id = q["seed_from"].flatMap({ Int64($0) }), let t = try store.find(id), let seed = t.parameters.seed {
            form.values["seed"] = String(seed)
        }
        return try renderHome(request, form: form, status: .ok)
    }

    /// POST /tasks: validate; 422 with the form as sent (uploads kept), or store and 303 to the
    /// task. A second POST of the same rendered form answers with the first one's task.
    func create(_ request: RequestContext) throws -> Response {
        let limits = FormLimits(maxFields: 64, maxFieldBytes: 64 * 1024, maxFileBytes: NewTaskForm.maxImageBytes, maxParts: 32)
        let form = try FormBody.decode(request.request, limits: limits)
        try context.csrf.require(request: request.request, form: form)
        if let token = SubmissionToken.parse(form["submission_token"]), let first = try store.taskForSubmission(token) {
            return .redirect(to: Route.task(id: first.id).path)
        }
        let input: NewTaskForm
        switch NewTaskForm.validate(form) {
        case .failure(let errors): return try reject(request, form: form, errors: errors.errors)
        case .success(let valid): input = valid
        }
        let urlErrors = checkTypedURLs(input.parameters)
        if !urlErrors.isEmpty { return try reject(request, form: form, errors: urlErrors) }
        let task: TaskRecord
        do {
            guard let made = try store(input) else { return try reject(request, form: form, errors: []) }
            task = made
        } catch let f as ImageDecodeCheck.Failure {
            return try reject(request, form: form, errors: [FieldError(field: f.field, message: ImageDecodeCheck.message(f))])
        }
        context.hub.notify()
        context.wakePoller()
        context.logger.info("task created", metadata: ["rid": "\(request.requestID)", "task": "\(task.id)"])
        return .redirect(to: Route.task(id: task.id).path)
    }

    /// Typed frame URLs must answer with a usable image now, not fail upstream later.
    private func checkTypedURLs(_ p: VideoParameters) -> [FieldError] {
        let check = ImageURLCheck(allowPrivate: context.config.isSimulated || context.config.allowPrivateAddresses,
                                  scratchDir: context.config.scratchDir)
        return [("first_frame_url", p.firstFrameURL), ("last_frame_url", p.lastFrameURL)].compactMap { field, url in
            guard let url, let problem = check.problem(with: url) else { return nil }
            return FieldError(field: field, message: problem)
        }
    }

    /// Saves (or adopts) the frames, then the row; if the row is not new (a repeated form) or
    /// fails, the files saved here are removed again. Nil when a kept image has vanished.
    private func store(_ input: NewTaskForm) throws -> TaskRecord? {
        let uploads = UploadStore(directory: context.config.uploadsDir)
        var saved: [String] = []
        do {
            let first = try frameFile(input.firstFrameUpload, kept: input.firstFrameKept, field: "first_frame", uploads, saved: &saved)
            let last = try frameFile(input.lastFrameUpload, kept: input.lastFrameKept, field: "last_frame", uploads, saved: &saved)
            guard let first, let last else { return nil }
            var p = input.parameters
            let drawn = p.seed == nil
            if drawn { p.seed = VideoLimits.drawSeed() }
            let made = try store.create(NewTask(parameters: p, firstFrameFile: first, lastFrameFile: last, parentTaskID: input.remixOf,
                                                lineage: input.remixOf != nil ? .remix : nil, seedDrawn: drawn,
                                                submissionToken: input.submissionToken))
            if !made.isNew { saved.forEach(uploads.remove) }
            return made.task
        } catch {
            saved.forEach(uploads.remove)
            throw error
        }
    }

    /// `.some(name)` for a frame image, `.some(nil)` for none, nil when a kept image is gone.
    private func frameFile(_ upload: ValidatedImage?, kept: String?, field: String, _ uploads: UploadStore,
                           saved: inout [String]) throws -> String?? {
        if let upload {
            let name = try uploads.save(upload, verify: decodable(field, upload))
            saved.append(name)
            return .some(name)
        }
        guard let kept else { return .some(nil) }
        guard let name = uploads.adopt(kept) else { return nil }
        return .some(name)
    }

    private func decodable(_ field: String, _ image: ValidatedImage) -> (String) throws -> Void {
        { path in try ImageDecodeCheck.verify(path: path, field: field, filename: image.filename, timeout: min(20, context.config.toolTimeoutSeconds)) }
    }

    /// 422 with the form as sent. Images that passed their checks are held server-side and come
    /// back as thumbnails; an image kept before stays kept. A kept image that vanished is named.
    private func reject(_ request: RequestContext, form: FormData, errors: [FieldError]) throws -> Response {
        var errors = errors
        var view = NewTaskFormView(submitted: form, errors: [])
        let uploads = UploadStore(directory: context.config.uploadsDir)
        for role in ["first", "last"] {
            let field = "\(role)_frame"
            if errors.contains(where: { $0.field == field }) { continue }
            if let file = form.file(field), case .success(let image) = NewTaskForm.checkImage(file) {
                view.kept[field] = (try? uploads.hold(image)).map { ($0, file.filename) }
            } else if let kept = KeptUpload.parse(form["\(field)_keep"]) {
                if FileManager.default.fileExists(atPath: context.config.uploadsDir + "/" + kept) {
                    view.kept[field] = (kept, form["\(field)_keep_name"] ?? "")
                } else {
                    errors.append(FieldError(field: field, message: "The image chosen before is no longer kept; choose the file again."))
                }
            }
        }
        view.errors = errors
        return try renderHome(request, form: view, status: .unprocessableContent)
    }

    /// GET /tasks?before=ID: the history, newest first, 50 a page (keyset pagination).
    func list(_ request: RequestContext) throws -> Response {
        let before = request.queryItems["before"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
        let latest = try events.latestEventID()
        let rows = try store.list(before: before, limit: Self.pageSize + 1)
        let shown = Array(rows.prefix(Self.pageSize))
        var page: [String: Any] = [
            "tasks": shown.map(TaskViews.row),
            "has_tasks": !shown.isEmpty,
            "is_first_page": before == nil,
            "live_limit": String(Self.pageSize),
        ]
        if rows.count > Self.pageSize, let last = shown.last { page["older_url"] = "/tasks?before=\(last.id)" }
        if before != nil, let first = shown.first, try store.hasNewer(than: first.id) { page["newest_url"] = Route.taskList.path }
        return try pages.render("pages/tasks", title: "History", page, request: request, lastEventID: latest)
    }

    /// GET /tasks/{id}: every parameter, the live status, and the task's family.
    func show(_ request: RequestContext, id: Int64) throws -> Response {
        let latest = try events.latestEventID()
        guard let task = try store.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        let parent = try task.parentTaskID.flatMap { try store.find($0) }
        let children = try store.children(of: id)
        var detail = TaskViews.detail(task, now: Date().timeIntervalSince1970, children: children)
        detail["family"] = TaskViews.family(task, parent: parent, children: children)
        detail["submission_token"] = SubmissionToken.make()
        return try pages.render("pages/task", title: "Task \(id)", ["task": detail], request: request, lastEventID: latest)
    }

    private func renderHome(_ request: RequestContext, form: NewTaskFormView, status: HTTPStatus) throws -> Response {
        let latest = try events.latestEventID()
        let recent = try store.list(limit: Self.recentCount)
        var formContext = form.context
        formContext["uploads_private"] = !context.config.publicURLIsReachable
        formContext["public_url"] = context.config.publicURL
        formContext["submission_token"] = SubmissionToken.make()
        let page: [String: Any] = [
            "form": formContext,
            "tasks": recent.map(TaskViews.row),
            "has_tasks": !recent.isEmpty,
            "is_first_page": true,
            "live_limit": String(Self.recentCount),
        ]
        return try pages.render("pages/home", title: "New video", page, request: request, status: status, lastEventID: latest)
    }
}
