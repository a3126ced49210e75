import FastCGI
import Logging

/// What every request handler shares: settings, templates, the event hub, the logger.
/// Immutable after boot, so it is safely shared by all worker threads.
public struct AppContext: Sendable {
    public let config: Config
    public let views: Views
    public let hub: EventHub
    /// Woken when a task is created or retried, so it is submitted at once.
    public let poller: Poller?
    public let logger: Logger

    public init(config: Config, views: Views, hub: EventHub, poller: Poller?, logger: Logger) {
        self.config = config
        self.views = views
        self.hub = hub
        self.poller = poller
        self.logger = logger
    }
}
