/// Numbered schema migrations tracked in `PRAGMA user_version`. Step N (1-based) is applied once,
/// inside its own write transaction together with the version bump, so a crash never leaves a
/// half-applied step.
public struct Migrator {
    public let steps: [String]

    public init(steps: [String]) { self.steps = steps }

    /// Applies every step above the database's version; returns the versions applied.
    /// Refuses a database newer than this code knows, rather than guessing.
    @discardableResult
    public func migrate(_ db: Database) throws -> [Int] {
        let current = try db.userVersion()
        guard current <= steps.count else {
            throw SQLiteError(code: 1, message: "database is at schema version \(current), newer than this build's \(steps.count); upgrade Reeldesk")
        }
        var applied: [Int] = []
        guard current < steps.count else { return applied }
        // A step may rebuild a table (create, copy, drop, rename): with foreign keys on, the drop
        // would cascade into every child row. SQLite's procedure: keys off outside the
        // transaction, `foreign_key_check` before the commit, keys back on.
        try db.execute("PRAGMA foreign_keys=OFF")
        defer { try? db.execute("PRAGMA foreign_keys=ON") }
        for version in (current + 1)..<(steps.count + 1) {
            try db.writeTransaction {
                // Re-check under the write lock: another process may have migrated meanwhile.
                guard try db.userVersion() < version else { return }
                // Rows already without a parent (deleted by hand with keys off) are not this
                // step's doing: only new ones stop it.
                let orphansBefore = try Self.orphans(db)
                try db.execute(steps[version - 1])
                let orphansAfter = try Self.orphans(db)
                if orphansAfter > orphansBefore {
                    throw SQLiteError(code: 1, message: "migration \(version) left \(orphansAfter - orphansBefore) rows without their parent")
                }
                try db.execute("PRAGMA user_version = \(version)")
                applied.append(version)
            }
        }
        return applied
    }

    /// Rows whose foreign key names no row.
    private static func orphans(_ db: Database) throws -> Int {
        try db.prepare("PRAGMA foreign_key_check").map { _ in 1 }.count
    }
}
