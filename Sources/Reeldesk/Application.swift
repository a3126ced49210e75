import Curl
import FastCGI
import Foundation
import Logging
import SQLite

/// The composition root: builds every long-running part from a `Config`, starts them in
/// dependency order and stops them in reverse. Used by `reeldesk serve` and by tests.
public final class Application: Sendable {
    public let context: AppContext
    public let server: FastCGIServer
    public let poller: Poller

    /// Prepares the data dir, migrates the database, loads templates and opens the socket.
    /// Throws (with a message naming the file or setting) instead of starting half-configured.
    public init(config: Config, logger: Logger) throws {
        try DataDirectory.prepare(config)
        let db = try Database(path: config.databasePath)
        let applied = try Schema.migrate(db)
        if !applied.isEmpty { logger.info("database migrated", metadata: ["versions": "\(applied)"]) }
        let views = try Views.load(directory: config.templatesDir)
        var fcgi = FastCGIConfig(socketPath: config.socketPath, workers: config.workers, maxBodyBytes: config.maxBodyBytes,
                                 maxStreams: config.effectiveMaxStreams, pingInterval: config.ssePingSeconds,
                                 maxReplay: Int64(config.sseMaxReplay))
        fcgi.socketGroup = config.socketGroup
        if config.effectiveMaxStreams < config.maxStreams {
            logger.warning("REELDESK_MAX_STREAMS lowered to fit the descriptor limit", metadata: ["streams": "\(config.effectiveMaxStreams)"])
        }
        let path = config.databasePath
        let hub = EventHub(config: fcgi, logger: logger) { EventLog(db: try Database(path: path)) }
        let limiter = RateLimiter(perSecond: config.polling.requestsPerSecond, burst: max(1, config.polling.requestsPerSecond))
        let client = UpstreamClient(baseURL: config.effectiveUpstreamURL, apiKey: config.effectiveAPIKey, limiter: limiter,
                                    timeoutMs: Int(config.polling.timeoutSeconds * 1000), logger: logger)
        let poller = Poller(config: config, client: client, hub: hub, logger: logger)
        let secret = try ServerSecret.loadOrCreate(path: config.secretPath)
        let context = AppContext(config: config, views: views, hub: hub, poller: poller, logger: logger, secret: secret)
        self.context = context
        self.poller = poller
        self.server = try FastCGIServer(config: fcgi, logger: logger, hub: hub) { App(context: context) }
    }

    /// Starts the hub and the workers, then the poller.
    public func start() {
        server.start()
        poller.start()
    }

    /// Stops the poller, then drains requests and streams; returns within about 5 s.
    public func shutdown() {
        poller.stop(waitingUpTo: 1)
        server.shutdown()
    }

    /// Blocks until SIGTERM or SIGINT; returns the signal.
    public static func waitForTermination() -> Int32 { SignalWaiter.waitForTermination() }

    /// Process-wide library setup; call once in main before any thread starts.
    public static func initializeProcess() {
        SignalWaiter.blockTerminationSignals()
        FastCGIServer.initializeLibrary()
        Curl.globalInit()
    }
}

/// Logging to stderr at the configured level, one escaped line per record.
public enum LogSetup {
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in EscapingLogHandler(label: label, level: level) }
    }
}
