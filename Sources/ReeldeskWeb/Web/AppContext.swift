import FastCGI
import Logging
import ReeldeskDomain
import ReeldeskSystem
import SQLite
import WebCore

/// What every request handler shares: settings, templates, the event hub, the logger.
/// Immutable after boot, so it is safely shared by all worker threads.
public struct AppContext: Sendable {
    public let config: Config
    public let views: Views
    public let hub: EventHub
    public let logger: Logger
    /// Signs and checks form tokens with the server secret.
    package let csrf: CSRF
    /// Keeps writing requests from occupying every worker while the database is locked.
    package let writeGate: WriteGate
    /// Finds who is asking (session cookie or trusted header).
    package let auth: Authenticator
    /// Signs links to uploaded files.
    package let uploadLinks: UploadLink
    /// Names held uploads so that only their sender can keep them.
    package let heldNames: HeldUploadName
    /// A task's row, card and other pieces as pages show them; the hub's feed renders live
    /// updates with the same instance (and its caches).
    package let fragments: TaskFragments
    /// The default new-task form's fields, rendered on first use.
    package let defaultFormFields = FragmentOnce()

    /// The per-request context for `raw` (built once per request by `App`; without a database,
    /// for an error page, nobody is signed in). Throws 503 when the database cannot say who it is.
    package func requestContext(_ raw: Request, db: Database?) throws(HTTPError) -> RequestContext {
        let (viewer, binding) = try auth.identify(raw, db: db)
        if let binding { return RequestContext(request: raw, viewer: viewer, csrfNonce: binding, csrfNonceIsNew: false) }
        let (nonce, isNew) = csrf.nonce(for: raw)
        return RequestContext(request: raw, viewer: viewer, csrfNonce: nonce, csrfNonceIsNew: isNew)
    }

    /// The context of a request whose viewer is not known (an error page before identification):
    /// nobody signed in, the browser's nonce for any form.
    package func anonymousContext(_ raw: Request) -> RequestContext {
        let (nonce, isNew) = csrf.nonce(for: raw)
        return RequestContext(request: raw, viewer: .anonymous, csrfNonce: nonce, csrfNonceIsNew: isNew)
    }

    /// Wakes the poller process: a task was created or retried, submit it now.
    package func wakePoller() { WakeSocket.send(to: config.pollerWakePath) }

    package init(config: Config, views: Views, fragments: TaskFragments, hub: EventHub, logger: Logger, secret: [UInt8]) {
        let cookie = SessionCookie(secure: config.isHTTPS, lifetime: config.sessionLifetimeSeconds)
        self.auth = Authenticator(config: config, cookie: cookie)
        self.csrf = CSRF(secret: secret, publicOrigin: CSRF.origin(of: config.publicURL), sessionCookieName: cookie.name)
        self.uploadLinks = UploadLink(secret: secret)
        self.heldNames = HeldUploadName(secret: secret)
        self.writeGate = WriteGate(limit: max(1, config.workers / 4))
        self.config = config
        self.views = views
        self.fragments = fragments
        self.hub = hub
        self.logger = logger
    }
}
