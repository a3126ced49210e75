import Foundation
import ReeldeskDomain
import SQLite

/// A new task as validated from the form, before it has an id.
public struct NewTask: Sendable {
    public var parameters: VideoParameters
    public var firstFrameFile: String?
    public var lastFrameFile: String?
    public var parentTaskID: Int64?
    public var lineage: Lineage?
    public var seedDrawn: Bool
    /// The one-time token of the form that made it: a second POST with it finds this task.
    public var submissionToken: String?
    public var ownerID: Int64?
    public var visibility: Visibility = .team
    /// At the team's rates when it was submitted (nil: the default rates).
    public var estimatedCostUSD: Double?

    public init(parameters: VideoParameters, firstFrameFile: String? = nil, lastFrameFile: String? = nil, parentTaskID: Int64? = nil,
                lineage: Lineage? = nil, seedDrawn: Bool = false, submissionToken: String? = nil) {
        self.parameters = parameters
        self.firstFrameFile = firstFrameFile
        self.lastFrameFile = lastFrameFile
        self.parentTaskID = parentTaskID
        self.lineage = lineage
        self.seedDrawn = seedDrawn
        self.submissionToken = submissionToken
    }
}

/// Reads and writes tasks and their events on one connection (one per thread).
/// Every change to a task appends an event in the same transaction.
public struct TaskStore {
    public let db: Database

    public init(db: Database) { self.db = db }

    /// Stores a queued task and its `task.created` event atomically; returns the stored row.
    /// When the submission token was used before, nothing is stored and that task comes back
    /// with `isNew` false (a double click, a reload, the back button).
    public func create(_ new: NewTask, now: Double = Date().timeIntervalSince1970) throws -> (task: TaskRecord, isNew: Bool) {
        try db.writeTransaction {
            if let token = new.submissionToken, let existing = try taskForSubmission(token) { return (existing, false) }
            let p = new.parameters
            try db.prepare("""
                INSERT INTO tasks (parent_task_id, lineage, seed_drawn, prompt, model, duration, aspect_ratio, resolution, seed, audio,
                    camera_fixed, first_frame_url, last_frame_url, first_frame_file, last_frame_file, status, idempotency_key,
                    estimated_cost_usd, created_at, updated_at, owner_id, visibility)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """).bind(new.parentTaskID, new.lineage?.rawValue, new.seedDrawn, p.prompt, p.model, p.duration, p.aspectRatio.rawValue,
                          p.resolution.rawValue, p.seed, p.audio, p.cameraFixed, p.firstFrameURL, p.lastFrameURL, new.firstFrameFile,
                          new.lastFrameFile, TaskStatus.queued.rawValue, UUID().uuidString.lowercased(),
                          new.estimatedCostUSD ?? p.estimatedCostUSD(), now, now, new.ownerID, new.visibility.rawValue).run()
            let id = db.lastInsertRowID
            if let token = new.submissionToken {
                try db.prepare("INSERT INTO submissions (token, task_id, created_at) VALUES (?,?,?)").bind(token, id, now).run()
            }
            guard let task = try find(id) else { throw SQLiteError(code: 1, message: "task \(id) vanished after insert") }
            try appendEvent(kind: TaskEvent.created, task: task, now: now)
            return (task, true)
        }
    }

    /// The task a submission token already made, if any.
    public func taskForSubmission(_ token: String) throws -> TaskRecord? {
        guard let id = try db.prepare("SELECT task_id FROM submissions WHERE token = ?").bind(token).first({ $0.int(0) }) else { return nil }
        return try find(id)
    }

    /// The task with `id`, or nil.
    public func find(_ id: Int64) throws -> TaskRecord? {
        try db.prepare("SELECT \(TaskRecord.columns) FROM tasks WHERE id = ?").bind(id).first(TaskRecord.init(row:))
    }

    /// Newest first; `before` is a keyset cursor (an id), so deep pages stay fast.
    public func list(before: Int64? = nil, limit: Int) throws -> [TaskRecord] {
        try db.prepare("SELECT \(TaskRecord.columns) FROM tasks WHERE id < ? ORDER BY id DESC LIMIT ?")
            .bind(before ?? Int64.max, limit).map(TaskRecord.init(row:))
    }

    /// Whether a task newer than `id` exists (for a "newer" link).
    public func hasNewer(than id: Int64) throws -> Bool {
        try db.prepare("SELECT 1 FROM tasks WHERE id > ? LIMIT 1").bind(id).first { _ in true } ?? false
    }

    /// Appends an event about `task`; call inside the transaction that changed it.
    package func appendEvent(kind: String, task: TaskRecord, now: Double, finished: Bool = false) throws {
        try db.prepare("INSERT INTO events (task_id, kind, data, created_at) VALUES (?,?,?,?)")
            .bind(task.id, kind, TaskEvent.facts(task, finished: finished), now).run()
    }
}
