import ArgumentParser
import Foundation
import Reeldesk
import ReeldeskSystem

/// `reeldesk check-config`: validates the environment and the templates without serving.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate the configuration and templates.")

    @Flag(help: "Print the resolved settings as NAME=value lines for scripts (secrets left out).")
    var export = false

    func run() throws {
        let config = loadConfig()
        do {
            try Composition.checkConfiguration(config)
        } catch {
            die("\(error)")
        }
        if export {
            print(config.shellExports)
        } else {
            let upstream = config.isSimulated ? "simulator (no API key set)" : "\(config.upstreamURL) with the API key from REELDESK_API_KEY (not shown)"
            print("Configuration OK. Data dir \(config.dataDir); upstream \(upstream).")
        }
    }
}
