import Foundation
import ReeldeskDomain
import ReeldeskStore
import ReeldeskWeb
import Testing
import WebCore

/// Every route × every role, through the real `App` against a real SQLite file (no socket, no
/// nginx). The expectations are written out here, apart from `Route.access`, so a rule changed
/// by mistake in one place fails here; a route added without a row here does not compile (the
/// switch in `spec`), and one left out of `samples` fails `everyRouteIsSampled`.
@Suite struct RouteAccessTests {
    /// Who may use a route.
    enum Rule { case open, signedIn, member, admin }
    /// What the route acts on: the member's private task (the viewer and the other member get
    /// 404, like no task), or the viewer's own API token (everyone else gets 404).
    enum Object { case none, privateTask, viewersToken }

    struct Spec {
        let method: HTTPMethod
        let rule: Rule
        /// A page redirects nobody to the sign-in form; anything else answers 401.
        let page: Bool
        var object: Object = .none
    }

    static func spec(_ r: Route) -> Spec {
        switch r {
        case .health, .loginForm, .apiDescription: Spec(method: .get, rule: .open, page: false)
        case .login: Spec(method: .post, rule: .open, page: false)
        case .upload: Spec(method: .get, rule: .open, page: false)
        case .home, .taskList, .account: Spec(method: .get, rule: .signedIn, page: true)
        case .apiTaskList, .events: Spec(method: .get, rule: .signedIn, page: false)
        case .apiTask, .taskVideo, .taskPoster, .taskThumbnail, .taskFrame, .bulkDownload:
            Spec(method: .get, rule: .signedIn, page: false, object: .privateTask)
        case .task, .confirmDelete, .compare: Spec(method: .get, rule: .signedIn, page: true, object: .privateTask)
        case .createToken, .logout: Spec(method: .post, rule: .signedIn, page: false)
        case .revokeToken: Spec(method: .post, rule: .signedIn, page: false, object: .viewersToken)
        case .setFavourite: Spec(method: .post, rule: .signedIn, page: false, object: .privateTask)
        case .apiCreateTask, .createTask: Spec(method: .post, rule: .member, page: false)
        case .regenerate, .retry, .cancel, .deleteTask, .setVisibility, .setTags:
            Spec(method: .post, rule: .member, page: false, object: .privateTask)
        case .admin, .adminUsers, .audit: Spec(method: .get, rule: .admin, page: true)
        case .auditCSV: Spec(method: .get, rule: .admin, page: false)
        case .addUser, .updateUser, .saveSettings: Spec(method: .post, rule: .admin, page: false)
        }
    }

    struct Sample {
        let route: Route
        var query = ""
        /// A valid form for the route, so a refusal is the rule's and not the input's.
        var form: [String: String] = [:]
        init(_ route: Route, query: String = "", form: [String: String] = [:]) {
            self.route = route
            self.query = query
            self.form = form
        }
    }

    /// One of every route, with the ids of `portal`'s fixtures: `task` is the member's private
    /// task, `teamTask` the member's team task.
    static func samples(task: Int64, teamTask: Int64, portal: InProcessPortal) -> [Sample] {
        let upload = InProcessPortal.uploadName
        let link = portal.app.context.uploadLinks.path(for: upload, expires: Int64(Date().timeIntervalSince1970) + 600)
        let viewer = portal.accounts[.viewer]?.id ?? 0
        return [
            Sample(.home), Sample(.taskList), Sample(.compare, query: "ids=\(task),\(teamTask)"),
            Sample(.bulkDownload, query: "ids=\(task),\(teamTask)"), Sample(.apiTaskList), Sample(.apiTask(id: task)),
            Sample(.apiCreateTask, form: ["prompt": "a fox"]), Sample(.apiDescription), Sample(.account),
            Sample(.createToken, form: ["name": "ci"]), Sample(.revokeToken(id: portal.apiTokenIDs[.viewer] ?? 0)),
            Sample(.createTask, form: ["prompt": "a fox", "duration": "5", "ratio": "16:9", "resolution": "480p"]),
            Sample(.task(id: task)), Sample(.taskVideo(id: task)), Sample(.taskThumbnail(id: task)), Sample(.taskPoster(id: task)),
            Sample(.regenerate(id: task)), Sample(.retry(id: task)), Sample(.cancel(id: task)), Sample(.deleteTask(id: task)),
            Sample(.confirmDelete(id: task)), Sample(.events), Sample(.health), Sample(.taskFrame(id: task, which: .first)),
            Sample(.setVisibility(id: task), form: ["visibility": "team"]), Sample(.setFavourite(id: task), form: ["on": "1"]),
            Sample(.setTags(id: task), form: ["tags": "dusk"]),
            Sample(.upload(name: upload), query: String(link.split(separator: "?")[1])),
            Sample(.loginForm), Sample(.login, form: ["name": "member", "password": InProcessPortal.password]), Sample(.logout),
            Sample(.admin), Sample(.adminUsers), Sample(.addUser, form: ["name": "newcomer", "role": "viewer"]),
            Sample(.updateUser(id: viewer), form: ["action": "role", "role": "member"]),
            Sample(.saveSettings, form: ["default_visibility": "team"]), Sample(.audit), Sample(.auditCSV),
        ]
    }

