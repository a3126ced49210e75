import WebCore

/// What one request carries through the app, built once in `App.respond`: the request, who is
/// asking, and the browser's CSRF nonce. Handlers read the request's fields through it
/// (`ctx.queryItems`, `ctx.requestID`, …).
@dynamicMemberLookup
struct RequestContext {
    let request: Request
    let viewer: Viewer
    /// The browser's CSRF nonce, and whether it is new (then the page sets its cookie).
    let csrfNonce: String
    let csrfNonceIsNew: Bool

    subscript<T>(dynamicMember path: KeyPath<Request, T>) -> T { request[keyPath: path] }
}

/// The person behind a request and what they may do.
struct Viewer: Sendable, Equatable {
    enum Role: Int, Sendable, Comparable {
        case viewer, member, admin
        static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
    }

    let role: Role

    /// XXX: until accounts exist (issue 8), every browser is this one shared portal member;
    /// the session will name the user and their role here, and nothing else has to change.
    static let sharedPortal = Viewer(role: .member)

    /// Whether this viewer may use a route with `access`.
    func may(_ access: Route.Access) -> Bool {
        switch access {
        case .open, .signedIn: true
        case .member: role >= .member
        case .admin: role >= .admin
        }
    }
}

extension Route {
    /// Who may use a route, declared beside the routes and checked in one place (`App`) before
    /// any handler runs, so a new route cannot forget it.
    enum Access: Sendable, Equatable {
        /// Anyone, signed in or not (health checks; later the login page).
        case open
        /// Anyone signed in: reading pages, streams and media.
        case signedIn
        /// Members and admins: anything that creates, changes or spends.
        case member
        /// Admins only.
        case admin
    }

    var access: Access {
        switch self {
        case .health: .open
        case .home, .taskList, .task, .taskVideo, .taskPoster, .confirmDelete, .events: .signedIn
        case .createTask, .regenerate, .retry, .cancel, .deleteTask: .member
        }
    }
}
