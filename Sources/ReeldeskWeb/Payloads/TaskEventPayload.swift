import Foundation
import ReeldeskStore

/// What the browser gets in an SSE `data:` line about a task: the task in its one JSON shape
/// (`TaskJSON`, as the API and webhooks have it), and what a page needs to show it without
/// building markup: the words it displays and, when the markup itself changes, the fragments it
/// inserts, rendered by the same partials as the page (`TaskFragments`). A progress tick only
/// changes a badge and a bar the page already has, so it carries no fragment: most events stay
/// small on their way to thousands of streams. The same bytes go to every viewer.
package struct TaskEventPayload: Encodable {
    /// The page's view of the task: words and ready HTML.
    package struct Live: Encodable {
        package let statusLabel: String
        package let isTerminal: Bool
        /// "about 1 min 30 s", as the task page shows the upstream's estimate.
        package let estimate: String?
        package let videoMeta: String?
        package let canRetry: Bool
        /// The upstream refused the content: Remix, not Retry, is the way on.
        package let contentRefused: Bool
        package let canCancel: Bool
        package let canDelete: Bool
        /// partials/task_row and partials/task_card: on a new task (to insert) and on a finished
        /// one (its card gains the poster and the preview).
        package let rowHTML: String?
        package let cardHTML: String?
        /// Once archived: the task page's player, and the compare view's video.
        package let playerHTML: String?
        package let compareHTML: String?
        /// On a new task made from another: its line in its parent's family list.
        package let familyHTML: String?
    }

    package let id: Int64
    package let task: TaskJSON
    /// This event is the one that ended the task (a page may tell its owner; later changes to
    /// a finished task, such as its tags, are not news).
    package let finished: Bool
    package let view: Live

    /// The payload of an event about `t`; `isNew` for the event that created it.
    package init(_ t: TaskRecord, isNew: Bool, finished: Bool, fragments: TaskFragments) throws {
        id = t.id
        task = TaskJSON(t)
        self.finished = finished
        // A task with a retry child is no longer retryable; the child's creation is the event
        // that says so (pages hide Retry when they see it).
        let actions = TaskActionsAvailable(t, retried: false)
        let markupChanged = isNew || t.status.isTerminal
        view = Live(
            statusLabel: t.status.label, isTerminal: t.status.isTerminal,
            estimate: TaskViews.estimate(t.estimatedSeconds),
            videoMeta: MediaLinks(t) != nil ? t.video.map(TaskViews.videoMeta) : nil,
            canRetry: actions.retry, contentRefused: t.contentWasRefused, canCancel: actions.cancel, canDelete: actions.delete,
            rowHTML: markupChanged ? try fragments.row(t) : nil, cardHTML: markupChanged ? try fragments.card(t) : nil,
            playerHTML: try fragments.player(t), compareHTML: try fragments.compareVideo(t),
            familyHTML: isNew ? try fragments.familyChild(t) : nil)
    }

    package var json: String {
        (try? String(decoding: SnakeCaseJSON.encode(self), as: UTF8.self)) ?? "{}"
    }
}
