import FastCGI
import Logging
import WebCore

/// What every request handler shares: settings, templates, the event hub, the logger.
/// Immutable after boot, so it is safely shared by all worker threads.
public struct AppContext: Sendable {
    public let config: Config
    public let views: Views
    public let hub: EventHub
    public let logger: Logger
    /// Signs and checks form tokens with the server secret.
    let csrf: CSRF
    /// Keeps writing requests from occupying every worker while the database is locked.
    let writeGate: WriteGate

    /// The per-request context for `raw` (built once per request by `App`, or for an error page).
    func requestContext(_ raw: Request) -> RequestContext {
        let (nonce, isNew) = csrf.nonce(for: raw)
        return RequestContext(request: raw, viewer: .sharedPortal, csrfNonce: nonce, csrfNonceIsNew: isNew)
    }

    /// Wakes the poller process: a task was created or retried, submit it now.
    func wakePoller() { WakeSocket.send(to: config.pollerWakePath) }

    init(config: Config, views: Views, hub: EventHub, logger: Logger, secret: [UInt8]) {
        self.csrf = CSRF(secret: secret, publicOrigin: CSRF.origin(of: config.publicURL))
        self.writeGate = WriteGate(limit: max(1, config.workers / 4))
        self.config = config
        self.views = views
        self.hub = hub
        self.logger = logger
    }
}
