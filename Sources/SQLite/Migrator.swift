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
        for version in (current + 1)..<(steps.count + 1) {
            try db.writeTransaction {
                // Re-check under the write lock: another process may have migrated meanwhile.
                guard try db.userVersion() < version else { return }
                try db.execute(steps[version - 1])
                try db.execute("PRAGMA user_version = \(version)")
                applied.append(version)
            }
        }
        return applied
    }
}
