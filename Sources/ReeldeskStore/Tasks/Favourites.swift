import Foundation
import SQLite

/// Each person's starred tasks: personal, so kept apart from the task (whose row and cached
/// fragments are the same for everyone).
package struct Favourites {
    package let db: Database

    package func set(user: Int64, task: Int64, on: Bool, now: Double = Date().timeIntervalSince1970) throws {
        if on {
            try db.prepare("INSERT OR IGNORE INTO favourites (user_id, task_id, created_at) VALUES (?, ?, ?)").bind(user, task, now).run()
        } else {
            try db.prepare("DELETE FROM favourites WHERE user_id = ? AND task_id = ?").bind(user, task).run()
        }
    }

    package func contains(user: Int64, task: Int64) throws -> Bool {
        try db.prepare("SELECT 1 FROM favourites WHERE user_id = ? AND task_id = ?").bind(user, task).first { _ in true } ?? false
    }

    package init(db: Database) {
        self.db = db
    }
}
