/// A failed SQLite call, with the result code, SQLite's message and the statement involved.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// SQLITE_BUSY / SQLITE_LOCKED: another connection held the lock past `busy_timeout`.
    public var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
    /// SQLITE_CONSTRAINT.
    public var isConstraint: Bool { code & 0xFF == 19 }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in `\($0.prefix(120))`" } ?? "")
    }
}
