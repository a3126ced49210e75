import WebCore

/// Every page and endpoint of the portal. `Router.match` is the only code that reads paths.
public enum Route: Equatable, Sendable {
    case home
    case taskList
    case createTask
    case task(id: Int64)
    /// The archived video (`?download=1` saves it under a readable name).
    case taskVideo(id: Int64)
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
        case 1 where segments[0] == "events":
            return pick(m, [.get: .events])
        case 1 where segments[0] == "healthz":
            return pick(m, [.get: .health])
        case 2 where segments[0] == "tasks":
            guard let id = parseID(segments[1]) else { return .notFound }
            return pick(m, [.get: .task(id: id)])
        case 3 where segments[0] == "tasks":
            guard let id = parseID(segments[1]) else { return .notFound }
            switch segments[2] {
            case "video": return pick(m, [.get: .taskVideo(id: id)])
            case "poster": return pick(m, [.get: .taskPoster(id: id)])
            case "regenerate": return pick(m, [.post: .regenerate(id: id)])
            case "retry": return pick(m, [.post: .retry(id: id)])
            case "cancel": return pick(m, [.post: .cancel(id: id)])
            case "delete": return pick(m, [.get: .confirmDelete(id: id), .post: .deleteTask(id: id)])
            default: return .notFound
            }
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
    static func parseID(_ s: Substring) -> Int64? {
        guard let first = s.utf8.first, first != UInt8(ascii: "0"), s.utf8.count <= 18,
              s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(s)
    }
}

extension Route {
    /// The address of a GET route (the one place paths are built).
    var path: String {
        switch self {
        case .home: "/"
        case .taskList, .createTask: "/tasks"
        case .task(let id): "/tasks/\(id)"
        case .taskVideo(let id): "/tasks/\(id)/video"
        case .taskPoster(let id): "/tasks/\(id)/poster"
        case .regenerate(let id): "/tasks/\(id)/regenerate"
        case .retry(let id): "/tasks/\(id)/retry"
        case .cancel(let id): "/tasks/\(id)/cancel"
        case .deleteTask(let id), .confirmDelete(let id): "/tasks/\(id)/delete"
        case .events: "/events"
        case .health: "/healthz"
        }
    }
}
