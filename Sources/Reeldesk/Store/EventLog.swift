import FastCGI
import Foundation
import SQLite
import WebCore

/// The `events` table as the SSE hub's feed. Rows hold facts (which task, which version, what
/// happened), never a rendered page fragment: the payload a browser gets is built here, when the
/// hub delivers, from the task as it is now. So the store does not depend on the views, a
/// replay can be filtered per viewer, and old rows never carry stale words.
public struct EventLog: EventFeed {
    let db: Database

    public init(db: Database) { self.db = db }

    public func events(after: Int64, limit: Int) throws -> [ServerSentEvent] {
        let rows = try db.prepare("SELECT id, kind, task_id, data FROM events WHERE id > ? ORDER BY id LIMIT ?").bind(after, limit)
            .map { (id: $0.int(0), kind: $0.text(1), task: $0.optionalInt(2), facts: $0.text(3)) }
        let store = TaskStore(db: db)
        var tasks: [Int64: TaskRecord?] = [:]
        return try rows.map { row in
            guard let taskID = row.task, row.kind == TaskEvent.created || row.kind == TaskEvent.updated else {
                return ServerSentEvent(id: row.id, name: row.kind, data: row.facts, taskID: row.task)
            }
            if tasks[taskID] == nil { tasks[taskID] = .some(try store.find(taskID)) }
            // A task deleted since: its old events say only that it is gone.
            guard let task = tasks[taskID] ?? nil else {
                return ServerSentEvent(id: row.id, name: TaskEvent.deleted, data: TaskEvent.facts(id: taskID), taskID: taskID)
            }
            return ServerSentEvent(id: row.id, name: row.kind, data: TaskEventPayload(task).json, taskID: taskID)
        }
    }

    public func latestEventID() throws -> Int64 {
        try db.prepare("SELECT COALESCE(MAX(id), 0) FROM events").first { $0.int(0) } ?? 0
    }
}

/// Event kinds and the facts stored with them.
enum TaskEvent {
    static let created = "task.created"
    static let updated = "task.updated"
    static let deleted = "task.deleted"

    /// `{"id":12,"version":3}`: what changed, not how it looks.
    static func facts(id: Int64, version: Int64? = nil) -> String {
        version.map { "{\"id\":\(id),\"version\":\($0)}" } ?? "{\"id\":\(id)}"
    }
}
