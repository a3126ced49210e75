import ReeldeskDomain
import ReeldeskStore
import WebCore

/// What one request carries through the app, built once in `App.dispatch`: the request, who is
/// asking, and the CSRF nonce its forms are signed with. Handlers read the request's fields
/// through it (`ctx.queryItems`, `ctx.requestID`, …).
@dynamicMemberLookup
package struct RequestContext {
    package let request: Request
    package let viewer: Viewer
    /// What this request's form tokens are bound to: the session when signed in with a password,
    /// else the browser's nonce cookie (then `csrfNonceIsNew` tells the page to set it).
    package let csrfNonce: String
    package let csrfNonceIsNew: Bool
    /// The browser form a POST sent, decoded and its token checked by `App` before the handler
    /// runs (routes whose body is `.form`); empty otherwise.
    package var form = FormData()

    package subscript<T>(dynamicMember path: KeyPath<Request, T>) -> T { request[keyPath: path] }

    /// The person as the audit log names them.
    package var actor: Actor { Actor(id: viewer.account?.id, name: viewer.account?.name ?? "-", address: request.remoteAddress) }
}

/// The person behind a request and what they may do.
package struct Viewer: Sendable, Equatable {
    package let account: Account?
    /// The session row (nil for the trusted header, an API token and nobody).
    package let sessionID: Int64?
    /// Signed in by an API token (`Authorization: Bearer`): no ambient credential, so no CSRF.
    package var byToken = false

    package init(account: Account?, sessionID: Int64?, byToken: Bool = false) {
        self.account = account
        self.sessionID = sessionID
        self.byToken = byToken
    }

    package static let anonymous = Viewer(account: nil, sessionID: nil)

    package var role: Role { account?.role ?? .anonymous }
    /// The account id; 0 for nobody (no account has id 0).
    package var id: Int64 { account?.id ?? 0 }
    package var isSignedIn: Bool { account != nil }

    /// Whether this viewer may use a route with `access`.
    package func may(_ access: Route.Access) -> Bool {
        switch access {
        case .open: true
        case .signedIn: role >= .viewer
        case .member: role >= .member
        case .admin: role >= .admin
        }
    }

    /// Who this is, as the domain's rules take it.
    package var principal: Principal { Principal(id: id, role: role) }

    /// The one visibility rule (`Principal.canSee`).
    package func canSee(_ t: TaskRecord) -> Bool { t.isVisible(to: principal) }

    /// Cancel, delete and changing visibility: the owner (a member) or an admin.
    package func canManage(_ t: TaskRecord) -> Bool { principal.canManage(owner: t.ownerID) }

    /// Whether an event about a task (with this owner and visibility) may reach this viewer.
    package func mayReceive(_ audience: EventAudience) -> Bool {
        switch audience {
        case .nobody: false
        case .everyone: isSignedIn
        case .owner(let owner): role == .admin || (isSignedIn && owner == id)
        case .othersThan(let owner): isSignedIn && role != .admin && owner != id
        }
    }
}

extension TaskStore {
    /// The tasks `viewer` may see.
    package func visible(to viewer: Viewer) -> VisibleTasks { visible(to: viewer.principal) }
}
