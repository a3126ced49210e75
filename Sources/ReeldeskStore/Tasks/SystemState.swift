import Foundation
import SQLite

/// Banners for everyone (401 bad key, 402 no balance) and the single-poller lease.
public struct SystemState {
    package let db: Database

    public init(db: Database) { self.db = db }

    /// Takes or renews the lease `name` for `holder`; false when another live holder has it.
    public func acquireLease(_ name: String, holder: String, ttl: Double, now: Double = Date().timeIntervalSince1970) throws -> Bool {
        try db.writeTransaction {
            let current = try db.prepare("SELECT holder, expires_at FROM leases WHERE name = ?").bind(name).first { ($0.text(0), $0.double(1)) }
            if let (other, expires) = current, other != holder, expires > now, !Self.holderIsDeadHere(other) { return false }
            try db.prepare("INSERT INTO leases (name, holder, expires_at) VALUES (?,?,?) ON CONFLICT(name) DO UPDATE SET holder=excluded.holder, expires_at=excluded.expires_at")
                .bind(name, holder, now + ttl).run()
            return true
        }
    }

    /// A lease holder is `host:pid:nonce`. One on this host whose process is gone (kill -9)
    /// can be taken over at once instead of after the lease expires.
    public static func holderName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    package static func holderIsDeadHere(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count == 3, parts[0] == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Gives the lease up (on clean shutdown) so a successor need not wait for it to expire.
    public func releaseLease(_ name: String, holder: String) throws {
        try db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?").bind(name, holder).run()
    }

    public func setAlert(_ kind: String, message: String, now: Double = Date().timeIntervalSince1970) throws {
        try db.prepare("INSERT INTO alerts (kind, message, created_at) VALUES (?,?,?) ON CONFLICT(kind) DO UPDATE SET message=excluded.message")
            .bind(kind, message, now).run()
    }

    /// Removes the banners of these kinds (a call that succeeded proves them wrong).
    public func clearAlerts(_ kinds: [String]) throws {
        for kind in kinds { try db.prepare("DELETE FROM alerts WHERE kind = ?").bind(kind).run() }
    }

    /// Current banners, oldest first.
    public func alerts() throws -> [String] {
        try db.prepare("SELECT message FROM alerts ORDER BY created_at").map { $0.text(0) }
    }
}
