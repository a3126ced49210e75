import Foundation
import ReeldeskDomain
import SQLite

/// Why a submission was refused before anything went upstream.
package enum SpendRefusal: Error, Equatable {
    /// The person's monthly budget: what it is, what is spent or committed, and the overrun.
    case personalBudget(budget: Double, committed: Double, cost: Double)
    case teamBudget(budget: Double, committed: Double, cost: Double)
    /// Too many of the person's tasks are queued or running.
    case inFlight(cap: Int)

    package var overBy: Double {
        switch self {
        case .personalBudget(let b, let c, let cost), .teamBudget(let b, let c, let cost): c + cost - b
        case .inFlight: 0
        }
    }
}

/// Spend this month (UTC calendar month): completed tasks at their final cost, kept in the
/// `spend` ledger (one row per month and owner, added to in the transaction that completes a
/// task). Budgets also count what is still running at its estimate, so a burst of submissions
/// cannot overrun them.
package struct Spending {
    package let db: Database

    package static func monthStart(_ now: Double) -> Double {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let parts = cal.dateComponents([.year, .month], from: Date(timeIntervalSince1970: now))
        return cal.date(from: parts)!.timeIntervalSince1970
    }

    /// `2026-11`: the ledger's month of a moment (UTC), as SQLite's strftime('%Y-%m') writes it.
    package static func monthKey(_ t: Double) -> String {
        var seconds = time_t(t.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let month = Int(parts.tm_mon) + 1
        return "\(Int(parts.tm_year) + 1900)-\(month < 10 ? "0" : "")\(month)"
    }

    /// Adds a completed task's cost to its month; call in the transaction that completes it.
    package func record(_ usd: Double, owner: Int64?, completedAt: Double) throws {
        try db.prepare("""
            INSERT INTO spend (month, owner_id, usd, tasks) VALUES (?, ?, ?, 1)
            ON CONFLICT(month, owner_id) DO UPDATE SET usd = usd + excluded.usd, tasks = tasks + 1
            """).bind(Self.monthKey(completedAt), owner ?? 0, usd).run()
    }

    /// Completed this month, for one owner or (nil) everyone.
    package func spent(owner: Int64?, now: Double = Date().timeIntervalSince1970) throws -> Double {
        if let owner {
            return try db.prepare("SELECT usd FROM spend WHERE month = ? AND owner_id = ?").bind(Self.monthKey(now), owner).first { $0.double(0) } ?? 0
        }
        return try db.prepare("SELECT COALESCE(SUM(usd), 0) FROM spend WHERE month = ?").bind(Self.monthKey(now)).first { $0.double(0) } ?? 0
    }

    /// Estimates of tasks still queued or running.
    package func inFlight(owner: Int64?) throws -> (count: Int, cost: Double) {
        let sql = "SELECT COUNT(*), COALESCE(SUM(estimated_cost_usd), 0) FROM tasks WHERE status IN \(TaskStatus.activeSQLList)"
        if let owner {
            return try db.prepare(sql + " AND owner_id = ?").bind(owner).first { (Int($0.int(0)), $0.double(1)) } ?? (0, 0)
        }
        return try db.prepare(sql).first { (Int($0.int(0)), $0.double(1)) } ?? (0, 0)
    }

    /// Throws a `SpendRefusal` when `account` may not start a task costing `cost` now. Call in
    /// the transaction that stores the task, so two tabs cannot both take the last dollar.
    package func admit(_ account: Account, cost: Double, settings: TeamSettings, now: Double = Date().timeIntervalSince1970) throws {
        let mine = try inFlight(owner: account.id)
        if mine.count >= settings.maxInFlightPerUser { throw SpendRefusal.inFlight(cap: settings.maxInFlightPerUser) }
        if let budget = account.monthlyBudgetUSD {
            let committed = try spent(owner: account.id, now: now) + mine.cost
            if committed + cost > budget + 1e-9 { throw SpendRefusal.personalBudget(budget: budget, committed: committed, cost: cost) }
        }
        if let budget = settings.teamMonthlyBudgetUSD {
            let committed = try spent(owner: nil, now: now) + inFlight(owner: nil).cost
            if committed + cost > budget + 1e-9 { throw SpendRefusal.teamBudget(budget: budget, committed: committed, cost: cost) }
        }
    }

    /// Spend this month per account, largest first (the admin chart).
    package func perUser(now: Double = Date().timeIntervalSince1970) throws -> [(name: String, spent: Double, budget: Double?)] {
        try db.prepare("""
            SELECT u.name, COALESCE(s.usd, 0) AS spent, u.monthly_budget_usd
            FROM users u LEFT JOIN spend s ON s.owner_id = u.id AND s.month = ? ORDER BY spent DESC, u.name
            """).bind(Self.monthKey(now)).map { ($0.text(0), $0.double(1), $0.optionalDouble(2)) }
    }

    package init(db: Database) {
        self.db = db
    }
}
