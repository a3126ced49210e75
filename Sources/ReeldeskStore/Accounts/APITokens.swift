import Foundation
import ReeldeskDomain
import SQLite

/// Personal API tokens (`Authorization: Bearer rdk_…`) for scripts: made on the account page,
/// shown once, kept as a SHA-256 like sessions, revocable, and dead with a disabled account.
package struct APITokens {
    package let db: Database

    package static let prefix = "rdk_"
    /// last_used_at is written at most this often (seconds).
    package static let touchInterval = 60.0
    package static let maxPerAccount = 20

    package struct Token: Equatable {
        package let id: Int64
        package let name: String
        package let createdAt: Double
        package let lastUsedAt: Double?
    }

    /// A new token for `userID`; the returned value is the only time it exists in clear.
    package func create(userID: Int64, name: String, now: Double = Date().timeIntervalSince1970) throws -> (token: String, id: Int64) {
        let token = Self.prefix + RandomHex.make(bytes: 32)
        try db.prepare("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)")
            .bind(userID, name, SessionStore.hash(token), now).run()
        return (token, db.lastInsertRowID)
    }

    package func live(userID: Int64) throws -> [Token] {
        try db.prepare("SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id")
            .bind(userID).map { Token(id: $0.int(0), name: $0.text(1), createdAt: $0.double(2), lastUsedAt: $0.optionalDouble(3)) }
    }

    /// Revokes one of `userID`'s own tokens; false when there is no such live token.
    package func revoke(id: Int64, userID: Int64, now: Double = Date().timeIntervalSince1970) throws -> Bool {
        try db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL").bind(now, id, userID).run()
        return db.changes > 0
    }

    /// Revokes every live token of `userID` (its account is disabled: enabling it later must not
    /// bring them back); returns how many.
    package func revokeAll(userID: Int64, now: Double = Date().timeIntervalSince1970) throws -> Int {
        try db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL").bind(now, userID).run()
        return db.changes
    }

    private static let resolveSQL = "SELECT t.id, t.last_used_at, " +
        Account.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ") +
        " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL"

    /// The account of a live token, or nil (unknown, revoked, malformed, account disabled).
    package func resolve(_ token: String, now: Double = Date().timeIntervalSince1970) throws -> Account? {
        guard token.hasPrefix(Self.prefix), RandomHex.isHex(String(token.dropFirst(Self.prefix.count)), length: 64) else { return nil }
        guard let (id, lastUsed, account) = try db.prepare(Self.resolveSQL).bind(SessionStore.hash(token))
            .first({ r in (r.int(0), r.optionalDouble(1), Account(row: r, offset: 2)) }), !account.disabled else { return nil }
        if now - (lastUsed ?? 0) > Self.touchInterval {
            db.withBusyTimeout(milliseconds: 0) {
                _ = try? db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").bind(now, id).run()
            }
        }
        return account
    }

    package init(db: Database) {
        self.db = db
    }
}
