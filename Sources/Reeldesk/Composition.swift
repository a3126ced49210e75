import FastCGI
import Foundation
import Logging
import ReeldeskDomain
import ReeldeskSimulator
import ReeldeskStore
import ReeldeskSystem
import ReeldeskWeb
import ReeldeskWorker
import SQLite

/// The one place the parts are wired together, used by `serve`, `poller` and the tests: the
/// inner targets never reach outward, so what the worker needs from the web edge (links into
/// the portal, the API's JSON of a task) is handed to it here.
public enum Composition {
    /// Frame links and webhook bodies, built from the web's routes and its one shape of a task.
    package static func portalLinks(config: Config, secret: [UInt8]) -> PortalLinks {
        let signer = UploadLink(secret: secret)
        let publicURL = config.publicURL
        return PortalLinks(
            frameURL: { file, expires in publicURL + signer.path(for: file, expires: expires) },
            webhookBody: { delivery, task in try WebhookBody.encode(delivery: delivery, task: task, publicURL: publicURL) })
    }

    /// `reeldesk poller`: the worker in a process of its own.
    public static func pollerProcess(config: Config, logger: Logger) throws -> PollerProcess {
        try DataDirectory.prepare(config)
        let secret = try ServerSecret.loadOrCreate(path: config.secretPath)
        return try PollerProcess(config: config, links: portalLinks(config: config, secret: secret), logger: logger)
    }

    /// The web side of `serve`, ready to accept: what each request handler shares (`AppContext`:
    /// templates, the hub, signing keys), the hub, and the FastCGI settings. The data dir is
    /// prepared and the database migrated first. The in-process route tests build it the same way
    /// and drive `App(context:)` without a socket.
    package struct Web {
        package let context: AppContext
        package let hub: EventHub
        package let fastCGI: FastCGIConfig
    }

    /// Prepares the data dir, migrates the database, loads templates and makes the hub. Throws
    /// (with a message naming the file or setting) instead of starting half-configured.
    package static func web(config: Config, logger: Logger) throws -> Web {
        try DataDirectory.prepare(config)
        // Before anything binds a path in the data dir: another live instance keeps its own.
        if FastCGIServer.isServing(config.socketPath) {
            throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "another Reeldesk is already serving on \(config.socketPath); stop it first (or use another REELDESK_DATA_DIR)")
        }
        let db = try Database(path: config.databasePath)
        let applied = try Schema.migrate(db)
        if !applied.isEmpty { logger.info("database migrated", metadata: ["versions": "\(applied)"]) }
        var fcgi = FastCGIConfig(socketPath: config.socketPath, workers: config.workers, maxBodyBytes: config.maxBodyBytes,
                                 maxStreams: config.effectiveMaxStreams, pingInterval: config.ssePingSeconds,
                                 maxReplay: Int64(config.sseMaxReplay))
        fcgi.socketGroup = config.socketGroup
        if config.effectiveMaxStreams < config.maxStreams {
            logger.warning("REELDESK_MAX_STREAMS lowered to fit the descriptor limit", metadata: ["streams": "\(config.effectiveMaxStreams)"])
        }
        let path = config.databasePath
        let views = try Views.load(directory: config.templatesDir)
        let fragments = TaskFragments(views: views)
        let hub = try EventHub(config: fcgi, wakePath: config.hubWakePath, logger: logger) {
            TaskEventFeed(db: try Database(path: path), fragments: fragments)
        }
        let secret = try ServerSecret.loadOrCreate(path: config.secretPath)
        let context = AppContext(config: config, views: views, fragments: fragments, hub: hub, logger: logger, secret: secret)
        return Web(context: context, hub: hub, fastCGI: fcgi)
    }
}

extension Composition {
    /// The version `serve` reports (`/health`, `--version`).
    public static var version: String { ReeldeskVersion.current }

    /// What `check-config` checks beyond `Config`: the templates parse, and the simulator's own
    /// settings are valid (so `make run` names a bad `REELDESK_SIM_*` before anything starts).
    public static func checkConfiguration(_ config: Config) throws {
        _ = try Views.load(directory: config.templatesDir)
        if config.isSimulated { _ = try SimulatorSettings.fromEnvironment() }
    }

    /// `reeldesk migrate`: the migrations applied now, and the schema version after.
    public static func migrate(_ config: Config) throws -> (applied: [Int], version: Int) {
        try DataDirectory.prepare(config)
        let db = try Database(path: config.databasePath)
        let applied = try Schema.migrate(db)
        return (applied, try db.userVersion())
    }

    /// `reeldesk simulator`.
    public static func simulator(config: Config, logger: Logger) throws -> SimulatorApp {
        try SimulatorApp(config: config, logger: logger)
    }
}
