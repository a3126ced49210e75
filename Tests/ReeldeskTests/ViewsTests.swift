@testable import FastCGI
import Foundation
import Logging
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
@testable import ReeldeskWeb
import Templating
import Testing
import WebCore

/// Renders every view with fixture data through the real templates and checks its key text.
@Suite struct ViewsTests {
    let views: Views

    init() throws { views = try Views.load(directory: Fixtures.templatesDir) }

    func task(_ status: TaskStatus = .processing) throws -> TaskRecord {
        let db = try Fixtures.migratedDatabase()
        var t = try TaskStore(db: db).create(NewTask(parameters: Fixtures.parameters)).task
        t.status = status
        t.progress = 37
        t.errorMessage = status == .failed ? "Content <flagged>" : nil
        return t
    }

    func rows(_ tasks: [TaskRecord]) throws -> String {
        try RowFragmentCache().rows(tasks.map { ($0.id, $0.version) }, views: views) { _ in tasks }
    }

    /// A cached row is used only while its task's version is the same.
    @Test func aCachedRowIsReplacedWhenItsTaskChanges() throws {
        let cache = RowFragmentCache(capacity: 3)
        var t = try task(.processing)
        var loads = 0
        let load: ([Int64]) throws -> [TaskRecord] = { _ in loads += 1; return [t] }
        let first = try cache.rows([(t.id, t.version)], views: views, load: load)
        #expect(first.contains("Processing") && loads == 1)
        #expect(try cache.rows([(t.id, t.version)], views: views, load: load) == first && loads == 1, "served from the cache")
        t.status = .completed
        t.version += 1
        let second = try cache.rows([(t.id, t.version)], views: views, load: load)
        #expect(second.contains("Completed") && !second.contains("Processing") && loads == 2, "a new version renders anew")
        for id in 100..<110 { cache.store([(Int64(id), 1, "x")]) }
        #expect(cache.count <= 3, "the cache stays within its bound")
    }

    let layout = LayoutView(pageTitle: "T", csrfToken: "tok123", simulated: true, requestID: "rid9", lastEventID: "5", viewerID: "1",
                            viewer: .init(displayName: "Ada", role: "member", isAdmin: false, canSubmit: true, canSignOut: true),
                            alerts: [], flash: nil)

    func page(_ name: String, _ model: some Encodable) throws -> String { try views.render(name, model, layout: layout) }

    func fields(_ form: NewTaskFormView) -> NewTaskFormFields { form.fields(keptURL: { "/uploads/" + $0 }, uploadsPrivate: false, publicURL: "") }

    func home(_ form: NewTaskFormView, rows: String = "", cachedFields: Bool = false) throws -> String {
        let formView = TaskFormView(
            fieldsHTML: cachedFields ? RenderedHTML(try views.render("partials/task_form_fields", fields(form))) : nil,
            fields: cachedFields ? nil : fields(form), errors: cachedFields ? nil : FieldErrorsView(form.errors), submissionToken: "sub1",
            visibilityOptions: [OptionView(value: "team", label: "Team", selected: true)], spend: nil)
        return try page("pages/home", HomePageView(title: "New video", canSubmit: true, form: formView, rowsHTML: RenderedHTML(rows),
                                                   hasTasks: !rows.isEmpty, liveLimit: "10", canCompare: !rows.isEmpty))
    }

    /// The default form's fields, rendered once and spliced, give exactly the page rendered whole.
    @Test func theCachedDefaultFieldsRenderTheSamePage() throws {
        let whole = try home(NewTaskFormView.defaults)
        #expect(try home(NewTaskFormView.defaults, cachedFields: true) == whole)
        #expect(whole.contains("name=\"prompt\"") && whole.contains("name=\"first_frame\""))
    }

    @Test func homeRendersTheFormWithDefaults() throws {
        let html = try home(NewTaskFormView.defaults, rows: try rows([task()]))
        #expect(html.contains("name=\"csrf_token\" value=\"tok123\""))
        #expect(html.contains("<option value=\"720p\" selected>"))
        #expect(html.contains("value=\"16:9\" checked"))
        #expect(html.contains("a red fox &lt;running&gt; through snow"))
        #expect(html.contains("Simulated upstream"))
        #expect(html.contains("data-last-event-id=\"5\""))
    }

    @Test func rejectedFormShowsErrorsNextToFields() throws {
        var f = FormData()
        f.append("prompt", "<b>bold</b>")
        f.append("duration", "13")
        let html = try home(NewTaskFormView(submitted: f, errors: [FieldError(field: "duration", message: "Duration must be 4 to 12.")]))
        #expect(html.contains("Duration must be 4 to 12."))
        #expect(html.contains("aria-describedby=\"duration-error\""))
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt;</textarea>"))
        #expect(html.contains("Please fix 1 problem(s)"))
        #expect(html.contains("No tasks yet"))
    }

    @Test func historyRendersRowsAndPager() throws {
        let view = HistoryPageView(cardsHTML: nil, rowsHTML: RenderedHTML(try rows([task()])), grid: false, gridURL: "/tasks", listURL: "/tasks?view=list",
                                   hasTasks: true, isFirstPage: false, isFiltered: false, liveLimit: "50",
                                   filter: HistoryFilterView(TaskFilter(), accounts: []), olderURL: "/tasks?before=3", newerURL: nil, newestURL: nil,
                                   oldestFirst: false, queryErrors: [])
        let html = try page("pages/tasks", view)
        #expect(html.contains("<tr data-task-id=\"1\">"))
        #expect(html.contains("href=\"/tasks?before=3\""))
        #expect(html.contains("9:16 · 720p · 6&nbsp;s"))
        #expect(!html.contains("data-field=\"family-filter\""), "no family notice without a family filter")
    }

