import ReeldeskStore

/// The pieces of a task that pages include and live updates carry, rendered from the same
/// partials: its history row and grid card (kept per id and version, the same for every
/// viewer), its player, its compare-view video and its line in its parent's family. A row that
/// arrives live is therefore byte for byte the row a reload shows; the browser inserts it and
/// builds no markup. A second language gets a `TaskFragments` of its own (its caches with it).
public final class TaskFragments: Sendable {
    package let views: Views
    package let rows = RowFragmentCache(template: "partials/task_row")
    package let cards = RowFragmentCache(template: "partials/task_card")

    public init(views: Views) { self.views = views }

    package func row(_ t: TaskRecord) throws -> String { try rows.fragment(t, views: views) }
    package func card(_ t: TaskRecord) throws -> String { try cards.fragment(t, views: views) }

    package func player(_ t: TaskRecord) throws -> String? {
        try TaskVideoView(t).map { try views.render("partials/task_player", $0) }
    }

    package func compareVideo(_ t: TaskRecord) throws -> String? {
        try TaskVideoView(t).map { try views.render("partials/compare_video", $0) }
    }

    /// The task's line in its parent's family list; nil for a task made from nothing.
    package func familyChild(_ t: TaskRecord) throws -> String? {
        guard t.parentTaskID != nil else { return nil }
        return try views.render("partials/family_child", TaskFamilyView.Link(child: t))
    }
}
