import ArgumentParser
import Foundation
import Reeldesk
import ReeldeskSystem

/// `reeldesk migrate`: brings the database to the newest schema and says what it did.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    func run() throws {
        let config = loadConfig()
        do {
            let (applied, version) = try Composition.migrate(config)
            print(applied.isEmpty ? "Database \(config.databasePath) is up to date (schema \(version))."
                                  : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema is now \(version).")
        } catch {
            die("migration failed: \(error)")
        }
    }
}
