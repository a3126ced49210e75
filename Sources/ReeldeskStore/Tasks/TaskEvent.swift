import Foundation
import ReeldeskDomain
import SQLite

/// Event kinds and the facts stored with them.
package enum TaskEvent {
    package static let created = "task.created"
    package static let updated = "task.updated"
    package static let deleted = "task.deleted"
    /// Stored when an owner makes a task private; delivered to the others as `task.deleted`.
    package static let hidden = "task.hidden"

    /// `{"id":12,"version":3,"owner":4,"visibility":"team"}`: what changed and who may know,
    /// not how it looks.
    package static func facts(_ t: TaskRecord, finished: Bool = false) -> String {
        "{\"id\":\(t.id),\"version\":\(t.version),\"owner\":\(t.ownerID.map(String.init) ?? "null"),\"visibility\":\"\(t.visibility.rawValue)\""
            + (finished ? ",\"finished\":true}" : "}")
    }

    /// What a browser is told about a deleted task: only its id.
    package static func publicFacts(id: Int64) -> String { "{\"id\":\(id)}" }

    /// The facts of a stored row, read back.
    package struct Facts: Decodable {
        package var id: Int64?
        package var owner: Int64?
        package var visibility: String?
        /// Set on the update that ended the task.
        package var finished: Bool?

        package static func parse(_ json: String) -> Facts {
            (try? JSONDecoder().decode(Facts.self, from: Data(json.utf8))) ?? Facts()
        }
    }
}

/// One row of `events`: its id (the SSE `id:`), kind, task and stored facts.
package struct StoredEvent: Sendable {
    package let id: Int64
    package let kind: String
    package let task: Int64?
    package let facts: String
}

extension TaskStore {
    /// The events after `after`, oldest first, at most `limit`.
    package func events(after: Int64, limit: Int) throws -> [StoredEvent] {
        try db.prepare("SELECT id, kind, task_id, data FROM events WHERE id > ? ORDER BY id LIMIT ?").bind(after, limit)
            .map { StoredEvent(id: $0.int(0), kind: $0.text(1), task: $0.optionalInt(2), facts: $0.text(3)) }
    }

    /// The newest event's id (0 when there is none).
    package func latestEventID() throws -> Int64 {
        try db.prepare("SELECT COALESCE(MAX(id), 0) FROM events").first { $0.int(0) } ?? 0
    }
}
