import ArgumentParser
import Foundation
import Logging
import Reeldesk

/// `reeldesk serve`: the FastCGI responder (workers, SSE hub) until SIGTERM or SIGINT.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal over FastCGI on a unix socket in the data dir.")

    func run() throws {
        let config = loadConfig()
        LogSetup.bootstrap(level: config.logLevel)
        let logger = Logger(label: "reeldesk")
        Application.initializeProcess()
        let app: Application
        do {
            app = try Application(config: config, logger: logger)
        } catch {
            die("\(error)")
        }
        app.start()
        logger.info("reeldesk serving", metadata: [
            "version": "\(ReeldeskVersion.current)", "data_dir": "\(config.dataDir)",
            "upstream": "\(config.isSimulated ? "simulator" : config.upstreamURL)",
        ])
        let signal = Application.waitForTermination()
        logger.info("signal received, draining", metadata: ["signal": "\(signal)"])
        app.shutdown()
        logger.info("stopped")
    }
}
