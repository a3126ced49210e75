import ArgumentParser
import Foundation
import Logging
import Reeldesk

/// `reeldesk simulator`: plays the upstream API on loopback (see SimulatorFaults for the magic
/// words and fault rates), until SIGTERM or SIGINT.
struct Simulator: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the offline upstream simulator (FastCGI socket in the data dir).")

    func run() throws {
        let config = loadConfig()
        LogSetup.bootstrap(level: config.logLevel)
        let logger = Logger(label: "simulator")
        Application.initializeProcess()
        let sim: SimulatorApp
        do {
            sim = try SimulatorApp(config: config, logger: logger)
        } catch {
            die("\(error)")
        }
        sim.start()
        _ = Application.waitForTermination()
        sim.shutdown()
        logger.info("simulator stopped")
    }
}
