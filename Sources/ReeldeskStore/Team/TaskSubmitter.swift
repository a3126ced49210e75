import Foundation
import Hashing
import ReeldeskDomain
import ReeldeskSystem
import SQLite

/// The one way a person starts a task (new, remix, regenerate, retry): owner and visibility
/// set, cost estimated at the team's rates, the in-flight cap and both budgets checked, the
/// task stored and the audit row written, all in one transaction. A refusal stores nothing
/// and sends nothing upstream; it is audited on its own.
package struct TaskSubmitter {
    package let config: Config
    package let store: TaskStore

    package init(config: Config, store: TaskStore) {
        self.config = config
        self.store = store
    }

    package var db: Database { store.db }

    /// `plan` builds the task inside the transaction (so checks such as "retried already" hold
    /// until it is stored). Returns the existing task when the form's token was used before.
    package func submit(_ action: AuditAction, by account: Account?, as actor: Actor, visibility: Visibility? = nil,
                plan: () throws -> NewTask) throws -> (task: TaskRecord, isNew: Bool) {
        guard let account, account.role >= .member else { throw Refusal.roleTooLow }
        let settings = try TeamSettings.load(db, config: config)
        var estimate = 0.0
        do {
            return try db.writeTransaction {
                var new = try plan()
                if let token = new.submissionToken, let existing = try store.taskForSubmission(token) { return (existing, false) }
                new.ownerID = account.id
                new.visibility = visibility ?? settings.defaultVisibility
                estimate = settings.estimatedCost(new.parameters)
                new.estimatedCostUSD = estimate
                try Spending(db: db).admit(account, cost: estimate, settings: settings)
                let made = try store.create(new)
                if made.isNew {
                    try AuditLog(db: db).record(action, by: actor, taskID: made.task.id,
                                                paramsHash: made.task.parameters.fingerprint, cost: estimate,
                                                detail: made.task.parentTaskID.map { ["parent": String($0)] } ?? [:])
                }
                return made
            }
        } catch let refusal as SpendRefusal {
            try? AuditLog(db: db).record(.submitRefused, by: actor, cost: estimate, detail: refusal.auditDetail)
            throw refusal
        }
    }
}

extension SpendRefusal {
    /// Codes and figures for the audit log (no sentences).
    package var auditDetail: [String: String] {
        switch self {
        case .personalBudget(let b, _, _): ["reason": "user_budget", "budget": String(format: "%.2f", b), "over": String(format: "%.2f", overBy)]
        case .teamBudget(let b, _, _): ["reason": "team_budget", "budget": String(format: "%.2f", b), "over": String(format: "%.2f", overBy)]
        case .inFlight(let cap): ["reason": "in_flight", "cap": String(cap)]
        }
    }
}

extension VideoParameters {
    /// SHA-256 of every parameter that shapes the video (the audit log's parameters hash):
    /// equal for a regeneration with a chosen seed, different for any change.
    package var fingerprint: String {
        let fields: [String] = [prompt, model, String(duration), aspectRatio.rawValue, resolution.rawValue, seed.map(String.init) ?? "",
                                audio ? "1" : "0", cameraFixed ? "1" : "0", firstFrameURL ?? "", lastFrameURL ?? ""]
        return SHA256.hex(SHA256.hash(Array(fields.joined(separator: "\u{1F}").utf8)))
    }
}
