import Curl
import FastCGI
import Foundation
import Logging
import ReeldeskStore
import ReeldeskSystem
import ReeldeskWeb
import ReeldeskWorker
import SQLite

/// The composition root of `reeldesk serve`: builds every long-running part from a `Config`,
/// starts them in dependency order and stops them in reverse. The poller runs in a child
/// process (`reeldesk poller`, see `PollerProcess`) that this one starts and supervises.
public final class Application: Sendable {
    public let context: AppContext
    public let server: FastCGIServer
    package let pollerSupervisor: PollerSupervisor

    /// Prepares the data dir, migrates the database, loads templates and opens the socket.
    /// Throws (with a message naming the file or setting) instead of starting half-configured.
    public init(config: Config, logger: Logger) throws {
        let web = try Composition.web(config: config, logger: logger)
        // Made now, so the first sign-in with an unknown name costs what every other one does;
        // on a thread of its own, so the ~60 ms of Argon2 do not delay the first answer (a
        // sign-in that comes sooner waits for it).
        Thread.detachNewThread { _ = PasswordHasher.decoy }
        let context = web.context
        self.context = context
        self.pollerSupervisor = PollerSupervisor(logger: logger)
        self.server = try FastCGIServer(config: web.fastCGI, logger: logger, hub: web.hub) { App(context: context) }
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

extension Application: LongRunning {}
