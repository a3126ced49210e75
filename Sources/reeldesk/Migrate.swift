import ArgumentParser
import Foundation
import Reeldesk
import SQLite

/// `reeldesk migrate`: brings the database to the newest schema and says what it did.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    func run() throws {
        let config = loadConfig()
        do {
            try DataDirectory.prepare(config)
            let db = try Database(path: config.databasePath)
            let applied = try Schema.migrate(db)
            let version = try db.userVersion()
            print(applied.isEmpty ? "Database \(config.databasePath) is up to date (schema \(version))."
                                  : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema is now \(version).")
        } catch {
            die("migration failed: \(error)")
        }
    }
}
