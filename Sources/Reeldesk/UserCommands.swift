import FastCGI
import Foundation
import ReeldeskDomain
import ReeldeskStore
import ReeldeskSystem
import SQLite

/// What `reeldesk user …` does, for the command-line target: each returns the line to print or
/// throws `UserCommandError` with the message. Changes are audited as `cli:<unix user>`.
public struct UserCommands {
    package let config: Config
    package let db: Database

    public init(config: Config) throws {
        try DataDirectory.prepare(config)
        self.config = config
        self.db = try Database(path: config.databasePath)
        try Schema.migrate(db)
    }

    /// `user add NAME [--admin|--viewer]`; `password` nil makes a random one, returned in the line.
    public func add(name: String, role: String, password: String?) throws -> String {
        guard let role = Role(rawValue: role), Role.assignable.contains(role) else { throw UserCommandError("unknown role \(role)") }
        let chosen = password ?? Passwords.random()
        do {
            try AccountStore.checkPassword(chosen)
            try AccountStore(db: db).add(name: name, role: role, passwordHash: try PasswordHasher().hash(chosen), by: .commandLine)
        } catch let p as AccountProblem {
            throw UserCommandError(p.message(name: name))
        }
        return password == nil ? "Added \(role.rawValue) \(name) with password: \(chosen)" : "Added \(role.rawValue) \(name)."
    }

    /// `user passwd NAME`: a new password; every session of the account ends.
    public func passwd(name: String, password: String?) throws -> String {
        let account = try find(name)
        let chosen = password ?? Passwords.random()
        do {
            try AccountStore.checkPassword(chosen)
            try AccountStore(db: db).setPasswordHash(try PasswordHasher().hash(chosen), for: account.id, by: .commandLine)
        } catch let p as AccountProblem {
            throw UserCommandError(p.message(name: name))
        }
        WakeSocket.send(to: config.hubWakePath)
        return password == nil ? "New password for \(name): \(chosen)" : "Password of \(name) changed; their sessions ended."
    }

    /// `user disable NAME` / `user enable NAME`: a disabled account's sessions and streams end now.
    public func setDisabled(name: String, _ disabled: Bool) throws -> String {
        let account = try find(name)
        do {
            try AccountStore(db: db).setDisabled(disabled, for: account.id, by: .commandLine)
        } catch let p as AccountProblem {
            throw UserCommandError(p.message(name: name))
        }
        WakeSocket.send(to: config.hubWakePath)
        return disabled ? "Disabled \(name); their sessions ended." : "Enabled \(name)."
    }

    /// `user list`: name, role, status, display name.
    public func list() throws -> [String] {
        try AccountStore(db: db).list().map { a in
            [a.name, a.role.rawValue, a.disabled ? "disabled" : "active", a.displayName].joined(separator: "\t")
        }
    }

    /// On a first start with no accounts: creates `admin` with a random password and returns
    /// the line that shows it (printed once to the terminal, never to a log file). Nil otherwise.
    public func bootstrap() throws -> String? {
        guard try AccountStore(db: db).count() == 0 else { return nil }
        let password = Passwords.random()
        try AccountStore(db: db).add(name: "admin", displayName: "Administrator", role: .admin,
                                     passwordHash: try PasswordHasher().hash(password), by: .commandLine)
        return "First start: created the account admin with password \(password)  (shown only now; change it with `reeldesk user passwd admin`)"
    }

    private func find(_ name: String) throws -> Account {
        guard let a = try AccountStore(db: db).find(name: name) else { throw UserCommandError("there is no account \(name)") }
        return a
    }
}

public struct UserCommandError: Error, CustomStringConvertible {
    public let description: String
    package init(_ message: String) { description = message }
}
