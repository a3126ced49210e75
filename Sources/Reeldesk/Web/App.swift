import FastCGI
import Foundation
import SQLite
import WebCore

/// The portal's responder: one per worker thread, holding that thread's database connection.
/// `respond` matches the route, dispatches exhaustively and maps any error to a page.
public final class App: Responder {
    let context: AppContext
    private var connection: Database?

    public init(context: AppContext) { self.context = context }

    /// This thread's connection, opened on first use.
    func database() throws -> Database {
        if let connection { return connection }
        // Page requests wait briefly for the write lock, then answer 503 (ErrorPages).
        let db = try Database(path: context.config.databasePath, busyTimeoutMilliseconds: Int32(context.config.requestBusySeconds * 1000))
        connection = db
        return db
    }

    public func respond(to request: Request) -> Response {
        do {
            return try dispatch(request)
        } catch {
            return ErrorPages(context: context).response(for: error, request: request)
        }
    }

    public func errorResponse(_ status: HTTPStatus, requestID: String) -> Response {
        let request = Request(method: .get, path: "/", requestID: requestID)
        let message = switch status {
        case .payloadTooLarge: "The request is larger than \(context.config.maxBodyBytes >> 20) MB."
        case .serviceUnavailable: "Too many live-update connections are open; the page will retry by itself."
        default: "The request could not be read."
        }
        return ErrorPages(context: context).page(HTTPError(status, message), request: request)
    }

    func dispatch(_ request: Request) throws -> Response {
        switch Router.match(request.method, request.path) {
        case .notFound:
            throw HTTPError(.notFound, "Page not found.")
        case .methodNotAllowed(let allowed):
            throw HTTPError(.methodNotAllowed, "\(request.method) is not allowed here.", allowed: allowed)
        case .found(let route):
            if request.method == .post { return try context.writeGate.withSlot { try dispatch(route, request) } }
            return try dispatch(route, request)
        }
    }

    private func dispatch(_ route: Route, _ raw: Request) throws -> Response {
        // Every POST passes the cheap checks before anything decodes its body.
        if raw.method == .post { try context.csrf.precheck(raw) }
        let request = context.requestContext(raw)
        // The one access check: every route declares its rule (Route.access).
        guard request.viewer.may(route.access) else {
            throw HTTPError(.forbidden, "Your role does not allow this.")
        }
        switch route {
        case .home: return try tasks().home(request)
        case .taskList: return try tasks().list(request)
        case .createTask: return try tasks().create(request)
        case .task(let id): return try tasks().show(request, id: id)
        case .taskVideo(let id): return try media().video(request, id: id)
        case .taskPoster(let id): return try media().poster(request, id: id)
        case .regenerate(let id): return try actions().regenerate(request, id: id)
        case .retry(let id): return try actions().retry(request, id: id)
        case .cancel(let id): return try actions().cancel(request, id: id)
        case .confirmDelete(let id): return try actions().confirmDelete(request, id: id)
        case .deleteTask(let id): return try actions().delete(request, id: id)
        case .events: return try EventsHandler(context: context, events: EventLog(db: database())).stream(request)
        case .health: return HealthHandler(context: context).check(database: try? database())
        }
    }

    private func tasks() throws -> TaskHandlers {
        let db = try database()
        return TaskHandlers(context: context, store: TaskStore(db: db), events: EventLog(db: db), pages: PageRenderer(context: context, db: db))
    }

    private func actions() throws -> TaskActions {
        let db = try database()
        return TaskActions(context: context, store: TaskStore(db: db), pages: PageRenderer(context: context, db: db))
    }

    private func media() throws -> MediaHandlers {
        MediaHandlers(store: TaskStore(db: try database()))
    }
}
