import Foundation
import ReeldeskStore

/// What the browser gets in an SSE `data:` line about a task (JSON).
package struct TaskEventPayload: Codable {
    package let id: Int64
    package let status: String
    package let statusLabel: String
    package let progress: Int
    package let prompt: String
    package let duration: Int
    package let aspectRatio: String
    package let resolution: String
    package let createdAt: Double
    package let errorMessage: String?
    package let url: String
    package let submittedAt: Double?
    package let estimatedSeconds: Int?
    package let videoUrl: String?
    package let posterUrl: String?
    /// The grid's small poster.
    package let thumbUrl: String?
    package let downloadUrl: String?
    package let videoMeta: String?
    package let isTerminal: Bool
    package let upstreamTaskId: String?
    package let completedAt: Double?
    package let seed: Int64?
    package let parentId: Int64?
    package let lineage: String?
    package let relation: String
    package let canRetry: Bool
    /// The upstream refused the content: Remix, not Retry, is the way on.
    package let contentRefused: Bool
    package let canCancel: Bool
    package let canDelete: Bool
    package let aspectSlug: String
    package let ownerId: Int64?
    /// This event is the one that ended the task (a page may tell its owner; later changes to
    /// a finished task, such as its tags, are not news).
    package var finished = false

    package init(_ t: TaskRecord) {
        id = t.id
        status = t.status.rawValue
        statusLabel = t.status.label
        progress = t.progress
        prompt = t.parameters.prompt
        duration = t.parameters.duration
        aspectRatio = t.parameters.aspectRatio.rawValue
        resolution = t.parameters.resolution.rawValue
        createdAt = t.createdAt
        errorMessage = t.errorMessage
        url = Route.task(id: t.id).path
        submittedAt = t.submittedAt
        estimatedSeconds = t.estimatedSeconds
        let links = MediaLinks(t)
        videoUrl = links?.video
        posterUrl = links?.poster
        thumbUrl = links?.poster != nil ? Route.taskThumbnail(id: t.id).path : nil
        downloadUrl = links?.download
        videoMeta = links != nil ? t.video.map(TaskViews.videoMeta) : nil
        isTerminal = t.status.isTerminal
        upstreamTaskId = t.upstreamTaskID
        completedAt = t.completedAt
        seed = t.parameters.seed
        parentId = t.parentTaskID
        lineage = t.lineage?.rawValue
        relation = TaskViews.relationLabel(t.lineage)
        // A task with a retry child is no longer retryable; the child's creation is the event
        // that says so (pages hide Retry when they see it).
        let actions = TaskActionsAvailable(t, retried: false)
        canRetry = actions.retry
        contentRefused = t.contentWasRefused
        canCancel = actions.cancel
        canDelete = actions.delete
        aspectSlug = t.parameters.aspectRatio.slug
        ownerId = t.ownerID
    }

    package var json: String {
        (try? String(decoding: SnakeCaseJSON.encode(self), as: UTF8.self)) ?? "{}"
    }
}
