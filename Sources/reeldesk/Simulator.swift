import ArgumentParser
import Logging
import Reeldesk
import ReeldeskSystem

/// `reeldesk simulator`: plays the upstream API on loopback (see SimulatorFaults for the magic
/// words and fault rates), until SIGTERM or SIGINT.
struct Simulator: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the offline upstream simulator (FastCGI socket in the data dir).")

    func run() throws {
        runUntilSignalled(label: "simulator", { try Composition.simulator(config: $0, logger: $1) }) { _, _ in }
    }
}
