import Foundation
import ReeldeskDomain
import ReeldeskStore
import Templating
import WebCore

/// The task pages: the new-task form (home), creating a task, the history and one task.
package struct TaskHandlers {
    package let context: AppContext
    package let store: TaskStore
    package let pages: PageRenderer

    package static let pageSize = 50
    package static let recentCount = 10
    package static let noScriptRefreshSeconds = 5

    /// GET /: the form with defaults, and the latest tasks below it. `?remix=ID` prefills every
    /// parameter of task ID (uploaded frames included); `?seed_from=ID` prefills only its seed.
    package func home(_ request: RequestContext) throws -> Response {
        let q = try HomeQuery.parse(request.queryItems)
        var form = NewTaskFormView.defaults
        var isDefault = true
        let visible = store.visible(to: request.viewer)
        if let id = q.remix, let t = try visible.find(id) {
            form = NewTaskFormView(remixing: t)
            isDefault = false
        } else if let id = q.seedFrom, let t = try visible.find(id), let seed = t.parameters.seed {
            form.values["seed"] = String(seed)
            isDefault = false
        }
        return try renderHome(request, form: form, status: .ok, defaultFields: isDefault)
    }

    /// POST /tasks: validate; 422 with the form as sent (uploads kept), or store and 303 to the
    /// task. A second POST of the same rendered form answers with the first one's task.
    package func create(_ request: RequestContext) throws -> Response {
        let form = request.form
        switch try submit(form, request: request) {
        case .created(let made): return .redirect(to: Self.landing(made))
        case .repeated(let first): return .redirect(to: Self.landing([first] + (try store.children(of: first.id).filter { $0.lineage == .variation })))
        case .rejected(let errors, let status): return try reject(request, form: form, errors: errors, status: status)
        }
    }

    /// One task: its page; variations: all of them side by side.
    package static func landing(_ tasks: [TaskRecord]) -> String {
        guard tasks.count > 1 else { return Route.task(id: tasks[0].id).path }
        return Route.compare.path + "?ids=" + tasks.map { String($0.id) }.joined(separator: ",")
    }

    package enum SubmitOutcome {
        /// The form's task, then its variations (if it asked for more than one).
        case created([TaskRecord])
        /// The same rendered form (or the same API submission token) again: the first one's task.
        case repeated(TaskRecord)
        case rejected([FieldError], HTTPStatus)
    }

    /// The one path from a decoded, token-checked form to a stored task, for the page's form and
    /// the JSON API alike: the same rules, the same refusals.
    package func submit(_ form: FormData, request: RequestContext) throws -> SubmitOutcome {
        let token = SubmissionToken.key(form["submission_token"], for: request.viewer)
        if let token, let first = try store.taskForSubmission(token) {
            return .repeated(first)
        }
        // A token that is not one of ours would be dropped, and a client's retry would make a
        // second paid task: say so instead.
        let badToken = (form["submission_token"].map { !$0.isEmpty && SubmissionToken.parse($0) == nil } ?? false)
            ? [FieldError(field: "submission_token", message: "A submission token is 32 lowercase hexadecimal digits.")] : []
        var input: NewTaskForm
        switch NewTaskForm.validate(form) {
        case .failure(let errors): return .rejected(badToken + errors.errors, .unprocessableContent)
        case .success(let valid): input = valid
        }
        if !badToken.isEmpty { return .rejected(badToken, .unprocessableContent) }
        input.submissionToken = token
        let urlErrors = checkTypedURLs(input.parameters)
        if !urlErrors.isEmpty { return .rejected(urlErrors, .unprocessableContent) }
        // A remix must come from a task this person may see (the same rule as its page).
        if let parent = input.remixOf, try store.visible(to: request.viewer).find(parent) == nil {
            throw HTTPError(.notFound, "There is no task \(parent).")
        }
        let made: [TaskRecord]
        do {
            guard let stored = try store(input, request: request), !stored.isEmpty else { return .rejected([], .unprocessableContent) }
            made = stored
        } catch let f as ImageDecodeCheck.Failure {
            return .rejected([FieldError(field: f.field, message: ImageDecodeCheck.message(f))], .unprocessableContent)
        } catch let refusal as SpendRefusal {
            return .rejected([FieldError(field: "budget", message: refusal.message)], HTTPStatus(409))
        }
        context.hub.notify()
        context.wakePoller()
        context.logger.info("task created", metadata: ["rid": "\(request.requestID)", "task": "\(made[0].id)", "variations": "\(made.count)"])
        return .created(made)
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

    /// Saves (or adopts) the frames, then the rows (the task and its variations, all or none, in
    /// one transaction: a budget counts them all); if nothing new was stored (a repeated form) or
    /// it fails, the files saved here are removed again. Nil when a kept image has vanished.
    private func store(_ input: NewTaskForm, request: RequestContext) throws -> [TaskRecord]? {
        let uploads = UploadStore(directory: context.config.uploadsDir)
        var saved: [String] = []
        do {
            let keepFirst = try input.firstFrameKept.map { try mayKeep($0, request: request, remixOf: input.remixOf) } ?? true
            let keepLast = try input.lastFrameKept.map { try mayKeep($0, request: request, remixOf: input.remixOf) } ?? true
            let first = try frameFile(input.firstFrameUpload, kept: input.firstFrameKept, mayKeep: keepFirst, field: "first_frame", uploads, saved: &saved)
            let last = try frameFile(input.lastFrameUpload, kept: input.lastFrameKept, mayKeep: keepLast, field: "last_frame", uploads, saved: &saved)
            guard let first, let last else { return nil }
            let submitter = TaskSubmitter(config: context.config, store: store)
            let plans = Variations.plan(input.parameters, count: input.variations, vary: input.vary)
            var made: [TaskRecord] = []
            var isNew = true
            do {
                try store.db.writeTransaction {
                    for (i, planned) in plans.enumerated() {
                        var p = planned
                        let drawn = p.seed == nil
                        if drawn { p.seed = VideoLimits.drawSeed() }
                        let parent = i == 0 ? input.remixOf : made[0].id
                        let lineage: Lineage? = i == 0 ? (input.remixOf != nil ? .remix : nil) : .variation
                        let result = try submitter.submit(i == 0 && input.remixOf != nil ? .taskRemix : .taskSubmit,
                                                          by: request.viewer.account, as: request.actor, visibility: input.visibility) {
                            NewTask(parameters: p, firstFrameFile: first, lastFrameFile: last, parentTaskID: parent, lineage: lineage,
                                    seedDrawn: drawn, submissionToken: i == 0 ? input.submissionToken : nil)
                        }
                        if i == 0 && !result.isNew { isNew = false; made = [result.task]; return }
                        made.append(result.task)
                    }
                }
            } catch let refusal as SpendRefusal {
                // The refusal's audit row (TaskSubmitter) went with the rolled-back batch: record it here.
                try? AuditLog(db: store.db).record(.submitRefused, by: request.actor, detail: refusal.auditDetail)
                throw refusal
            }
            if !isNew { saved.forEach(uploads.remove) }
            return made
        } catch {
            saved.forEach(uploads.remove)
            throw error
        }
    }

    /// A kept image the sender may keep: a held upload of their own, or a frame of the task they
    /// remix (which they may see; checked before). Anything else is an image no longer kept.
    private func mayKeep(_ kept: String, request: RequestContext, remixOf: Int64?) throws -> Bool {
        if KeptUpload.isHeld(kept) { return context.heldNames.belongs(kept, to: request.viewer.id) }
        guard let remixOf, let parent = try store.visible(to: request.viewer).find(remixOf) else { return false }
        return parent.firstFrameFile == kept || parent.lastFrameFile == kept
    }

    /// `.some(name)` for a frame image, `.some(nil)` for none, nil when a kept image is gone (or
    /// was never the sender's to keep: the same answer, so a name reveals nothing).
    private func frameFile(_ upload: ValidatedImage?, kept: String?, mayKeep: Bool, field: String, _ uploads: UploadStore,
                           saved: inout [String]) throws -> String?? {
        if let upload {
            let name = try uploads.save(upload, verify: decodable(field, upload))
            saved.append(name)
            return .some(name)
        }
        guard let kept else { return .some(nil) }
        guard mayKeep, let name = uploads.adopt(kept) else { return nil }
        return .some(name)
    }

    private func decodable(_ field: String, _ image: ValidatedImage) -> (String) throws -> Void {
        { path in try ImageDecodeCheck.verify(path: path, field: field, filename: image.filename, timeout: min(20, context.config.toolTimeoutSeconds)) }
    }

    /// 422 with the form as sent. Images that passed their checks are held server-side and come
    /// back as thumbnails; an image kept before stays kept. A kept image that vanished is named.
    private func reject(_ request: RequestContext, form: FormData, errors: [FieldError], status: HTTPStatus = .unprocessableContent) throws -> Response {
        var errors = errors
        var view = NewTaskFormView(submitted: form, errors: [])
        let uploads = UploadStore(directory: context.config.uploadsDir)
        for role in ["first", "last"] {
            let field = "\(role)_frame"
            if errors.contains(where: { $0.field == field }) { continue }
            if let file = form.file(field), case .success(let image) = NewTaskForm.checkImage(file) {
                let name = { context.heldNames.make(for: request.viewer.id, ext: $0) }
                view.kept[field] = (try? uploads.hold(image, name: name)).map { ($0, file.filename) }
            } else if let kept = KeptUpload.parse(form["\(field)_keep"]) {
                let remixOf = form["remix_of"].flatMap { Int64($0) }
                if try mayKeep(kept, request: request, remixOf: remixOf),
                   FileManager.default.fileExists(atPath: context.config.uploadsDir + "/" + kept) {
                    view.kept[field] = (kept, form["\(field)_keep_name"] ?? "")
                } else {
                    errors.append(FieldError(field: field, message: "The image chosen before is no longer kept; choose the file again."))
                }
            }
        }
        view.errors = errors
        return try renderHome(request, form: view, status: status)
    }

    /// GET /tasks?q=…&status=…&before=ID (or after=ID): the history, newest first unless
    /// `sort=oldest`, 50 a page (keyset pagination), searched and filtered by what the URL says.
    package func list(_ request: RequestContext) throws -> Response {
        // A value that does not parse is named next to the form (400), and nothing is listed:
        // a list without the filter asked for would look like its answer.
        let (asked, problems) = HistoryQuery.read(request.queryItems, fromPage: true)
        let (before, after, filter) = (asked.before, asked.after, asked.filter)
        // The grid is the default; `view=list` is the table. The choice travels in every link.
        let list = asked.listView
        let latest = try store.latestEventID()
        let visible = store.visible(to: request.viewer)
        let history = problems.isEmpty ? try HistoryPage.load(visible, filter: filter, before: before, after: after, size: Self.pageSize)
                                       : .empty
        let shown = history.keys
        let query = [filter.query, list ? "view=list" : ""].filter { !$0.isEmpty }.joined(separator: "&")
        let base = Route.taskList.path + (query.isEmpty ? "" : "?" + query)
        let joiner = query.isEmpty ? "?" : "&"
        let fragments = list ? context.fragments.rows : context.fragments.cards
        let shownHTML = RenderedHTML(try fragments.rows(shown, views: context.views, load: visible.tasks))
        var filterForm = HistoryFilterView(filter, accounts: try AccountStore(db: store.db).list())
        if !problems.isEmpty { filterForm.active = true }  // the Clear link
        let page = HistoryPageView(
            cardsHTML: list ? nil : shownHTML, rowsHTML: list ? shownHTML : nil, grid: !list,
            gridURL: Route.taskList.path + (filter.isEmpty ? "" : "?" + filter.query),
            listURL: Route.taskList.path + "?" + [filter.query, "view=list"].filter { !$0.isEmpty }.joined(separator: "&"),
            hasTasks: !shown.isEmpty,
            isFirstPage: before == nil && after == nil && filter.isEmpty && problems.isEmpty,
            isFiltered: !filter.isEmpty, liveLimit: String(Self.pageSize), filter: filterForm,
            olderURL: history.olderBefore.map { base + joiner + "before=\($0)" },
            newerURL: history.newerAfter.map { base + joiner + "after=\($0)" },
            newestURL: before != nil || after != nil ? base : nil,
            oldestFirst: filter.oldestFirst,
            queryErrors: problems.map { .init(message: $0.sentence) })
        return try pages.render("pages/tasks", title: "History", page, request: request,
                                status: problems.isEmpty ? .ok : .badRequest, lastEventID: latest)
    }

    /// GET /tasks/{id}: every parameter, the live status, and the task's family.
    package func show(_ request: RequestContext, id: Int64) throws -> Response {
        let latest = try store.latestEventID()
        let visible = store.visible(to: request.viewer)
        guard let task = try visible.find(id) else { throw HTTPError(.notFound, "There is no task \(id).") }
        let parent = try task.parentTaskID.flatMap { try visible.find($0) }
        let children = try visible.children(of: id)
        let owner = try task.ownerID.flatMap { try AccountStore(db: store.db).find(id: $0) }?.displayName
        let detail = TaskDetailView(task, now: Date().timeIntervalSince1970, parent: parent, children: children,
                                    submissionToken: SubmissionToken.make(), canCreate: request.viewer.role >= .member,
                                    canManage: request.viewer.canManage(task),
                                    isFavourite: try Favourites(db: store.db).contains(user: request.viewer.id, task: id), owner: owner)
        // Without JavaScript there are no live updates: the page reloads itself while the task runs.
        let page = TaskPageView(task: TaskRowView(task), detail: detail,
                                refreshSeconds: task.status.isTerminal ? nil : String(Self.noScriptRefreshSeconds))
        return try pages.render("pages/task", title: "Task \(id)", page, request: request, lastEventID: latest)
    }

    /// `defaultFields`: the form is the untouched default, whose fields are the same for every
    /// person (per-request tokens, visibility and spend sit outside them): rendered once, reused.
    private func renderHome(_ request: RequestContext, form: NewTaskFormView, status: HTTPStatus, defaultFields: Bool = false) throws -> Response {
        let latest = try store.latestEventID()
        let visible = store.visible(to: request.viewer)
        let recent = try visible.keys(limit: Self.recentCount)
        // The fields as sent (or their defaults); a kept upload is shown through a short-lived
        // signed link (uploads are not public). Uploads are private only with a real key: the
        // simulator fetches the portal's own links.
        func fields() -> NewTaskFormFields {
            let expires = Int64(Date().timeIntervalSince1970 + UploadStore.holdSeconds)
            return form.fields(keptURL: { context.uploadLinks.path(for: $0, expires: expires) },
                               uploadsPrivate: !context.config.isSimulated && !context.config.publicURLIsReachable,
                               publicURL: context.config.publicURL)
        }
        let canSubmit = request.viewer.role >= .member
        var formView: TaskFormView?
        if canSubmit {
            // The default fields are the same for everyone: rendered once, and not even built again.
            let cached = defaultFields ? RenderedHTML(try context.defaultFormFields.value { try context.views.render("partials/task_form_fields", fields()) }) : nil
            let settings = try TeamSettings.load(store.db, config: context.config)
            let visibility = form.values["visibility"].flatMap { $0.isEmpty ? nil : $0 } ?? settings.defaultVisibility.rawValue
            var spend: TaskFormView.Spend?
            if let account = request.viewer.account {
                spend = .init(month: Formatting.usd(try Spending(db: store.db).spent(owner: account.id)),
                              budget: account.monthlyBudgetUSD.map(Formatting.usd),
                              rateAudio: String(settings.ratePerMillionWithAudio), rateSilent: String(settings.ratePerMillionSilent),
                              pixels: Resolution.pixelTableJSON)
            }
            formView = TaskFormView(
                fieldsHTML: cached, fields: cached == nil ? fields() : nil, errors: cached == nil ? FieldErrorsView(form.errors) : nil,
                submissionToken: SubmissionToken.make(),
                visibilityOptions: Visibility.allCases.map {
                    OptionView(value: $0.rawValue, label: $0 == .team ? "Team (everyone signed in)" : "Private (only me and admins)", selected: $0.rawValue == visibility)
                },
                spend: spend)
        }
        let page = HomePageView(
            title: canSubmit ? "New video" : "Team videos", canSubmit: canSubmit, form: formView,
            rowsHTML: RenderedHTML(try context.fragments.rows.rows(recent, views: context.views, load: visible.tasks)),
            hasTasks: !recent.isEmpty, liveLimit: String(Self.recentCount), canCompare: !recent.isEmpty)
        return try pages.render("pages/home", title: page.title, page, request: request, status: status, lastEventID: latest)
    }
}
