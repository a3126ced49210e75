import ArgumentParser
import Logging
import Reeldesk
import ReeldeskSystem

/// `reeldesk serve`: the FastCGI responder (workers, SSE hub, poller) until SIGTERM or SIGINT.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the portal over FastCGI on a unix socket in the data dir.")

    func run() throws {
        runUntilSignalled(label: "reeldesk", { try Application(config: $0, logger: $1) }) { config, logger in
            logger.info("reeldesk serving", metadata: [
                "version": "\(Composition.version)", "data_dir": "\(config.dataDir)",
                "upstream": "\(config.isSimulated ? "simulator" : config.upstreamURL)",
            ])
        }
    }
}
