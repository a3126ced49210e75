import ArgumentParser
import Foundation
import Logging
import Reeldesk
import ReeldeskSystem

/// `reeldesk`: the portal's one binary.
struct ReeldeskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reeldesk",
        abstract: "A team portal for generating videos with Seedance 1.5 pro.",
        version: Composition.version,
        subcommands: [Serve.self, PollerCommand.self, Simulator.self, Migrate.self, UserCommand.self, CheckConfig.self, PreflightCommand.self]
    )
}

/// Reads the configuration or exits with every problem listed.
func loadConfig() -> Config {
    do {
        return try Config.fromEnvironment()
    } catch {
        for e in error.errors { FileHandle.standardError.write(Data("reeldesk: invalid configuration: \(e)\n".utf8)) }
        Foundation.exit(2)
    }
}

/// Prints a fatal boot error and exits non-zero.
func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("reeldesk: \(message)\n".utf8))
    Foundation.exit(1)
}

/// Boots a long-running part from the environment, runs it until SIGTERM or SIGINT, then drains
/// it. A boot error (config, templates, socket in use) exits non-zero with its message.
func runUntilSignalled(label: String, _ make: (Config, Logger) throws -> any LongRunning, started: (Config, Logger) -> Void) {
    let config = loadConfig()
    LogSetup.bootstrap(level: config.logLevel)
    let logger = Logger(label: label)
    Application.initializeProcess()
    let service: any LongRunning
    do {
        service = try make(config, logger)
    } catch {
        die("\(error)")
    }
    service.start()
    started(config, logger)
    let signal = Application.waitForTermination()
    logger.info("signal received, draining", metadata: ["signal": "\(signal)"])
    service.shutdown()
    logger.info("stopped")
}
