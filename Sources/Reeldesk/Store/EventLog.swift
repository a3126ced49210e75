import FastCGI
import SQLite
import WebCore

/// The `events` table as the SSE hub's feed.
public struct EventLog: EventFeed {
    let db: Database

    public init(db: Database) { self.db = db }

    public func events(after: Int64, limit: Int) throws -> [ServerSentEvent] {
        try db.prepare("SELECT id, kind, data, task_id FROM events WHERE id > ? ORDER BY id LIMIT ?").bind(after, limit)
            .map { ServerSentEvent(id: $0.int(0), name: $0.text(1), data: $0.text(2), taskID: $0.optionalInt(3)) }
    }

    public func latestEventID() throws -> Int64 {
        try db.prepare("SELECT COALESCE(MAX(id), 0) FROM events").first { $0.int(0) } ?? 0
    }
}
