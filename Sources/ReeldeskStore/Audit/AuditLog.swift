import Foundation
import SQLite

/// Who did something: a signed-in person (with their address) or the command line.
package struct Actor: Sendable {
    package var id: Int64?
    package var name: String
    package var address: String?

    /// `reeldesk user …` run by an operator on the server.
    package static var commandLine: Actor {
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "\(getuid())"
        return Actor(id: nil, name: "cli:" + user, address: nil)
    }

    package init(id: Int64? = nil, name: String, address: String? = nil) {
        self.id = id
        self.name = name
        self.address = address
    }
}

/// What the audit log records. Stored as these codes; the words are rendered at the edge.
package enum AuditAction: String, CaseIterable, Sendable {
    case login = "login"
    case logout = "logout"
    case loginFailed = "login.failed"
    case loginThrottled = "login.throttled"
    case taskSubmit = "task.submit"
    case taskRegenerate = "task.regenerate"
    case taskRemix = "task.remix"
    case taskRetry = "task.retry"
    case taskCancel = "task.cancel"
    case taskDelete = "task.delete"
    case taskVisibility = "task.visibility"
    case taskTags = "task.tags"
    case tokenCreate = "token.create"
    case tokenRevoke = "token.revoke"
    case submitRefused = "task.refused"
    case userAdd = "user.add"
    case userRole = "user.role"
    case userDisable = "user.disable"
    case userEnable = "user.enable"
    case userPassword = "user.password"
    case budgetSet = "budget.set"
    case settingSet = "setting.set"
}

/// One row of the audit log.
package struct AuditEntry: Sendable, Equatable {
    package var id: Int64 = 0
    package var at: Double
    package var actorID: Int64?
    package var actorName: String?
    package var action: String
    package var taskID: Int64?
    package var subject: String?
    package var paramsHash: String?
    package var costUSD: Double?
    /// JSON object of codes and values.
    package var detail: String?
    package var address: String?
}

/// The append-only audit table (SQLite triggers refuse UPDATE and DELETE). `record` joins the
/// caller's transaction, so an action and its row commit together or not at all.
package struct AuditLog {
    package let db: Database

    package func record(_ action: AuditAction, by actor: Actor, taskID: Int64? = nil, subject: String? = nil, paramsHash: String? = nil,
                cost: Double? = nil, detail: [String: String] = [:], now: Double = Date().timeIntervalSince1970) throws {
        let json = detail.isEmpty ? nil : (try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
        try db.prepare("""
            INSERT INTO audit (at, actor_id, actor_name, action, task_id, subject, params_hash, cost_usd, detail, address)
            VALUES (?,?,?,?,?,?,?,?,?,?)
            """).bind(now, actor.id, actor.name, action.rawValue, taskID, subject, paramsHash, cost, json, actor.address).run()
    }

    package struct Filter: Sendable, Equatable {
        package var actor: String?
        package var action: String?
        package var taskID: Int64?
        package var since: Double?
        package var until: Double?

        package init(actor: String? = nil, action: String? = nil, taskID: Int64? = nil, since: Double? = nil, until: Double? = nil) {
            self.actor = actor
            self.action = action
            self.taskID = taskID
            self.since = since
            self.until = until
        }
    }

    /// Newest first; `before` is a keyset cursor (an id).
    package func entries(_ f: Filter, before: Int64? = nil, limit: Int) throws -> [AuditEntry] {
        var sql = "SELECT id, at, actor_id, actor_name, action, task_id, subject, params_hash, cost_usd, detail, address FROM audit WHERE id < ?"
        var binds: [SQLBindable] = [before ?? Int64.max]
        if let a = f.actor { sql += " AND actor_name = ?"; binds.append(a) }
        if let a = f.action { sql += " AND action = ?"; binds.append(a) }
        if let t = f.taskID { sql += " AND task_id = ?"; binds.append(t) }
        if let s = f.since { sql += " AND at >= ?"; binds.append(s) }
        if let u = f.until { sql += " AND at < ?"; binds.append(u) }
        sql += " ORDER BY id DESC LIMIT ?"
        binds.append(limit)
        return try db.prepare(sql).bind(binds).map { r in
            AuditEntry(id: r.int(0), at: r.double(1), actorID: r.optionalInt(2), actorName: r.optionalText(3), action: r.text(4),
                       taskID: r.optionalInt(5), subject: r.optionalText(6), paramsHash: r.optionalText(7), costUSD: r.optionalDouble(8),
                       detail: r.optionalText(9), address: r.optionalText(10))
        }
    }

    package init(db: Database) {
        self.db = db
    }
}
