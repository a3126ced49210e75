import ReeldeskDomain
import WebCore

/// Every page and endpoint of the portal. `Router.match` is the only code that reads paths.
public enum Route: Equatable, Sendable {
    case home
    case taskList
    /// 2–4 completed tasks side by side (`?ids=…`).
    case compare
    /// The chosen tasks' videos and parameters as one streamed zip (`?ids=…`).
    case bulkDownload
    /// The JSON API (APIHandlers): the history with the same filters, one task, a new task, and
    /// its OpenAPI description.
    case apiTaskList
    case apiTask(id: Int64)
    case apiCreateTask
    case apiDescription
    /// The account page: the person's API tokens.
    case account
    case createToken
    case revokeToken(id: Int64)
    case createTask
    case task(id: Int64)
    /// The archived video (`?download=1` saves it under a readable name).
    case taskVideo(id: Int64)
    /// The history grid's small poster.
    case taskThumbnail(id: Int64)
    case taskPoster(id: Int64)
    /// A new task with the same parameters.
    case regenerate(id: Int64)
    /// Another attempt of a failed, timed-out or expired task (a new task linked to it).
    case retry(id: Int64)
    /// Stop tracking a queued or running task.
    case cancel(id: Int64)
    /// GET: the confirmation page; POST: remove a finished task and its files.
    case deleteTask(id: Int64)
    case confirmDelete(id: Int64)
    case events
    case health
    /// An uploaded frame image through its task's access rule (`which` is first or last).
    case taskFrame(id: Int64, which: FrameSlot)
    /// POST: private or team.
    case setVisibility(id: Int64)
    /// POST `on=1|0`: the viewer's own star on a task.
    case setFavourite(id: Int64)
    /// POST `tags=a, b`: replaces the task's tags.
    case setTags(id: Int64)
    /// An uploaded file by a signed, expiring link (`?expires=…&sig=…`): how the upstream fetches
    /// frames, and how a form shows an upload that has no task yet.
    case upload(name: String)
    case loginForm
    case login
    case logout
    /// Admin: upstream state, spend this month, settings and the team budget.
    case admin
    case adminUsers
    case addUser
    /// POST: role, disable/enable, password reset, budget of one account.
    case updateUser(id: Int64)
    case saveSettings
    case audit
    case auditCSV
}

/// Which frame of a task.
public enum FrameSlot: String, Sendable, Equatable {
    case first, last
}

/// The result of matching a method and path.
public enum RouteMatch: Equatable, Sendable {
    case found(Route)
    case methodNotAllowed(allowed: [HTTPMethod])
    case notFound
}

/// Maps (method, path) to a `Route`.
public enum Router {
    public static func match(_ method: HTTPMethod, _ path: String) -> RouteMatch {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        // A trailing slash or doubled slashes do not make a different resource.
        let m: HTTPMethod = method == .head ? .get : method
        switch segments.count {
        case 0:
            return pick(m, [.get: .home])
        case 1 where segments[0] == "tasks":
            return pick(m, [.get: .taskList, .post: .createTask])
        case 1 where segments[0] == "compare":
            return pick(m, [.get: .compare])
        case 1 where segments[0] == "download":
            return pick(m, [.get: .bulkDownload])
        case 1 where segments[0] == "account":
            return pick(m, [.get: .account])
        case 2 where segments[0] == "account" && segments[1] == "tokens":
            return pick(m, [.post: .createToken])
        case 4 where segments[0] == "account" && segments[1] == "tokens" && segments[3] == "revoke":
            guard let id = parseID(segments[2]) else { return .notFound }
            return pick(m, [.post: .revokeToken(id: id)])
        case 2 where segments[0] == "api" && segments[1] == "tasks":
            return pick(m, [.get: .apiTaskList, .post: .apiCreateTask])
        case 2 where segments[0] == "api" && segments[1] == "openapi.json":
            return pick(m, [.get: .apiDescription])
        case 3 where segments[0] == "api" && segments[1] == "tasks":
            guard let id = parseID(segments[2]) else { return .notFound }
            return pick(m, [.get: .apiTask(id: id)])
        case 1 where segments[0] == "events":
            return pick(m, [.get: .events])
        case 1 where segments[0] == "healthz":
            return pick(m, [.get: .health])
        case 1 where segments[0] == "login":
            return pick(m, [.get: .loginForm, .post: .login])
        case 1 where segments[0] == "logout":
            return pick(m, [.post: .logout])
        case 1 where segments[0] == "admin":
            return pick(m, [.get: .admin])
        case 2 where segments[0] == "admin":
            switch segments[1] {
            case "users": return pick(m, [.get: .adminUsers, .post: .addUser])
            case "settings": return pick(m, [.post: .saveSettings])
            case "audit": return pick(m, [.get: .audit])
            case "audit.csv": return pick(m, [.get: .auditCSV])
            default: return .notFound
            }
        case 3 where segments[0] == "admin" && segments[1] == "users":
            guard let id = parseID(segments[2]) else { return .notFound }
            return pick(m, [.post: .updateUser(id: id)])
        case 2 where segments[0] == "uploads", 3 where segments[0] == "uploads" && segments[1] == "held":
            guard let name = KeptUpload.parse(segments.dropFirst().joined(separator: "/")) else { return .notFound }
            return pick(m, [.get: .upload(name: name)])
        case 2 where segments[0] == "tasks":
            guard let id = parseID(segments[1]) else { return .notFound }
            return pick(m, [.get: .task(id: id)])
        case 3 where segments[0] == "tasks":
            guard let id = parseID(segments[1]) else { return .notFound }
            switch segments[2] {
            case "video": return pick(m, [.get: .taskVideo(id: id)])
            case "poster": return pick(m, [.get: .taskPoster(id: id)])
            case "thumb": return pick(m, [.get: .taskThumbnail(id: id)])
            case "regenerate": return pick(m, [.post: .regenerate(id: id)])
            case "retry": return pick(m, [.post: .retry(id: id)])
            case "cancel": return pick(m, [.post: .cancel(id: id)])
            case "delete": return pick(m, [.get: .confirmDelete(id: id), .post: .deleteTask(id: id)])
            case "visibility": return pick(m, [.post: .setVisibility(id: id)])
            case "favourite": return pick(m, [.post: .setFavourite(id: id)])
            case "tags": return pick(m, [.post: .setTags(id: id)])
            default: return .notFound
            }
        case 4 where segments[0] == "tasks" && segments[2] == "frames":
            guard let id = parseID(segments[1]), let slot = FrameSlot(rawValue: String(segments[3])) else { return .notFound }
            return pick(m, [.get: .taskFrame(id: id, which: slot)])
        default:
            return .notFound
        }
    }

