import ArgumentParser
import Reeldesk
import ReeldeskSystem

/// `reeldesk poller`: submits, polls and archives tasks until SIGTERM or SIGINT. `serve` starts
/// it as a child; when `serve` disappears it finishes the steps in flight and exits.
struct PollerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poller", abstract: "Run the poller (started by `serve`; rarely run by hand).")

    func run() throws {
        runUntilSignalled(label: "poller", { try Composition.pollerProcess(config: $0, logger: $1) }) { _, _ in }
    }
}
