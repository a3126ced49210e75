import Foundation
@testable import Reeldesk
import ReeldeskStore
import ReeldeskWeb
import SQLite
import Testing
import WebCore

/// No id that reached a URL, the audit log, an event or a webhook is ever given out twice, and a
/// database made by the release before this rule migrates with everything intact.
@Suite struct IDReuseTests {
    /// The schema the previous release shipped (before the AUTOINCREMENT rebuild).
    static let previousRelease = 9

    @Test func deletingTheNewestTaskDoesNotFreeItsNumber() throws {
        let store = TaskStore(db: try Fixtures.migratedDatabase())
        let first = try store.create(NewTask(parameters: Fixtures.parameters)).task
        let newest = try store.create(NewTask(parameters: Fixtures.parameters)).task
        try store.update(newest.id) { $0.status = .failed }
        _ = try store.delete(newest.id)
        let next = try store.create(NewTask(parameters: Fixtures.parameters)).task
        #expect(next.id > newest.id && newest.id > first.id, "task \(next.id) after deleting \(newest.id)")
    }

    @Test func everyTableWhoseIDsLeaveTheProcessCountsUpOnly() throws {
        let db = try Fixtures.migratedDatabase()
        for table in ["tasks", "users", "api_tokens", "webhook_outbox", "events", "audit"] {
            let sql = try #require(try db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").bind(table).first { $0.text(0) })
            #expect(sql.contains("AUTOINCREMENT"), "\(table): \(sql.prefix(80))")
        }
    }

