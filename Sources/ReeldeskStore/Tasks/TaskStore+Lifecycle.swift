import Foundation
import ReeldeskDomain
import SQLite

/// How the poller and the task actions change tasks. Every change is one write transaction
/// that also appends a `task.updated` event when something a person can see changed.
extension TaskStore {
    /// The active set for SQL, from the one definition (`TaskStatus.isTerminal`).
    package static let activeStatuses = "(" + TaskStatus.allCases.filter { !$0.isTerminal }.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")"

    /// Active tasks whose next check is due, oldest due first.
    public func due(now: Double, limit: Int) throws -> [TaskRecord] {
        try db.prepare("""
            SELECT \(TaskRecord.columns) FROM tasks
            WHERE status IN \(Self.activeStatuses) AND (next_check_at IS NULL OR next_check_at <= ?)
            ORDER BY COALESCE(next_check_at, 0), id LIMIT ?
            """).bind(now, limit).map(TaskRecord.init(row:))
    }

    /// The earliest `next_check_at` among active tasks not in `busy` (nil when there is none).
    public func nextDueTime(excluding busy: Set<Int64> = []) throws -> Double? {
        try db.prepare("""
            SELECT id, COALESCE(next_check_at, 0) FROM tasks WHERE status IN \(Self.activeStatuses)
            ORDER BY 2 LIMIT ?
            """).bind(busy.count + 1).map { ($0.int(0), $0.double(1)) }.first { !busy.contains($0.0) }?.1
    }

    /// Reads the task, applies `change`, writes it back and records an event if a visible field
    /// changed. Returns the new row (nil when the task does not exist).
    @discardableResult
    public func update(_ id: Int64, now: Double = Date().timeIntervalSince1970, _ change: (inout TaskRecord) throws -> Void) throws -> TaskRecord? {
        try db.writeTransaction {
            guard let before = try find(id) else { return nil }
            var t = before
            try change(&t)
            let visible = t.status != before.status || t.progress != before.progress || t.errorMessage != before.errorMessage
                || t.video != before.video || t.estimatedSeconds != before.estimatedSeconds || t.submittedAt != before.submittedAt
                || t.visibility != before.visibility || t.tags != before.tags
            if visible { t.version += 1 }
            t.updatedAt = visible ? now : before.updatedAt
            try write(t)
            let finished = t.status.isTerminal && !before.status.isTerminal
            if visible { try appendEvent(kind: TaskEvent.updated, task: t, now: now, finished: finished) }
            // News for a webhook, in the same transaction (a cancel is the person's own doing).
            if finished, t.status != .cancelled {
                try db.prepare("INSERT INTO webhook_outbox (task_id, status, created_at, next_attempt_at) VALUES (?, ?, ?, ?)")
                    .bind(t.id, t.status.rawValue, now, now).run()
            }
            if t.status == .completed, before.status != .completed, let at = t.completedAt {
                try Spending(db: db).record(t.finalCostUSD ?? t.estimatedCostUSD, owner: t.ownerID, completedAt: at)
            }
            return t
        }
    }

    private func write(_ t: TaskRecord) throws {
        let v = t.video
        try db.prepare("""
            UPDATE tasks SET status=?, progress=?, error_message=?, upstream_task_id=?, submitted_at=?, completed_at=?,
                estimated_seconds=?, attempts=?, last_progress_at=?, upstream_video_url=?, upstream_expires_at=?,
                video_file=?, poster_file=?, video_width=?, video_height=?, video_seconds=?, video_fps=?, video_has_audio=?,
                video_bytes=?, next_check_at=?, idempotency_key=?, updated_at=?, version=?, visibility=?, final_cost_usd=?, tags=?
            WHERE id=?
            """).bind(t.status.rawValue, t.progress, t.errorMessage, t.upstreamTaskID, t.submittedAt, t.completedAt,
                      t.estimatedSeconds, t.attempts, t.lastProgressAt, t.upstreamVideoURL, t.upstreamExpiresAt,
                      v?.file, v?.poster, v?.width, v?.height, v?.seconds, v?.fps, v?.hasAudio, v?.bytes,
                      t.nextCheckAt, t.idempotencyKey, t.updatedAt, t.version, t.visibility.rawValue, t.finalCostUSD,
                      TaskTags.encode(t.tags), t.id).run()
    }

    /// `update` for the poller: does nothing once a person ended the task (cancelled or deleted
    /// it) while an upstream call was in flight.
    @discardableResult
    public func advance(_ id: Int64, now: Double = Date().timeIntervalSince1970, _ change: (inout TaskRecord) throws -> Void) throws -> TaskRecord? {
        try update(id, now: now) { t in
            guard !t.status.isTerminal else { return }
            try change(&t)
        }
    }
}
