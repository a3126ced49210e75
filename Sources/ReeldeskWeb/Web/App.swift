import FastCGI
import Foundation
import ReeldeskStore
import SQLite
import WebCore

/// The portal's responder: one per worker thread, holding that thread's database connection.
/// `respond` matches the route, checks who is asking against the route's access rule,
/// dispatches exhaustively and maps any error to a page.
public final class App: Responder {
    package let context: AppContext
    private var connection: Database?
    /// The request being answered, so an error page knows who is signed in.
    private var current: RequestContext?

    public init(context: AppContext) { self.context = context }

    /// This thread's connection, opened on first use.
    package func database() throws -> Database {
        if let connection { return connection }
        // Page requests wait briefly for the write lock, then answer 503 (ErrorPages).
        let db = try Database(path: context.config.databasePath, busyTimeoutMilliseconds: Int32(context.config.requestBusySeconds * 1000))
        connection = db
        return db
    }

    public func respond(to request: Request) -> Response {
        current = nil
        do {
            return try dispatch(request)
        } catch {
            return ErrorPages(context: context).response(for: error, request: request, as: current)
        }
    }

    public func errorResponse(_ status: HTTPStatus, requestID: String, path: String) -> Response {
        let request = Request(method: .get, path: "/", requestID: requestID)
        let message = switch status {
        case .payloadTooLarge: "The request is larger than \(context.config.maxBodyBytes >> 20) MB."
        case .serviceUnavailable: "Too many live-update connections are open; the page will retry by itself."
        default: "The request could not be read."
        }
        let pages = ErrorPages(context: context)
        if ErrorPages.answersInJSON(path: path) { return pages.json(HTTPError(status, message)) }
        return pages.page(HTTPError(status, message), request: request, as: nil)
    }

    package func dispatch(_ request: Request) throws -> Response {
        switch Router.match(request.method, request.path) {
        case .notFound:
            throw HTTPError(.notFound, "Page not found.")
        case .methodNotAllowed(let allowed):
            throw HTTPError(.methodNotAllowed, "\(request.method) is not allowed here.", allowed: allowed)
        case .found(let route):
            // A sign-in spends its time in Argon2, whose own gate (PasswordHasher) bounds it to
            // the cores and queues the rest; holding a write slot meanwhile would turn a few
            // people signing in at once into 503s.
            if request.method == .post, route != .login { return try context.writeGate.withSlot { try dispatch(route, request) } }
            return try dispatch(route, request)
        }
    }

    private func dispatch(_ route: Route, _ raw: Request) throws -> Response {
        // Health checks answer even when the database cannot be opened.
        if route == .health { return HealthHandler(context: context).check(database: try? database()) }
        // Every POST passes the cheap checks before anything decodes its body (the JSON API
        // checks its own: a token, or a session with the form token in a header).
        if raw.method == .post, !route.isAPI { try context.csrf.precheck(raw) }
        let db = try database()
        var request = try context.requestContext(raw, db: db)
        current = request
        // The one check of what each route declares (Route.declaration): who, then the form.
        let declared = route.declaration
        guard request.viewer.may(declared.access) else {
            guard request.viewer.isSignedIn else {
                if declared.kind == .page { return .redirect(to: AuthHandlers.loginPath(next: raw)) }
                throw HTTPError(.unauthorized, "Sign in first.")
            }
            throw HTTPError(.forbidden, "Your role does not allow this.")
        }
        if raw.method == .post, case .form(let limits) = declared.body {
            request.form = try FormBody.decode(raw, limits: limits)
            try context.csrf.require(nonce: request.csrfNonce, form: request.form)
        }
        switch route {
        case .home: return try tasks(db).home(request)
        case .taskList: return try tasks(db).list(request)
        case .bulkDownload: return try BulkDownloadHandler(context: context, store: TaskStore(db: db)).zip(request)
        case .apiTaskList: return try api(db).list(request)
        case .apiTask(let id): return try api(db).show(request, id: id)
        case .apiCreateTask: return try api(db).create(request)
        case .apiDescription: return try api(db).description()
        case .account: return try AccountHandlers(context: context, db: db, pages: PageRenderer(context: context, db: db)).show(request)
        case .createToken: return try AccountHandlers(context: context, db: db, pages: PageRenderer(context: context, db: db)).createToken(request)
        case .revokeToken(let id): return try AccountHandlers(context: context, db: db, pages: PageRenderer(context: context, db: db)).revokeToken(request, id: id)
        case .compare: return try CompareHandler(store: TaskStore(db: db), pages: PageRenderer(context: context, db: db)).show(request)
        case .createTask: return try tasks(db).create(request)
        case .task(let id): return try tasks(db).show(request, id: id)
        case .taskVideo(let id): return try media(db).video(request, id: id)
        case .taskPoster(let id): return try media(db).poster(request, id: id)
        case .taskThumbnail(let id): return try media(db).thumbnail(request, id: id)
        case .taskFrame(let id, let which): return try media(db).frame(request, id: id, which: which)
        case .upload(let name): return try media(db).upload(request, name: name)
        case .regenerate(let id): return try actions(db).regenerate(request, id: id)
        case .retry(let id): return try actions(db).retry(request, id: id)
        case .cancel(let id): return try actions(db).cancel(request, id: id)
        case .confirmDelete(let id): return try actions(db).confirmDelete(request, id: id)
        case .deleteTask(let id): return try actions(db).delete(request, id: id)
        case .setVisibility(let id): return try actions(db).setVisibility(request, id: id)
        case .setFavourite(let id): return try actions(db).setFavourite(request, id: id)
        case .setTags(let id): return try actions(db).setTags(request, id: id)
        case .events: return try EventsHandler(context: context, store: TaskStore(db: db)).stream(request)
        case .health: return HealthHandler(context: context).check(database: db)  // (answered above)
        case .loginForm: return try auth(db).form(request)
        case .login: return try auth(db).login(request)
        case .logout: return try auth(db).logout(request)
        case .admin: return try admin(db).overview(request)
        case .adminUsers: return try admin(db).users(request)
        case .addUser: return try admin(db).addUser(request)
        case .updateUser(let id): return try admin(db).updateUser(request, id: id)
        case .saveSettings: return try admin(db).saveSettings(request)
        case .audit: return try admin(db).audit(request)
        case .auditCSV: return try admin(db).auditCSV(request)
        }
    }

    private func tasks(_ db: Database) -> TaskHandlers {
        TaskHandlers(context: context, store: TaskStore(db: db), pages: PageRenderer(context: context, db: db))
    }

    private func api(_ db: Database) -> APIHandlers {
        APIHandlers(context: context, store: TaskStore(db: db), tasks: tasks(db))
    }

    private func actions(_ db: Database) -> TaskActions {
        TaskActions(context: context, store: TaskStore(db: db), pages: PageRenderer(context: context, db: db))
    }

    private func media(_ db: Database) -> MediaHandlers {
        MediaHandlers(context: context, store: TaskStore(db: db))
    }

    private func auth(_ db: Database) -> AuthHandlers {
        AuthHandlers(context: context, db: db, pages: PageRenderer(context: context, db: db))
    }

    private func admin(_ db: Database) -> AdminHandlers {
        AdminHandlers(context: context, db: db, pages: PageRenderer(context: context, db: db))
    }
}