    static func caseName(_ r: Route) -> String { String(String(describing: r).prefix { $0 != "(" }) }

    @Test func everyRouteIsSampled() throws {
        let portal = try InProcessPortal()
        let sampled = Set(Self.samples(task: 1, teamTask: 2, portal: portal).map { Self.caseName($0.route) })
        // The cases `Route` declares, read from its source: a new one must be sampled too.
        let source = try String(contentsOfFile: Fixtures.repoRoot + "/Sources/ReeldeskWeb/Web/Route.swift", encoding: .utf8)
        let body = source.components(separatedBy: "public enum Route:")[1].components(separatedBy: "\n}\n")[0]
        let declared = Set(body.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("case ") else { return nil }
            return String(t.dropFirst(5).prefix { $0.isLetter || $0.isNumber })
        })
        #expect(declared.count > 30)
        #expect(sampled == declared, "not sampled: \(declared.subtracting(sampled).sorted())")
        // A route that takes a POST reads a body that proves where it came from.
        for sample in Self.samples(task: 1, teamTask: 2, portal: portal) where Self.spec(sample.route).method == .post {
            if case .none = sample.route.declaration.body { Issue.record("POST \(sample.route.path) declares no form or API body") }
        }
    }

    @Test(arguments: InProcessPortal.Who.allCases)
    func everyRouteAnswersEachRoleAsItsRuleSays(_ who: InProcessPortal.Who) throws {
        let count = try Self.samples(task: 1, teamTask: 2, portal: InProcessPortal()).count
        for index in 0..<count {
            // A portal of its own per request: a deletion or a new task must not change the next cell.
            let portal = try InProcessPortal()
            let task = try portal.completedTask(of: .member, visibility: .private)
            let teamTask = try portal.completedTask(of: .member, visibility: .team)
            let sample = Self.samples(task: task.id, teamTask: teamTask.id, portal: portal)[index]
            let route = sample.route
            if route == .login { try portal.setPassword(for: .member) }
            let spec = Self.spec(route)
            let response = portal.send(spec.method, route.path, query: sample.query, as: who, form: sample.form)
            let status = response.status.code
            let cell = "\(spec.method) \(route.path) as \(who): \(status) \(response.location ?? "")"
            #expect(status != 500, "\(cell)")
            if !Self.passes(spec.rule, who) {
                if who == .anonymous {
                    if spec.page {
                        #expect(status == 303 && (response.location ?? "").hasPrefix("/login"), "\(cell)")
                    } else {
                        #expect(status == 401, "\(cell)")
                    }
                } else {
                    #expect(status == 403, "\(cell)")
                }
            } else if spec.object == .privateTask && (who == .viewer || who == .otherMember) {
                #expect(status == 404, "someone else's private task must answer like none: \(cell)")
            } else if spec.object == .viewersToken && who != .viewer {
                #expect(status == 404, "someone else's token must answer like none: \(cell)")
            } else {
                // Signing out lands on the sign-in form; any other way there is a refusal.
                let toLogin = route != .logout && (response.location ?? "").hasPrefix("/login")
                #expect(![401, 403, 404].contains(status) && !toLogin, "\(cell)")
            }
        }
    }

    @Test func everyBrowserPostWithoutTheFormTokenIsRefused() throws {
        let portal = try InProcessPortal()
        let task = try portal.completedTask(of: .member, visibility: .private)
        let teamTask = try portal.completedTask(of: .member, visibility: .team)
        for sample in Self.samples(task: task.id, teamTask: teamTask.id, portal: portal) where Self.spec(sample.route).method == .post {
            let route = sample.route
            guard !route.path.hasPrefix("/api/") else { continue }
            let response = portal.send(.post, route.path, query: sample.query, as: .admin, form: sample.form, csrf: false)
            #expect(response.status.code == 403, "POST \(route.path) without a form token: \(response.status.code)")
        }
    }

    static func passes(_ rule: Rule, _ who: InProcessPortal.Who) -> Bool {
        switch rule {
        case .open: true
        case .signedIn: who != .anonymous
        case .member: who == .member || who == .otherMember || who == .admin
        case .admin: who == .admin
        }
    }
}

