import ArgumentParser
import Foundation
import Logging
import Reeldesk

/// `reeldesk`: the portal's one binary.
struct ReeldeskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reeldesk",
        abstract: "A team portal for generating videos with Seedance 1.5 pro.",
        version: ReeldeskVersion.current,
        subcommands: [Serve.self, Simulator.self, Migrate.self, CheckConfig.self]
    )
}

/// Reads the configuration or exits with every problem listed.
func loadConfig() -> Config {
    do {
        return try Config.fromEnvironment()
    } catch {
        FileHandle.standardError.write(Data("reeldesk: invalid configuration:\n\(error.description)\n".utf8))
        Foundation.exit(2)
    }
}

/// Prints a fatal boot error and exits non-zero.
func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("reeldesk: \(message)\n".utf8))
    Foundation.exit(1)
}