    func taskPage(_ t: TaskRecord, canManage: Bool) throws -> String {
        let detail = TaskDetailView(t, now: 0, parent: nil, children: [], submissionToken: "s", canCreate: canManage, canManage: canManage,
                                    isFavourite: false, owner: nil)
        return try page("pages/task", TaskPageView(task: TaskRowView(t), detail: detail, refreshSeconds: nil))
    }

    @Test func taskPageShowsEveryParameter() throws {
        let html = try taskPage(try task(.failed), canManage: false)
        for text in ["Task 1", "720×1280", "42", "Failed", "Content &lt;flagged&gt;", "$0.", "doubao-seedance-1-5-pro", "value=\"37\""] {
            #expect(html.contains(text), "\(text)")
        }
    }

    @Test func completedTaskShowsThePlayerAndActions() throws {
        var t = try task(.completed)
        t.video = ArchivedVideo(file: "1/video.mp4", poster: "1/poster.jpg", width: 720, height: 1280, seconds: 6, fps: 24, hasAudio: true, bytes: 1_048_576)
        let html = try taskPage(t, canManage: true)
        let viewers = try taskPage(t, canManage: false)
        #expect(!viewers.contains("/tasks/1/regenerate") && !viewers.contains("/tasks/1/delete") && !viewers.contains("/tasks/1/visibility"),
                "a viewer's page offers no action")
        #expect(html.contains("action=\"/tasks/1/visibility\""))
        #expect(html.contains("<video controls preload=\"metadata\" playsinline src=\"/tasks/1/video\" poster=\"/tasks/1/poster\""))
        #expect(html.contains("720×1280 · 6.0 s · 24 fps · with audio · 1.0 MB"))
        #expect(html.contains("href=\"/tasks/1/video?download=1\" download"))
        #expect(html.contains("action=\"/tasks/1/regenerate\"") && html.contains("href=\"/?remix=1\"") && html.contains("Reuse seed 42"))
        #expect(html.contains("action=\"/tasks/1/retry\" data-once data-action=\"retry\" hidden"), "a completed task is not retryable (hidden until it is)")
        #expect(html.contains("action=\"/tasks/1/delete\" data-once data-action=\"delete\"") && !html.contains("data-action=\"delete\" data-confirm=\"Delete task 1, its video and its uploaded images? This cannot be undone.\" hidden"))
        #expect(html.contains("data-action=\"cancel\" hidden"), "a completed task cannot be cancelled")
    }

    @Test func errorPageForEveryStatus() throws {
        for code in [400, 403, 404, 405, 413, 422, 500, 503] {
            let status = HTTPStatus(code)
            let html = try page("pages/error", ErrorPageView(status: String(code), reason: status.reason, message: "m<", hint: ErrorPages.hint(for: status)))
            #expect(html.contains("<span class=\"code\">\(code)</span> \(status.reason)"))
            #expect(html.contains("m&lt;"))
            #expect(html.contains("request rid9"))
        }
    }

    @Test func theOpenAPIDocumentRendersAsJSONNamingEveryAPIPath() throws {
        let text = try views.render("api/openapi.json")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let paths = try #require(doc["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/api/tasks", "/api/tasks/{id}", "/api/openapi.json"])
        #expect((doc["openapi"] as? String)?.hasPrefix("3.") == true)
    }

    @Test func unknownTemplateThrows() {
        #expect(throws: Views.MissingTemplate.self) { try views.render("pages/nope") }
    }

    @Test func everyTemplateEscapesAllButOurOwnFragments() throws {
        let root = Fixtures.templatesDir
        for case let path as String in FileManager.default.enumerator(atPath: root)! where path.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            #expect(text.hasPrefix("{{% CONTENT_TYPE: HTML }}"), "\(path)")
            // The exceptions: fragments rendered (and escaped) by our own partials, spliced in.
            let unescaped = text.replacingOccurrences(of: "{{{rows_html}}}", with: "").replacingOccurrences(of: "{{{fields_html}}}", with: "")
                .replacingOccurrences(of: "{{{cards_html}}}", with: "")
            #expect(!unescaped.contains("{{{"), "\(path) uses unescaped output")
            if text.contains("{{{rows_html}}}") { #expect(path == "partials/task_table.mustache") }
            if text.contains("{{{fields_html}}}") { #expect(path == "partials/task_form.mustache") }
            if text.contains("{{{cards_html}}}") { #expect(path == "partials/task_grid.mustache") }
        }
    }

    @Test func brokenTemplateNamesFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "tpl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/pages", withIntermediateDirectories: true)
        try "line one\nline two {{#open}}\n".write(toFile: dir + "/pages/bad.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try Views.load(directory: dir)
            Issue.record("expected a load error")
        } catch let e as Views.LoadError {
            #expect(e.file == "pages/bad.mustache")
            #expect(e.line >= 2)
        }
    }
}
