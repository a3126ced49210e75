import CSQLite3

/// One SQLite connection. Not thread-safe by design: each thread opens its own (see PITFALLS.md).
/// Statements are cached per SQL text, so a hot query is prepared once per connection.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    /// How long a statement waits for another connection's write lock.
    public let busyTimeoutMilliseconds: Int32
    private var cache: [String: Statement] = [:]
    static let maxCachedStatements = 256

    /// Opens (creating if needed) the database at `path` in WAL mode with a busy timeout.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "\(message) (\(path))")
        }
        self.handle = db
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows (schema, pragmas).
    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// A prepared statement for `sql`, reused across calls (reset and unbound before return).
    public func prepare(_ sql: String) throws -> Statement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        // Searches make SQL from the filters a person combines: the cache must not grow with them.
        // A statement still held by a caller lives on until it is released.
        if cache.count >= Self.maxCachedStatements { cache.removeAll(keepingCapacity: true) }
        cache[sql] = statement
        return statement
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (rolled back if it throws). IMMEDIATE takes
    /// the write lock up front, so `busy_timeout` applies instead of a lock-upgrade SQLITE_BUSY.
    /// Inside another transaction it joins that one (so a change and its audit row commit together).
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if sqlite3_get_autocommit(handle) == 0 { return try body() }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` with another busy timeout (e.g. 0 for a best-effort write that must not wait).
    public func withBusyTimeout<T>(milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
        sqlite3_busy_timeout(handle, milliseconds)
        defer { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        return try body()
    }

    /// The rowid of the last INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// `PRAGMA user_version`, the applied migration number.
    public func userVersion() throws -> Int {
        Int(try prepare("PRAGMA user_version").first { $0.int(0) } ?? 0)
    }
}
