import ReeldeskDomain
import SQLite

/// One row of `users`.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var displayName: String
    public var role: Role
    public var disabled: Bool
    package var passwordHash: String?
    public var monthlyBudgetUSD: Double?

    package static let columns = "id, name, display_name, role, disabled, password_hash, monthly_budget_usd"

    package init(row: Row) { self.init(row: row, offset: 0) }

    package init(id: Int64, name: String, displayName: String, role: Role, disabled: Bool = false, passwordHash: String? = nil,
         monthlyBudgetUSD: Double? = nil) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.role = role
        self.disabled = disabled
        self.passwordHash = passwordHash
        self.monthlyBudgetUSD = monthlyBudgetUSD
    }

    /// Account names: 1–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit (they
    /// appear in URLs, logs and CSV files, and come from the trusted header).
    package static func isValidName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (1...32).contains(u.count), let first = u.first, isAlnum(first) else { return false }
        return u.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) }
}

extension Account {
    /// Reads the account columns starting at column `offset` (for joins).
    package init(row: Row, offset: Int32) {
        id = row.int(offset)
        name = row.text(offset + 1)
        displayName = row.text(offset + 2)
        role = Role(rawValue: row.text(offset + 3)) ?? .viewer
        disabled = row.bool(offset + 4)
        passwordHash = row.optionalText(offset + 5)
        monthlyBudgetUSD = row.optionalDouble(offset + 6)
    }
}