/// Who is asking, when the database cannot say: a 503, never a silent sign-out.
@Suite struct ViewerIdentificationTests {
    @Test func aDatabaseErrorWhileIdentifyingIsA503NotASignOut() throws {
        let portal = try InProcessPortal()
        #expect(portal.send(.get, "/", as: .member).status.code == 200)
        try portal.db.execute("DROP TABLE sessions")
        let page = portal.send(.get, "/", as: .member)
        #expect(page.status.code == 503, "a page: \(page.status.code) \(page.location ?? "")")
        try portal.db.execute("DROP TABLE api_tokens")
        let api = portal.send(.get, "/api/tasks", as: .member)
        #expect(api.status.code == 503 && api.headers["Content-Type"]?.hasPrefix("application/json") == true)
        // Nobody signed in is still nobody: the sign-in form answers.
        #expect(portal.send(.get, "/login", as: .anonymous).status.code == 200)
    }
}

/// Query values that do not parse answer 400 naming the parameter, never "no filter".
@Suite struct QueryParameterTests {
    @Test func aBadValueIsA400NamingItOnPagesStreamsAndTheAPI() throws {
        let portal = try InProcessPortal()
        let task = try portal.completedTask(of: .member, visibility: .team)
        let cases: [(path: String, query: String, as: InProcessPortal.Who, name: String)] = [
            ("/events", "task=abc", .member, "task"), ("/events", "after=-3", .member, "after"),
            ("/tasks", "before=x", .member, "before"), ("/tasks", "status=bogus", .member, "status"),
            ("/tasks", "view=cards", .member, "view"), ("/", "remix=x", .member, "remix"),
            ("/compare", "ids=\(task.id),x", .member, "ids"), ("/download", "ids=-1", .member, "ids"),
            ("/tasks/\(task.id)/video", "download=yes", .member, "download"),
            ("/admin/audit", "task=x", .admin, "task"), ("/admin/audit.csv", "since=2026-13-01", .admin, "since"),
            ("/api/tasks", "status=bogus", .member, "status"), ("/api/tasks", "status=", .member, "status"),
        ]
        for c in cases {
            let r = portal.send(.get, c.path, query: c.query, as: c.as)
            let body = r.bodyText
            #expect(r.status.code == 400, "\(c.path)?\(c.query): \(r.status.code)")
            #expect(body.contains("The parameter \(c.name) "), "\(c.path)?\(c.query) names \(c.name): \(body.prefix(300))")
        }
        // JSON for machines, with the field named as the API's body errors are.
        let api = portal.send(.get, "/api/tasks", query: "status=bogus&owner=0", as: .member)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(api.bodyText.utf8)) as? [String: Any])
        let fields = ((json["error"] as? [String: Any])?["fields"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
        #expect(fields == ["status", "owner"])
    }

    @Test func theHistoryShowsItsFormWithTheErrorAndListsNothing() throws {
        let portal = try InProcessPortal()
        _ = try portal.completedTask(of: .member, visibility: .team)
        let bad = portal.send(.get, "/tasks", query: "status=bogus&ratio=9:16", as: .member)
        #expect(bad.status.code == 400)
        #expect(bad.bodyText.contains(#"data-field="query-error""#) && bad.bodyText.contains(#"<option value="9:16" selected>"#),
                "the form keeps the valid values and names the bad one")
        #expect(!bad.bodyText.contains(#"class="card" data-task-id="#), "nothing is listed under a filter that was not applied")
        // The page's own form sends empty fields for "any": that is no error.
        let any = portal.send(.get, "/tasks", query: "q=&status=&resolution=&ratio=&audio=&owner=&from=&to=&tag=&sort=", as: .member)
        #expect(any.status.code == 200 && any.bodyText.contains(#"class="card" data-task-id="#))
    }
}
