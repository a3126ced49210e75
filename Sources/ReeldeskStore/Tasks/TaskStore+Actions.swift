import Foundation
import ReeldeskDomain
import SQLite

/// What people do to tasks: another attempt, cancel, delete; and the family of a task.
extension TaskStore {
    /// Why an action was refused.
    public enum ActionRefusal: Error, Equatable {
        case notFound
        /// The task's state does not allow it (e.g. Retry on a completed task).
        case notAllowed(TaskStatus)
        /// Retry on an attempt that was already retried: the newer attempt.
        case alreadyRetried(Int64)
    }

    /// A new attempt of a failed, timed-out or expired task: same parameters, seed and frames,
    /// linked to it; the failed attempt keeps its error. One retry per attempt. (Call in the
    /// transaction that creates it, so two tabs cannot both retry.)
    public func retryPlan(_ t: TaskRecord, submissionToken: String?) throws -> NewTask {
        guard t.status.isRetryable else { throw ActionRefusal.notAllowed(t.status) }
        if let newer = try children(of: t.id).first(where: { $0.lineage == .retry }) { throw ActionRefusal.alreadyRetried(newer.id) }
        return NewTask(parameters: t.parameters, firstFrameFile: t.firstFrameFile, lastFrameFile: t.lastFrameFile,
                       parentTaskID: t.id, lineage: .retry, seedDrawn: t.seedDrawn, submissionToken: submissionToken)
    }

    /// `retryPlan` and `create` in one transaction (no owner, no budget: the store's own use).
    public func retry(_ id: Int64, submissionToken: String?, now: Double = Date().timeIntervalSince1970) throws -> (task: TaskRecord, isNew: Bool) {
        try db.writeTransaction {
            if let token = submissionToken, let existing = try taskForSubmission(token) { return (existing, false) }
            guard let t = try find(id) else { throw ActionRefusal.notFound }
            return try create(retryPlan(t, submissionToken: submissionToken), now: now)
        }
    }

    /// Stops a queued or running task: the poller leaves it alone from now on.
    public func cancel(_ id: Int64, now: Double = Date().timeIntervalSince1970) throws -> TaskRecord {
        var refusal: ActionRefusal?
        let t = try update(id, now: now) { t in
            guard !t.status.isTerminal else { refusal = .notAllowed(t.status); return }
            t.cancel()
        }
        guard let t else { throw ActionRefusal.notFound }
        if let refusal { throw refusal }
        return t
    }

    /// Removes a finished task, its events and its submission tokens; its children lose their
    /// parent link. Returns the removed row so the caller can delete its files (after the
    /// commit). A `task.deleted` event tells open pages.
    public func delete(_ id: Int64, now: Double = Date().timeIntervalSince1970) throws -> TaskRecord {
        try db.writeTransaction {
            guard let t = try find(id) else { throw ActionRefusal.notFound }
            guard t.status.isTerminal else { throw ActionRefusal.notAllowed(t.status) }
            try db.prepare("DELETE FROM events WHERE task_id = ?").bind(id).run()
            try db.prepare("DELETE FROM submissions WHERE task_id = ?").bind(id).run()
            try db.prepare("UPDATE tasks SET parent_task_id = NULL WHERE parent_task_id = ?").bind(id).run()
            try db.prepare("DELETE FROM tasks WHERE id = ?").bind(id).run()
            try db.prepare("INSERT INTO events (task_id, kind, data, created_at) VALUES (NULL, ?, ?, ?)")
                .bind(TaskEvent.deleted, TaskEvent.facts(t), now).run()
            return t
        }
    }

    /// Tasks made from `id` (attempts, regenerations, remixes), oldest first.
    public func children(of id: Int64) throws -> [TaskRecord] {
        try db.prepare("SELECT \(TaskRecord.columns) FROM tasks WHERE parent_task_id = ? ORDER BY id").bind(id).map(TaskRecord.init(row:))
    }

    /// True when another task still uses the uploaded file `name`.
    public func uploadIsUsed(_ name: String) throws -> Bool {
        try db.prepare("SELECT 1 FROM tasks WHERE first_frame_file = ? OR last_frame_file = ? LIMIT 1").bind(name, name).first { _ in true } ?? false
    }
}
