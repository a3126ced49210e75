import Foundation
import WebCore

/// What people do to an existing task: Regenerate, Retry (a new attempt), Cancel, Delete.
/// Each action form carries the CSRF token and a one-time submission token, so a double click
/// or a reload never does it twice.
struct TaskActions {
    let context: AppContext
    let store: TaskStore
    let pages: PageRenderer

    /// POST /tasks/{id}/regenerate: the same parameters as a new task, linked to it. A seed
    /// Reeldesk drew is drawn again (a regeneration should differ); a chosen one is kept.
    func regenerate(_ request: RequestContext, id: Int64) throws -> Response {
        let token = try actionForm(request)
        if let token, let existing = try store.taskForSubmission(token) { return .redirect(to: Route.task(id: existing.id).path) }
        guard let t = try store.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        var p = t.parameters
        if t.seedDrawn { p.seed = VideoLimits.drawSeed() }
        let made = try store.create(NewTask(parameters: p, firstFrameFile: t.firstFrameFile, lastFrameFile: t.lastFrameFile,
                                            parentTaskID: id, lineage: .regenerate, seedDrawn: t.seedDrawn, submissionToken: token))
        announce()
        return .redirect(to: Route.task(id: made.task.id).path)
    }

    /// POST /tasks/{id}/retry: a new attempt linked to the failed one, which keeps its error.
    func retry(_ request: RequestContext, id: Int64) throws -> Response {
        let token = try actionForm(request)
        do {
            let made = try store.retry(id, submissionToken: token)
            if made.isNew { announce() }
            return .redirect(to: Route.task(id: made.task.id).path)
        } catch let refusal as TaskStore.ActionRefusal {
            switch refusal {
            case .alreadyRetried(let newer): return .redirect(to: Route.task(id: newer).path)
            case .notFound: throw HTTPError(.notFound, "There is no task \(id).")
            case .notAllowed(let status):
                throw HTTPError(HTTPStatus(409), "Task \(id) is \(status.label.lowercased()); only failed, timed-out or expired tasks can be retried.")
            }
        }
    }

    /// POST /tasks/{id}/cancel: Reeldesk stops submitting and polling it.
    func cancel(_ request: RequestContext, id: Int64) throws -> Response {
        _ = try actionForm(request)
        do {
            _ = try store.cancel(id)
            announce()
        } catch TaskStore.ActionRefusal.notFound {
            throw HTTPError(.notFound, "There is no task \(id).")
        } catch TaskStore.ActionRefusal.notAllowed {
            // Already over (it finished, or another tab cancelled it): show where it stands.
        }
        return .redirect(to: Route.task(id: id).path)
    }

    /// GET /tasks/{id}/delete: asks first (the page's script asks in place).
    func confirmDelete(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        guard t.status.isTerminal else { throw HTTPError(HTTPStatus(409), "Task \(id) is still running; cancel it before deleting it.") }
        let page: [String: Any] = ["task": TaskViews.row(t), "delete_url": Route.deleteTask(id: id).path, "task_url": Route.task(id: id).path,
                                   "submission_token": SubmissionToken.make()]
        return try pages.render("pages/delete", title: "Delete task \(id)", page, request: request)
    }

    /// POST /tasks/{id}/delete: removes the row, its events, its video, poster and uploads.
    func delete(_ request: RequestContext, id: Int64) throws -> Response {
        _ = try actionForm(request)
        let removed: TaskRecord
        do {
            removed = try store.delete(id)
        } catch TaskStore.ActionRefusal.notFound {
            return .redirect(to: Route.taskList.path)  // already gone (a second click)
        } catch TaskStore.ActionRefusal.notAllowed {
            throw HTTPError(HTTPStatus(409), "Task \(id) is still running; cancel it before deleting it.")
        }
        removeFiles(of: removed)
        announce()
        context.logger.info("task deleted", metadata: ["rid": "\(request.requestID)", "task": "\(id)"])
        return .redirect(to: Route.taskList.path)
    }

    /// The archive dir and the uploads no other task uses.
    private func removeFiles(of t: TaskRecord) {
        try? FileManager.default.removeItem(atPath: context.config.mediaDir + "/" + String(t.id))
        let uploads = UploadStore(directory: context.config.uploadsDir)
        for name in [t.firstFrameFile, t.lastFrameFile].compactMap({ $0 }) where (try? store.uploadIsUsed(name)) == false {
            uploads.remove(name)
        }
    }

    /// Action forms carry the CSRF token and a submission token; returns the latter.
    private func actionForm(_ request: RequestContext) throws -> String? {
        let form = try FormBody.decode(request.request, limits: FormLimits(maxFields: 8, maxFieldBytes: 1024, maxFileBytes: 0, maxParts: 8))
        try context.csrf.require(request: request.request, form: form)
        return SubmissionToken.parse(form["submission_token"])
    }

    private func announce() {
        context.hub.notify()
        context.wakePoller()
    }
}
