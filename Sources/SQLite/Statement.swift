import CSQLite3

/// A value that can be bound to a statement parameter.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Swift values usable as statement parameters.
public protocol SQLBindable { var sqlValue: SQLValue { get } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A prepared statement owned by one `Database`. Bind by position (1-based), then step.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw SQLiteError(code: rc, message: database.lastErrorMessage, sql: sql)
        }
        self.handle = stmt
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds values to parameters 1…n.
    @discardableResult
    public func bind(_ values: [SQLBindable]) throws -> Statement {
        for (i, v) in values.enumerated() { try bind(v.sqlValue, at: Int32(i + 1)) }
        return self
    }

    /// Binds values to parameters 1…n.
    @discardableResult
    public func bind(_ values: SQLBindable...) throws -> Statement { try bind(values) }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            // By byte count, not up to the first NUL: a NUL inside a value must not cut it short.
            var text = v
            rc = v.isEmpty ? sqlite3_bind_text(handle, index, "", 0, Self.transient) : text.withUTF8 { buf in
                buf.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, Int32(buf.count), Self.transient) }
            }
        case .blob(let v): rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
        if rc != SQLITE_OK { throw SQLiteError(code: rc, message: database.lastErrorMessage, sql: sql) }
    }

    /// Advances one row; nil when done. The returned `Row` is valid until the next step.
    /// Prefer `first`, `map` or `run`, which reset the statement afterwards.
    public func step() throws -> Row? {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return Row(handle: handle)
        case SQLITE_DONE: return nil
        default:
            let error = SQLiteError(code: rc, message: database.lastErrorMessage, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    // `run`, `first` and `map` reset the statement when done: a statement left mid-iteration
    // keeps its read transaction open, and in WAL mode that pins the connection to an old
    // snapshot (new rows from other connections stay invisible) and blocks checkpoints.

    /// Steps to the end, for statements that return no rows.
    public func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() != nil {}
    }

    /// The first row through `transform`, or nil when there is none.
    public func first<T>(_ transform: (Row) throws -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        return try step().map(transform)
    }

    /// Maps every row through `transform`.
    public func map<T>(_ transform: (Row) throws -> T) throws -> [T] {
        defer { sqlite3_reset(handle) }
        var out: [T] = []
        while let row = try step() { out.append(try transform(row)) }
        return out
    }
}

/// The current row of a stepping statement (0-based column indexes).
public struct Row {
    let handle: OpaquePointer

    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    public func int(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
    public func optionalInt(_ i: Int32) -> Int64? { isNull(i) ? nil : int(i) }
    public func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
    public func bool(_ i: Int32) -> Bool { int(i) != 0 }

    public func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    public func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
}
