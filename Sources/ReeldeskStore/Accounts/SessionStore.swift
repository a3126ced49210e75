import Foundation
import Hashing
import ReeldeskDomain
import SQLite

/// A signed-in browser: which session row and whose account.
package struct SignedIn: Sendable, Equatable {
    package let sessionID: Int64
    package let account: Account
}

/// Sessions: the browser holds 32 random bytes (hex); the table holds only their SHA-256, so a
/// copy of the database signs nobody in. A session ends at `expires_at` (absolute), after
/// `idle` without a request, at logout, at a password reset and when its account is disabled.
/// Ending one writes a `session.ended` event, which closes that session's open event streams.
package struct SessionStore {
    package let db: Database
    package var lifetime: Double = 14 * 86_400
    package var idle: Double = 3 * 86_400
    /// `last_seen_at` is written at most this often (a write per page view would cost the lock).
    package static let touchInterval: Double = 60

    package static let endedEvent = "session.ended"

    /// Built once: this runs on every request.
    private static let resolveSQL = "SELECT s.id, s.last_seen_at, s.expires_at, " +
        Account.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ") +
        " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"

    /// A new session for `userID`; returns the cookie value (shown once, stored hashed).
    package func create(userID: Int64, now: Double = Date().timeIntervalSince1970) throws -> (token: String, id: Int64) {
        let token = RandomHex.make(bytes: 32)
        try db.prepare("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?,?,?,?,?)")
            .bind(Self.hash(token), userID, now, now, now + lifetime).run()
        // Old sessions are swept here rather than on a timer.
        try db.prepare("DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?").bind(now, now - idle).run()
        return (token, db.lastInsertRowID)
    }

    /// The live session for a cookie value, or nil (unknown, expired, idle too long, disabled).
    package func resolve(_ token: String, now: Double = Date().timeIntervalSince1970) throws -> SignedIn? {
        guard RandomHex.isHex(token, length: 64) else { return nil }
        guard let (sessionID, lastSeen, expires, account) = try db.prepare(Self.resolveSQL).bind(Self.hash(token))
            .first({ r in (r.int(0), r.double(1), r.double(2), Account(row: r, offset: 3)) }) else { return nil }
        guard expires > now, now - lastSeen < idle, !account.disabled else { return nil }
        if now - lastSeen > Self.touchInterval {
            // Best effort, without waiting: a locked database must not slow or fail a page view.
            db.withBusyTimeout(milliseconds: 0) {
                _ = try? db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id = ?").bind(now, sessionID).run()
            }
        }
        return SignedIn(sessionID: sessionID, account: account)
    }

    /// Ends one session (logout).
    package func end(_ sessionID: Int64, now: Double = Date().timeIntervalSince1970) throws {
        try db.writeTransaction {
            try db.prepare("DELETE FROM sessions WHERE id = ?").bind(sessionID).run()
            try appendEnded("{\"session\":\(sessionID)}", now: now)
        }
    }

    /// Ends every session of an account (disabled, password reset).
    package func endAll(userID: Int64, now: Double = Date().timeIntervalSince1970) throws {
        try db.writeTransaction {
            try db.prepare("DELETE FROM sessions WHERE user_id = ?").bind(userID).run()
            try appendEnded("{\"user\":\(userID)}", now: now)
        }
    }

    private func appendEnded(_ facts: String, now: Double) throws {
        try db.prepare("INSERT INTO events (task_id, kind, data, created_at) VALUES (NULL, ?, ?, ?)").bind(Self.endedEvent, facts, now).run()
    }

    package static func hash(_ token: String) -> String { SHA256.hex(SHA256.hash(Array(token.utf8))) }

    package init(db: Database, lifetime: Double = 14 * 86_400, idle: Double = 3 * 86_400) {
        self.db = db
        self.lifetime = lifetime
        self.idle = idle
    }
}
