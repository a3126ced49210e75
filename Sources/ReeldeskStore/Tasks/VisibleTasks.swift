import ReeldeskDomain
import SQLite

/// The tasks one person may see (`Principal.canSee`, the same rule in SQL). Handlers read tasks
/// only through this, so a task someone may not see is nil, exactly like one that does not exist.
package struct VisibleTasks {
    package let store: TaskStore
    package let viewer: Principal

    /// SQL for the visibility rule, and its two bound values (is admin, viewer id).
    private static let rule = "(? = 1 OR visibility = 'team' OR owner_id = ?)"
    private var ruleValues: [SQLBindable] { [viewer.role == .admin, viewer.id] }

    package func find(_ id: Int64) throws -> TaskRecord? {
        guard let t = try store.find(id), t.isVisible(to: viewer) else { return nil }
        return t
    }

    /// Newest first; `before` is a keyset cursor (an id), so deep pages stay fast.
    package func list(before: Int64? = nil, limit: Int) throws -> [TaskRecord] {
        guard viewer.isSignedIn else { return [] }
        return try store.db.prepare("SELECT \(TaskRecord.columns) FROM tasks WHERE id < ? AND \(Self.rule) ORDER BY id DESC LIMIT ?")
            .bind([before ?? Int64.max] + ruleValues + [limit]).map(TaskRecord.init(row:))
    }

    /// (id, version) of the same page as `list`, within `filter`: enough to use cached row
    /// fragments. Keyset pages by id (ids grow with creation time): no OFFSET, no count.
    /// `after` (newer than an id) reads upward, oldest first; anything else reads downward from
    /// `before` (or the newest), newest first.
    package func keys(before: Int64? = nil, after: Int64? = nil, limit: Int, filter: TaskFilter = TaskFilter()) throws -> [(id: Int64, version: Int64)] {
        guard viewer.isSignedIn else { return [] }
        let (conditions, values, match) = filter.conditions(viewerID: viewer.id)
        let (source, first): (String, [SQLBindable]) = match.map {
            ("task_search JOIN tasks t ON t.id = task_search.rowid WHERE task_search MATCH ? AND task_search.rowid", [$0])
        } ?? ("tasks t WHERE t.id", [])
        let order = match == nil ? "t.id" : "task_search.rowid"
        let upward = after != nil
        let sql = "SELECT t.id, t.version FROM \(source) \(upward ? ">" : "<") ? AND \(Self.rule)"
            + conditions.map { " AND " + $0 }.joined() + " ORDER BY \(order) \(upward ? "ASC" : "DESC") LIMIT ?"
        return try store.db.prepare(sql).bind(first + [after ?? before ?? Int64.max] + ruleValues + values + [limit])
            .map { (id: $0.int(0), version: $0.int(1)) }
    }

    /// The tasks `ids` names, in that order; any one this viewer may not see is a 404, like one
    /// that does not exist (the compare view and the zip download both take such a list).
    package func chosen(_ ids: [Int64]) throws -> [TaskRecord] {
        try ids.map { id in
            guard let t = try find(id) else { throw Refusal.noSuchTask(id) }
            return t
        }
    }

    /// The visible tasks among `ids` (any order).
    package func tasks(_ ids: [Int64]) throws -> [TaskRecord] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return try store.db.prepare("SELECT \(TaskRecord.columns) FROM tasks WHERE id IN (\(marks)) AND \(Self.rule)")
            .bind(ids.map { $0 as SQLBindable } + ruleValues).map(TaskRecord.init(row:))
    }

    /// Whether a visible task newer than `id` exists within `filter` (for a "newer" link).
    package func hasNewer(than id: Int64, filter: TaskFilter = TaskFilter()) throws -> Bool { try !keys(after: id, limit: 1, filter: filter).isEmpty }

    /// Whether a visible task older than `id` exists within `filter` (for an "older" link).
    package func hasOlder(than id: Int64, filter: TaskFilter = TaskFilter()) throws -> Bool { try !keys(before: id, limit: 1, filter: filter).isEmpty }

    /// Visible tasks made from `id`, oldest first.
    package func children(of id: Int64) throws -> [TaskRecord] {
        try store.children(of: id).filter { $0.isVisible(to: viewer) }
    }
}

extension TaskStore {
    package func visible(to viewer: Principal) -> VisibleTasks { VisibleTasks(store: self, viewer: viewer) }
}

extension TaskRecord {
    /// Whether `p` may see this task (`Principal.canSee`).
    package func isVisible(to p: Principal) -> Bool { p.canSee(owner: ownerID, visibility: visibility) }
}
