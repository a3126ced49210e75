import Foundation
import ReeldeskDomain
import ReeldeskStore
import WebCore

/// What people do to an existing task: Regenerate, Retry (a new attempt), Cancel, Delete,
/// change who can see it. Each action form carries the CSRF token and a one-time submission
/// token, so a double click or a reload never does it twice. Regenerate and Retry need only to
/// see the task (they start the viewer's own task, within their budget); Cancel, Delete and
/// visibility need its owner or an admin. A task someone may not see is 404 throughout.
package struct TaskActions {
    package let context: AppContext
    package let store: TaskStore
    package let pages: PageRenderer

    /// POST /tasks/{id}/regenerate: the same parameters as a new task, linked to it. A seed
    /// Reeldesk drew is drawn again (a regeneration should differ); a chosen one is kept.
    package func regenerate(_ request: RequestContext, id: Int64) throws -> Response {
        let token = try actionForm(request)
        if let token, let existing = try store.taskForSubmission(token) { return .redirect(to: Route.task(id: existing.id).path) }
        let t = try visibleTask(id, request)
        var p = t.parameters
        if t.seedDrawn { p.seed = VideoLimits.drawSeed() }
        let made = try submit(.taskRegenerate, request, visibility: t.visibility) {
            NewTask(parameters: p, firstFrameFile: t.firstFrameFile, lastFrameFile: t.lastFrameFile,
                    parentTaskID: id, lineage: .regenerate, seedDrawn: t.seedDrawn, submissionToken: token)
        }
        if made.isNew { announce() }
        return .redirect(to: Route.task(id: made.task.id).path)
    }

    /// POST /tasks/{id}/retry: a new attempt linked to the failed one, which keeps its error.
    package func retry(_ request: RequestContext, id: Int64) throws -> Response {
        let token = try actionForm(request)
        do {
            if let token, let existing = try store.taskForSubmission(token) { return .redirect(to: Route.task(id: existing.id).path) }
            let t = try visibleTask(id, request)
            let made = try submit(.taskRetry, request, visibility: t.visibility) { try store.retryPlan(t, submissionToken: token) }
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
    package func cancel(_ request: RequestContext, id: Int64) throws -> Response {
        _ = try actionForm(request)
        try managedTask(id, request)
        do {
            try store.db.writeTransaction {
                _ = try store.cancel(id)
                try AuditLog(db: store.db).record(.taskCancel, by: request.actor, taskID: id)
            }
            announce()
        } catch TaskStore.ActionRefusal.notFound {
            throw HTTPError(.notFound, "There is no task \(id).")
        } catch TaskStore.ActionRefusal.notAllowed {
            // Already over (it finished, or another tab cancelled it): show where it stands.
        }
        return .redirect(to: Route.task(id: id).path)
    }

    /// GET /tasks/{id}/delete: asks first (the page's script asks in place).
    package func confirmDelete(_ request: RequestContext, id: Int64) throws -> Response {
        let t = try managedTask(id, request)
        guard t.status.isTerminal else { throw HTTPError(HTTPStatus(409), "Task \(id) is still running; cancel it before deleting it.") }
        let page = DeletePageView(task: TaskRowView(t), deleteURL: Route.deleteTask(id: id).path, taskURL: Route.task(id: id).path,
                                  submissionToken: SubmissionToken.make())
        return try pages.render("pages/delete", title: "Delete task \(id)", page, request: request)
    }

    /// POST /tasks/{id}/delete: removes the row, its events, its video, poster and uploads.
    package func delete(_ request: RequestContext, id: Int64) throws -> Response {
        _ = try actionForm(request)
        let removed: TaskRecord
        do {
            guard try store.visible(to: request.viewer).find(id) != nil else { throw TaskStore.ActionRefusal.notFound }
            try managedTask(id, request)
            removed = try store.db.writeTransaction {
                let t = try store.delete(id)
                try AuditLog(db: store.db).record(.taskDelete, by: request.actor, taskID: id, paramsHash: t.parameters.fingerprint)
                return t
            }
        } catch TaskStore.ActionRefusal.notFound {
            // Gone already, or never visible to this person: the same answer for both.
            throw HTTPError(.notFound, "There is no task \(id).")
        } catch TaskStore.ActionRefusal.notAllowed {
            throw HTTPError(HTTPStatus(409), "Task \(id) is still running; cancel it before deleting it.")
        }
        removeFiles(of: removed)
        announce()
        context.logger.info("task deleted", metadata: ["rid": "\(request.requestID)", "task": "\(id)"])
        return Response.redirect(to: Route.taskList.path).with(.taskDeleted(id), secure: context.config.isHTTPS)
    }

    /// POST /tasks/{id}/visibility: `visibility=private|team`, by the owner or an admin.
    package func setVisibility(_ request: RequestContext, id: Int64) throws -> Response {
        let form = request.form
        guard let visibility = form["visibility"].flatMap(Visibility.init(rawValue:)) else {
            throw HTTPError(.badRequest, "Visibility must be private or team.")
        }
        let t = try managedTask(id, request)
        if t.visibility != visibility {
            try store.db.writeTransaction {
                let updated = try store.update(id) { $0.visibility = visibility }
                // Open pages of people who may no longer see it drop it (see TaskEventFeed).
                if visibility == .private, let updated { try store.appendEvent(kind: TaskEvent.hidden, task: updated, now: Date().timeIntervalSince1970) }
                try AuditLog(db: store.db).record(.taskVisibility, by: request.actor, taskID: id,
                                                  detail: ["from": t.visibility.rawValue, "to": visibility.rawValue])
            }
            context.hub.notify()
        }
        return .redirect(to: Route.task(id: id).path)
    }

    /// POST /tasks/{id}/favourite: stars (`on=1`) or unstars a task for the viewer alone.
    package func setFavourite(_ request: RequestContext, id: Int64) throws -> Response {
        let form = request.form
        let t = try visibleTask(id, request)
        try Favourites(db: store.db).set(user: request.viewer.id, task: t.id, on: form["on"] == "1")
        return .redirect(to: Route.task(id: id).path)
    }

    /// POST /tasks/{id}/tags: anyone who may submit and may see the task labels it for the team.
    package func setTags(_ request: RequestContext, id: Int64) throws -> Response {
        let form = request.form
        let t = try visibleTask(id, request)
        let tags = TaskTags.parse(form["tags"] ?? "")
        if tags != t.tags {
            try store.db.writeTransaction {
                try store.update(id) { $0.tags = tags }
                try AuditLog(db: store.db).record(.taskTags, by: request.actor, taskID: id,
                                                  detail: ["from": t.tags.joined(separator: ","), "to": tags.joined(separator: ",")])
            }
            context.hub.notify()
        }
        return .redirect(to: Route.task(id: id).path)
    }

    /// The task if this viewer may see it; 404 otherwise (as if it did not exist).
    private func visibleTask(_ id: Int64, _ request: RequestContext) throws -> TaskRecord {
        guard let t = try store.visible(to: request.viewer).find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        return t
    }

    /// The task if this viewer may change it: 404 when they may not see it, 403 when they may
    /// see but not change it.
    @discardableResult
    private func managedTask(_ id: Int64, _ request: RequestContext) throws -> TaskRecord {
        let t = try visibleTask(id, request)
        guard request.viewer.canManage(t) else { throw HTTPError(.forbidden, "Only the task's owner or an admin can do this.") }
        return t
    }

    private func submit(_ action: AuditAction, _ request: RequestContext, visibility: Visibility,
                        plan: () throws -> NewTask) throws -> (task: TaskRecord, isNew: Bool) {
        do {
            return try TaskSubmitter(config: context.config, store: store)
                .submit(action, by: request.viewer.account, as: request.actor, visibility: visibility, plan: plan)
        } catch let refusal as SpendRefusal {
            throw HTTPError(HTTPStatus(409), refusal.message)
        }
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
        let form = request.form
        return SubmissionToken.key(form["submission_token"], for: request.viewer)
    }

    private func announce() {
        context.hub.notify()
        context.wakePoller()
    }
}
