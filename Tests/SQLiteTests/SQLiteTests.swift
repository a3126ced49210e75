import Foundation
import Testing
@testable import SQLite

@Suite struct SQLiteTests {
    func tempDB() throws -> Database {
        try Database(path: NSTemporaryDirectory() + "sqlite-test-\(UUID().uuidString).db")
    }

    @Test func bindStepAndReadEveryType() throws {
        let db = try tempDB()
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)")
        try db.prepare("INSERT INTO t VALUES (?,?,?,?)").bind(Int64(1) << 40, 2.5, "中文 ' quote", String?.none).run()
        let row = try #require(try db.prepare("SELECT i, r, s, n FROM t").step())
        #expect(row.int(0) == 1 << 40)
        #expect(row.double(1) == 2.5)
        #expect(row.text(2) == "中文 ' quote")
        #expect(row.optionalText(3) == nil)
    }

    @Test func walModeIsOn() throws {
        let db = try tempDB()
        let mode = try db.prepare("PRAGMA journal_mode").step()?.text(0)
        #expect(mode == "wal")
    }

    @Test func failedTransactionRollsBack() throws {
        let db = try tempDB()
        try db.execute("CREATE TABLE t (v INTEGER UNIQUE)")
        #expect(throws: SQLiteError.self) {
            try db.writeTransaction {
                try db.prepare("INSERT INTO t VALUES (1)").run()
                try db.prepare("INSERT INTO t VALUES (1)").run()
            }
        }
        #expect(try db.prepare("SELECT COUNT(*) FROM t").step()?.int(0) == 0)
    }

    @Test func migrationsApplyOnceInOrder() throws {
        let db = try tempDB()
        let m = Migrator(steps: ["CREATE TABLE a (x)", "CREATE TABLE b (y)"])
        #expect(try m.migrate(db) == [1, 2])
        #expect(try m.migrate(db) == [])
        #expect(try db.userVersion() == 2)
    }

    @Test func brokenMigrationLeavesNoHalfStep() throws {
        let db = try tempDB()
        #expect(throws: SQLiteError.self) { try Migrator(steps: ["CREATE TABLE a (x)", "CREATE TABLE b (y); SELEC nonsense"]).migrate(db) }
        #expect(try db.userVersion() == 1)
        let tables = try db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").map { $0.text(0) }
        #expect(tables == ["a"])
    }

    @Test func newerDatabaseIsRefused() throws {
        let db = try tempDB()
        try db.execute("PRAGMA user_version = 9")
        #expect(throws: SQLiteError.self) { try Migrator(steps: ["CREATE TABLE a (x)"]).migrate(db) }
    }

    @Test func readsAlwaysSeeOtherConnectionsCommits() throws {
        // A statement left mid-iteration would pin db1 to an old WAL snapshot.
        let path = NSTemporaryDirectory() + "sqlite-snap-\(UUID().uuidString).db"
        let db1 = try Database(path: path), db2 = try Database(path: path)
        try db1.execute("CREATE TABLE t (v INTEGER)")
        _ = try db1.userVersion()
        _ = try db1.prepare("SELECT COUNT(*) FROM t").first { $0.int(0) }
        try db2.prepare("INSERT INTO t VALUES (1)").run()
        #expect(try db1.prepare("SELECT COUNT(*) FROM t").first { $0.int(0) } == 1)
        #expect(try db1.prepare("SELECT v FROM t").map { $0.int(0) } == [1])
    }

    @Test func badSQLNamesTheStatement() throws {
        let db = try tempDB()
        do {
            _ = try db.prepare("SELECT * FROM missing_table")
            Issue.record("expected an error")
        } catch let e as SQLiteError {
            #expect(e.description.contains("missing_table"))
        }
    }
}