    @Test func aPreviousReleaseDatabaseMigratesWithEveryRowIDTagFavouriteAuditRowAndSearchResult() throws {
        let path = NSTemporaryDirectory() + "reeldesk-prev-\(UUID().uuidString).sqlite3"
        do {
            let old = try Database(path: path)
            try Migrator(steps: Array(Schema.migrations.prefix(Self.previousRelease))).migrate(old)
            try fillAsThePreviousReleaseDid(old)
        }
        let db = try Database(path: path)
        #expect(try Schema.migrate(db) == Array((Self.previousRelease + 1)...Schema.migrations.count))
        let ids = try db.prepare("SELECT id FROM tasks ORDER BY id").map { $0.int(0) }
        #expect(ids == [1, 2, 3, 5], "every task keeps its id")
        #expect(try db.prepare("SELECT prompt, parent_task_id, tags FROM tasks WHERE id = 5").first { [$0.text(0), String($0.int(1)), $0.text(2)] }
                == ["a remix of the fox at dusk", "1", #"["dusk","fox"]"#])
        #expect(try db.prepare("SELECT task_id, tag FROM task_tags ORDER BY task_id, tag").map { "\($0.int(0)):\($0.text(1))" }
                == ["1:night", "5:dusk", "5:fox"])
        #expect(try db.prepare("SELECT user_id, task_id FROM favourites ORDER BY task_id").map { "\($0.int(0)):\($0.int(1))" } == ["2:1", "2:5"])
        #expect(try db.prepare("SELECT action, task_id FROM audit ORDER BY id").map { "\($0.text(0)) \($0.int(1))" }
                == ["task.submit 1", "task.submit 2", "task.submit 3", "task.submit 4", "task.delete 4", "task.submit 5", "task.submit 6", "task.delete 6"])
        #expect(try db.prepare("SELECT COUNT(*) FROM audit").first { $0.int(0) } == 8)
        #expect(throws: SQLiteError.self, "the audit log stays append-only") { try db.execute("DELETE FROM audit") }
        #expect(try db.prepare("SELECT id, name FROM api_tokens").map { "\($0.int(0)) \($0.text(1))" } == ["1 laptop"])
        #expect(try db.prepare("SELECT id, task_id FROM webhook_outbox").map { "\($0.int(0)) \($0.int(1))" } == ["1 3"])
        #expect(try db.prepare("SELECT token FROM submissions").map { $0.text(0) } == ["1:" + String(repeating: "ab", count: 16)],
                "a used form token is kept under its task's owner")
        #expect(try db.prepare("PRAGMA foreign_keys").first { $0.int(0) } == 1, "foreign keys are back on")
        #expect(try db.prepare("PRAGMA integrity_check").first { $0.text(0) } == "ok")
        try db.execute("INSERT INTO task_search (task_search, rank) VALUES ('integrity-check', 1)")

        let store = TaskStore(db: db)
        let viewer = Viewer.testing(.admin, id: 1)
        func found(_ q: String) throws -> [Int64] {
            try store.visible(to: viewer).keys(limit: 100, filter: try Fixtures.filter("q=\(q)")).map(\.id)
        }
        #expect(try found("fox") == [5, 1])
        #expect(try found("%E7%8B%90%E7%8B%B8") == [2], "a two-character Chinese word")
        #expect(try found("moderation") == [3], "the error text of a failed task")

        let next = try store.create(NewTask(parameters: Fixtures.parameters)).task
        #expect(next.id == 7, "above 6, the newest id the audit log ever named (deleted before the migration)")
        try store.update(next.id) { $0.status = .failed; $0.errorMessage = "upstream said no" }
        #expect(try found("upstream") == [7], "the triggers keep the index after the rebuild")
        try store.update(1) { $0.tags = ["night", "owl"] }
        #expect(try db.prepare("SELECT tag FROM task_tags WHERE task_id = 1 ORDER BY tag").map { $0.text(0) } == ["night", "owl"])
        _ = try store.delete(next.id)
        #expect(try found("upstream").isEmpty)
        #expect(try store.create(NewTask(parameters: Fixtures.parameters)).task.id == 8)
    }

    /// Rows as the previous release wrote them, with raw SQL against its schema. Task 4 was
    /// deleted; task 6 was the newest and was deleted too (its id the old schema would reuse).
    private func fillAsThePreviousReleaseDid(_ db: Database) throws {
        for (id, name) in [(1, "admin"), (2, "ann")] {
            try db.prepare("INSERT INTO users (id, name, display_name, role, created_at, updated_at) VALUES (?, ?, ?, 'member', 0, 0)")
                .bind(Int64(id), name, name).run()
        }
        let rows: [(Int64, String, String, String?)] = [
            (1, "a red fox at night", "completed", nil), (2, "一只狐狸在雪地里", "completed", nil),
            (3, "a cat on a roof", "failed", "refused by moderation"), (4, "deleted later", "completed", nil),
            (5, "a remix of the fox at dusk", "completed", nil), (6, "the newest, deleted", "failed", "x"),
        ]
        for (id, prompt, status, error) in rows {
            try db.prepare("""
                INSERT INTO tasks (id, owner_id, prompt, model, duration, aspect_ratio, resolution, audio, camera_fixed, status,
                                   error_message, idempotency_key, created_at, updated_at, parent_task_id)
                VALUES (?, 1, ?, 'm', 5, '16:9', '720p', 1, 0, ?, ?, ?, ?, ?, ?)
                """).bind(id, prompt, status, error, "key-\(id)", Double(id), Double(id), id == 5 ? Int64(1) : nil).run()
            try db.prepare("INSERT INTO audit (at, actor_id, action, task_id) VALUES (?, 1, 'task.submit', ?)").bind(Double(id), id).run()
            try db.prepare("INSERT INTO events (task_id, kind, data, created_at) VALUES (?, 'task.created', '{}', ?)").bind(id, Double(id)).run()
            if id == 4 || id == 6 {
                try db.prepare("DELETE FROM events WHERE task_id = ?").bind(id).run()
                try db.prepare("DELETE FROM tasks WHERE id = ?").bind(id).run()
                try db.prepare("INSERT INTO audit (at, actor_id, action, task_id) VALUES (?, 1, 'task.delete', ?)").bind(Double(id), id).run()
            }
        }
        try db.execute(#"UPDATE tasks SET tags = '["night"]' WHERE id = 1; UPDATE tasks SET tags = '["dusk","fox"]' WHERE id = 5;"#)
        try db.execute("INSERT INTO favourites (user_id, task_id, created_at) VALUES (2, 1, 0), (2, 5, 0)")
        try db.execute("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (2, 'laptop', 'h', 0)")
        try db.execute("INSERT INTO webhook_outbox (task_id, status, created_at, next_attempt_at) VALUES (3, 'failed', 0, 0)")
        try db.execute("INSERT INTO submissions (token, task_id, created_at) VALUES ('\(String(repeating: "ab", count: 16))', 5, 0)")
    }
}

extension IDReuseTests {
    /// A row already without its parent (deleted by hand with foreign keys off) does not stop
    /// the migration; only rows a step orphans would.
    @Test func anOrphanFromBeforeDoesNotStopTheMigration() throws {
        let path = NSTemporaryDirectory() + "reeldesk-orphan-\(UUID().uuidString).sqlite3"
        do {
            let old = try Database(path: path)
            try Migrator(steps: Array(Schema.migrations.prefix(Self.previousRelease))).migrate(old)
            try old.execute("""
                INSERT INTO users (id, name, display_name, role, created_at, updated_at) VALUES (1, 'ann', 'Ann', 'member', 0, 0);
                PRAGMA foreign_keys=OFF;
                INSERT INTO favourites (user_id, task_id, created_at) VALUES (1, 404, 0);
                PRAGMA foreign_keys=ON;
                """)
        }
        let db = try Database(path: path)
        #expect(try Schema.migrate(db) == Array((Self.previousRelease + 1)...Schema.migrations.count))
        #expect(try db.prepare("SELECT COUNT(*) FROM favourites").first { $0.int(0) } == 1)
    }
}
