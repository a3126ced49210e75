import FastCGI
import Foundation
import ReeldeskDomain
import ReeldeskStore
import SQLite
import WebCore

/// The `events` table as the SSE hub's feed. Rows hold facts (which task, which version, what
/// happened), never a rendered page fragment: the payload a browser gets is built here, when the
/// hub delivers, from the task as it is now (`TaskEventPayload`, its fragments from the page's
/// partials). So the store does not depend on the views, a replay can be filtered per viewer,
/// and old rows never carry stale words.
public struct TaskEventFeed: EventFeed {
    package let db: Database
    package let fragments: TaskFragments

    public init(db: Database, fragments: TaskFragments) {
        self.db = db
        self.fragments = fragments
    }

    public func events(after: Int64, limit: Int) throws -> [ServerSentEvent] {
        let store = TaskStore(db: db)
        let rows = try store.events(after: after, limit: limit)
        var tasks: [Int64: TaskRecord?] = [:]
        // Every event of a batch shows its task as it is now, so a task's payload is built once
        // per batch (a replay of thousands of updates to one task renders it once, not each time).
        var payloads: [Int64: [String: String]] = [:]
        return try rows.map { row in
            let facts = TaskEvent.Facts.parse(row.facts)
            if row.kind == TaskEvent.hidden, let taskID = row.task {
                // Gone for everyone but its owner and the admins, if it is still private now.
                if tasks[taskID] == nil { tasks[taskID] = .some(try store.find(taskID)) }
                guard let task = tasks[taskID] ?? nil, task.visibility == .private else {
                    return ServerSentEvent(id: row.id, name: row.kind, data: "{}", taskID: taskID, audience: .nobody)
                }
                return ServerSentEvent(id: row.id, name: TaskEvent.deleted, data: "{\"id\":\(taskID),\"hidden\":true}", taskID: taskID,
                                       audience: .othersThan(task.ownerID ?? -1))
            }
            guard let taskID = row.task, row.kind == TaskEvent.created || row.kind == TaskEvent.updated else {
                // Session notices reach no browser; a deletion reaches whoever could see the task.
                let audience: EventAudience = row.kind == TaskEvent.deleted ? facts.audience : .nobody
                let data = row.kind == TaskEvent.deleted ? TaskEvent.publicFacts(id: facts.id ?? 0) : row.facts
                return ServerSentEvent(id: row.id, name: row.kind, data: data, taskID: facts.id ?? row.task, audience: audience)
            }
            if tasks[taskID] == nil { tasks[taskID] = .some(try store.find(taskID)) }
            // A task deleted since: its old events say only that it is gone.
            guard let task = tasks[taskID] ?? nil else {
                return ServerSentEvent(id: row.id, name: TaskEvent.deleted, data: TaskEvent.publicFacts(id: taskID), taskID: taskID, audience: facts.audience)
            }
            // Who may see the task now decides, so a task made private since is not replayed.
            let finished = facts.finished ?? false, isNew = row.kind == TaskEvent.created
            let key = "\(isNew) \(finished)"
            let data: String
            if let made = payloads[taskID]?[key] {
                data = made
            } else {
                data = try TaskEventPayload(task, isNew: isNew, finished: finished, fragments: fragments).json
                payloads[taskID, default: [:]][key] = data
            }
            return ServerSentEvent(id: row.id, name: row.kind, data: data, taskID: taskID, audience: task.audience)
        }
    }

    public func latestEventID() throws -> Int64 {
        try TaskStore(db: db).latestEventID()
    }
}

extension TaskEvent.Facts {
    /// Rows from before accounts carry no visibility: they were the team's.
    package var audience: EventAudience {
        visibility == Visibility.private.rawValue ? .owner(owner ?? -1) : .everyone
    }
}

extension TaskRecord {
    /// Who may receive events about this task (see `Viewer.mayReceive`).
    package var audience: EventAudience { visibility == .team ? .everyone : .owner(ownerID ?? -1) }
}
