import ArgumentParser
import Foundation
import Reeldesk
import ReeldeskSystem

/// `reeldesk preflight`: what `make run` checks before it starts anything. Prints one line per
/// problem (what is wrong and how to fix it) and exits 1, or exits 0 silently.
struct PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "preflight", abstract: "Check that Reeldesk can start here (tools, data dir, ports).")

    func run() throws {
        let config = loadConfig()
        let problems = Preflight.problems(config)
        for p in problems { FileHandle.standardError.write(Data("reeldesk: \(p)\n".utf8)) }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
