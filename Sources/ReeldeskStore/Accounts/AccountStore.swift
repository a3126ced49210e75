import Foundation
import ReeldeskDomain
import SQLite

/// Why an account change was refused (worded by the page or the command that asked).
package enum AccountProblem: Error, Equatable {
    case invalidName
    case nameTaken
    case notFound
    case passwordTooShort
    case passwordTooLong
    /// The last enabled admin cannot be disabled or demoted.
    case lastAdmin
}

/// The `users` table. Every change is audited in its own transaction.
package struct AccountStore {
    package let db: Database
    package static let minPasswordLength = 10

    package func find(name: String) throws -> Account? {
        try db.prepare("SELECT \(Account.columns) FROM users WHERE name = ?").bind(name).first(Account.init(row:))
    }

    package func find(id: Int64) throws -> Account? {
        try db.prepare("SELECT \(Account.columns) FROM users WHERE id = ?").bind(id).first(Account.init(row:))
    }

    package func list() throws -> [Account] {
        try db.prepare("SELECT \(Account.columns) FROM users ORDER BY name").map(Account.init(row:))
    }

    package func count() throws -> Int {
        Int(try db.prepare("SELECT COUNT(*) FROM users").first { $0.int(0) } ?? 0)
    }

    package static func checkPassword(_ password: String) throws {
        guard password.count >= minPasswordLength else { throw AccountProblem.passwordTooShort }
        guard password.utf8.count <= PasswordHasher.maxPasswordBytes else { throw AccountProblem.passwordTooLong }
    }

    /// Adds an account; `passwordHash` nil means it signs in only through the trusted header.
    @discardableResult
    package func add(name: String, displayName: String? = nil, role: Role, passwordHash: String?, by actor: Actor,
             now: Double = Date().timeIntervalSince1970) throws -> Account {
        guard Account.isValidName(name), role != .anonymous else { throw AccountProblem.invalidName }
        return try db.writeTransaction {
            if try find(name: name) != nil { throw AccountProblem.nameTaken }
            let display = displayName.map { String($0.prefix(64)) }.flatMap { $0.isEmpty ? nil : $0 } ?? name
            try db.prepare("INSERT INTO users (name, display_name, role, password_hash, created_at, updated_at) VALUES (?,?,?,?,?,?)")
                .bind(name, display, role.rawValue, passwordHash, now, now).run()
            let id = db.lastInsertRowID
            try AuditLog(db: db).record(.userAdd, by: actor, subject: name, detail: ["role": role.rawValue], now: now)
            guard let account = try find(id: id) else { throw AccountProblem.notFound }
            return account
        }
    }

    /// Sets a new password hash; every session of the account ends (a reset locks out whoever
    /// knew the old one). `audited` is false for the silent rehash at login.
    package func setPasswordHash(_ hash: String, for id: Int64, by actor: Actor, audited: Bool = true, now: Double = Date().timeIntervalSince1970) throws {
        try db.writeTransaction {
            guard let a = try find(id: id) else { throw AccountProblem.notFound }
            try db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?").bind(hash, now, id).run()
            if audited {
                try SessionStore(db: db).endAll(userID: id, now: now)
                try AuditLog(db: db).record(.userPassword, by: actor, subject: a.name, now: now)
            }
        }
    }

    package func setRole(_ role: Role, for id: Int64, by actor: Actor, now: Double = Date().timeIntervalSince1970) throws {
        guard role != .anonymous else { throw AccountProblem.invalidName }
        try db.writeTransaction {
            guard let a = try find(id: id) else { throw AccountProblem.notFound }
            guard a.role != role else { return }
            if a.role == .admin, try enabledAdmins() <= 1 { throw AccountProblem.lastAdmin }
            try db.prepare("UPDATE users SET role = ?, updated_at = ? WHERE id = ?").bind(role.rawValue, now, id).run()
            try AuditLog(db: db).record(.userRole, by: actor, subject: a.name, detail: ["from": a.role.rawValue, "to": role.rawValue], now: now)
        }
    }

    /// Disabling ends every session of the account at once (and its open event streams).
    package func setDisabled(_ disabled: Bool, for id: Int64, by actor: Actor, now: Double = Date().timeIntervalSince1970) throws {
        try db.writeTransaction {
            guard let a = try find(id: id) else { throw AccountProblem.notFound }
            guard a.disabled != disabled else { return }
            if disabled, a.role == .admin, try enabledAdmins() <= 1 { throw AccountProblem.lastAdmin }
            try db.prepare("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?").bind(disabled, now, id).run()
            try AuditLog(db: db).record(disabled ? .userDisable : .userEnable, by: actor, subject: a.name, now: now)
            if disabled {
                try SessionStore(db: db).endAll(userID: id, now: now)
                let revoked = try APITokens(db: db).revokeAll(userID: id, now: now)
                if revoked > 0 {
                    try AuditLog(db: db).record(.tokenRevoke, by: actor, subject: a.name,
                                                detail: ["reason": "account_disabled", "tokens": String(revoked)], now: now)
                }
            }
        }
    }

    /// The account's monthly budget in USD (nil: none).
    package func setBudget(_ usd: Double?, for id: Int64, by actor: Actor, now: Double = Date().timeIntervalSince1970) throws {
        try db.writeTransaction {
            guard let a = try find(id: id) else { throw AccountProblem.notFound }
            guard a.monthlyBudgetUSD != usd else { return }
            try db.prepare("UPDATE users SET monthly_budget_usd = ?, updated_at = ? WHERE id = ?").bind(usd, now, id).run()
            try AuditLog(db: db).record(.budgetSet, by: actor, subject: a.name, cost: usd,
                                        detail: ["scope": "user", "usd": usd.map { String(format: "%.2f", $0) } ?? "none"], now: now)
        }
    }

    private func enabledAdmins() throws -> Int {
        Int(try db.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0").first { $0.int(0) } ?? 0)
    }

    package init(db: Database) {
        self.db = db
    }
}
