import Foundation
import SQLite

/// Limits password guessing: after `perAccount` failures for one account name, or `perAddress`
/// from one address, within `window` seconds, further attempts are refused without checking the
/// password. Kept in the database, so a restart or another worker does not reset it.
package struct LoginThrottle {
    package let db: Database
    package static let perAccount = 5
    package static let perAddress = 20
    package static let window: Double = 60

    package func isThrottled(account: String, address: String, now: Double = Date().timeIntervalSince1970) throws -> Bool {
        let since = now - Self.window
        let byAccount = try db.prepare("SELECT COUNT(*) FROM login_failures WHERE account = ? AND at > ?").bind(account.lowercased(), since).first { $0.int(0) } ?? 0
        if byAccount >= Self.perAccount { return true }
        let byAddress = try db.prepare("SELECT COUNT(*) FROM login_failures WHERE address = ? AND at > ?").bind(address, since).first { $0.int(0) } ?? 0
        return byAddress >= Self.perAddress
    }

    package func recordFailure(account: String, address: String, now: Double = Date().timeIntervalSince1970) throws {
        try db.prepare("INSERT INTO login_failures (account, address, at) VALUES (?,?,?)").bind(account.lowercased(), address, now).run()
        try db.prepare("DELETE FROM login_failures WHERE at < ?").bind(now - 3600).run()
    }

    package func clear(account: String) throws {
        try db.prepare("DELETE FROM login_failures WHERE account = ?").bind(account.lowercased()).run()
    }

    package init(db: Database) {
        self.db = db
    }
}
