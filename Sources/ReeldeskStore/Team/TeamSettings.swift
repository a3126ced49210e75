import Foundation
import ReeldeskDomain
import ReeldeskSystem
import SQLite

/// Team-wide settings an admin changes in the portal (the `settings` table), with defaults
/// from the configuration. Read once per request that needs them.
package struct TeamSettings: Sendable, Equatable {
    package var defaultVisibility: Visibility = .team
    /// US$ per million video tokens with and without audio (CONTRACT.md §6).
    package var ratePerMillionWithAudio: Double = 2.4
    package var ratePerMillionSilent: Double = 1.2
    /// The whole team's monthly budget (nil: none).
    package var teamMonthlyBudgetUSD: Double?
    /// Tasks one person may have queued or running.
    package var maxInFlightPerUser: Int

    package enum Key: String, CaseIterable {
        case defaultVisibility = "default_visibility"
        case rateWithAudio = "rate_audio"
        case rateSilent = "rate_silent"
        case teamBudget = "team_budget_usd"
        case maxInFlight = "max_in_flight"
    }

    package static func load(_ db: Database, config: Config) throws -> TeamSettings {
        var s = TeamSettings(maxInFlightPerUser: config.maxInFlightPerUser)
        for (key, value) in try db.prepare("SELECT key, value FROM settings").map({ ($0.text(0), $0.text(1)) }) {
            switch Key(rawValue: key) {
            case .defaultVisibility: s.defaultVisibility = Visibility(rawValue: value) ?? s.defaultVisibility
            case .rateWithAudio: s.ratePerMillionWithAudio = Double(value) ?? s.ratePerMillionWithAudio
            case .rateSilent: s.ratePerMillionSilent = Double(value) ?? s.ratePerMillionSilent
            case .teamBudget: s.teamMonthlyBudgetUSD = Double(value)
            case .maxInFlight: s.maxInFlightPerUser = Int(value) ?? s.maxInFlightPerUser
            case nil: continue
            }
        }
        return s
    }

    /// Stores the settings that differ from `old`, each audited.
    package func save(replacing old: TeamSettings, db: Database, by actor: Actor, now: Double = Date().timeIntervalSince1970) throws {
        let pairs: [(Key, String, String)] = [
            (.defaultVisibility, old.defaultVisibility.rawValue, defaultVisibility.rawValue),
            (.rateWithAudio, Self.number(old.ratePerMillionWithAudio), Self.number(ratePerMillionWithAudio)),
            (.rateSilent, Self.number(old.ratePerMillionSilent), Self.number(ratePerMillionSilent)),
            (.teamBudget, old.teamMonthlyBudgetUSD.map(Self.number) ?? "", teamMonthlyBudgetUSD.map(Self.number) ?? ""),
            (.maxInFlight, "\(old.maxInFlightPerUser)", "\(maxInFlightPerUser)"),
        ]
        try db.writeTransaction {
            for (key, before, after) in pairs where before != after {
                try db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?,?,?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                    .bind(key.rawValue, after, now).run()
                let action: AuditAction = key == .teamBudget ? .budgetSet : .settingSet
                try AuditLog(db: db).record(action, by: actor, subject: key == .teamBudget ? "team" : key.rawValue,
                                            cost: key == .teamBudget ? teamMonthlyBudgetUSD : nil,
                                            detail: ["from": before.isEmpty ? "none" : before, "to": after.isEmpty ? "none" : after], now: now)
            }
        }
    }

    /// The estimated upstream cost of `p` at these rates.
    package func estimatedCost(_ p: VideoParameters) -> Double {
        p.estimatedCostUSD(perMillionWithAudio: ratePerMillionWithAudio, perMillionSilent: ratePerMillionSilent)
    }

    package static func number(_ d: Double) -> String { String(format: "%.4f", d) }

    package init(
        defaultVisibility: Visibility = .team,
        ratePerMillionWithAudio: Double = 2.4,
        ratePerMillionSilent: Double = 1.2,
        teamMonthlyBudgetUSD: Double? = nil,
        maxInFlightPerUser: Int
    ) {
        self.defaultVisibility = defaultVisibility
        self.ratePerMillionWithAudio = ratePerMillionWithAudio
        self.ratePerMillionSilent = ratePerMillionSilent
        self.teamMonthlyBudgetUSD = teamMonthlyBudgetUSD
        self.maxInFlightPerUser = maxInFlightPerUser
    }
}
