import Curl
import FastCGI
import Foundation
import Logging
import SQLite

/// The composition root of `reeldesk serve`: builds every long-running part from a `Config`,
/// starts them in dependency order and stops them in reverse. The poller runs in a child
/// process (`reeldesk poller`, see `PollerProcess`) that this one starts and supervises.
public final class Application: Sendable {
    public let context: AppContext
    public let server: FastCGIServer
    let pollerSupervisor: PollerSupervisor

    /// Prepares the data dir, migrates the database, loads templates and opens the socket.
    /// Throws (with a message naming the file or setting) instead of starting half-configured.
    public init(config: Config, logger: Logger) throws {
        try DataDirectory.prepare(config)
        // Before anything binds a path in the data dir: another live instance keeps its own.
        if FastCGIServer.isServing(config.socketPath) {
            throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "another Reeldesk is already serving on \(config.socketPath); stop it first (or use another REELDESK_DATA_DIR)")
        }
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
        let hub = try EventHub(config: fcgi, wakePath: config.hubWakePath, logger: logger) { EventLog(db: try Database(path: path)) }
        let secret = try ServerSecret.loadOrCreate(path: config.secretPath)
        // Made now, so the first sign-in with an unknown name costs what every other one does;
        // on a thread of its own, so the ~60 ms of Argon2 do not delay the first answer (a
        // sign-in that comes sooner waits for it).
        Thread.detachNewThread { _ = PasswordHasher.decoy }
        let context = AppContext(config: config, views: views, hub: hub, logger: logger, secret: secret)
        self.context = context
        self.pollerSupervisor = PollerSupervisor(logger: logger)
        self.server = try FastCGIServer(config: fcgi, logger: logger, hub: hub) { App(context: context) }
    }

    /// Starts the hub and the workers, then the poller process.
    public func start() {
        server.start()
        pollerSupervisor.start()
    }

    /// Asks the poller process to stop, drains requests and streams meanwhile, then gives the
    /// poller what is left of the budget; returns within about 5 s.
    public func shutdown() {
        pollerSupervisor.requestStop()
        server.shutdown()
        pollerSupervisor.waitForExit(upTo: 0.8)
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