    private static func pick(_ method: HTTPMethod, _ table: [HTTPMethod: Route]) -> RouteMatch {
        if let route = table[method] { return .found(route) }
        let order: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete]
        var allowed = order.filter { table[$0] != nil }
        if allowed.contains(.get) { allowed.insert(.head, at: 1) }
        return .methodNotAllowed(allowed: allowed)
    }

    /// A positive decimal id without sign or leading zeros (so each task has one URL).
    package static func parseID(_ s: Substring) -> Int64? {
        guard let first = s.utf8.first, first != UInt8(ascii: "0"), s.utf8.count <= 18,
              s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(s)
    }
}

extension Route {
    /// The address of a GET route (the one place paths are built).
    package var path: String {
        switch self {
        case .home: "/"
        case .taskList, .createTask: "/tasks"
        case .compare: "/compare"
        case .bulkDownload: "/download"
        case .apiTaskList, .apiCreateTask: "/api/tasks"
        case .apiTask(let id): "/api/tasks/\(id)"
        case .apiDescription: "/api/openapi.json"
        case .account: "/account"
        case .createToken: "/account/tokens"
        case .revokeToken(let id): "/account/tokens/\(id)/revoke"
        case .task(let id): "/tasks/\(id)"
        case .taskVideo(let id): "/tasks/\(id)/video"
        case .taskPoster(let id): "/tasks/\(id)/poster"
        case .taskThumbnail(let id): "/tasks/\(id)/thumb"
        case .regenerate(let id): "/tasks/\(id)/regenerate"
        case .retry(let id): "/tasks/\(id)/retry"
        case .cancel(let id): "/tasks/\(id)/cancel"
        case .deleteTask(let id), .confirmDelete(let id): "/tasks/\(id)/delete"
        case .events: "/events"
        case .health: "/healthz"
        case .taskFrame(let id, let which): "/tasks/\(id)/frames/\(which.rawValue)"
        case .setVisibility(let id): "/tasks/\(id)/visibility"
        case .setFavourite(let id): "/tasks/\(id)/favourite"
        case .setTags(let id): "/tasks/\(id)/tags"
        case .upload(let name): "/uploads/\(name)"
        case .loginForm, .login: "/login"
        case .logout: "/logout"
        case .admin: "/admin"
        case .adminUsers, .addUser: "/admin/users"
        case .updateUser(let id): "/admin/users/\(id)"
        case .saveSettings: "/admin/settings"
        case .audit: "/admin/audit"
        case .auditCSV: "/admin/audit.csv"
        }
    }
}

extension UploadLink {
    /// The path and query of a signed link to upload `name` that works until `expires`:
    /// `/uploads/NAME?expires=T&sig=…`.
    package func path(for name: String, expires: Int64) -> String {
        Route.upload(name: name).path + "?expires=\(expires)&sig=\(signature(name, expires))"
    }
}
