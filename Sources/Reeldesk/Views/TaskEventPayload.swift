import Foundation

/// What the browser gets in an SSE `data:` line about a task (JSON).
struct TaskEventPayload: Codable {
    let id: Int64
    let status: String
    let statusLabel: String
    let progress: Int
    let prompt: String
    let duration: Int
    let aspectRatio: String
    let resolution: String
    let createdAt: Double
    let errorMessage: String?
    let url: String
    let submittedAt: Double?
    let estimatedSeconds: Int?
    let videoUrl: String?
    let posterUrl: String?
    let downloadUrl: String?
    let videoMeta: String?
    let isTerminal: Bool
    let upstreamTaskId: String?
    let completedAt: Double?
    let seed: Int64?
    let parentId: Int64?
    let lineage: String?
    let relation: String
    let canRetry: Bool
    /// The upstream refused the content: Remix, not Retry, is the way on.
    let contentRefused: Bool
    let canCancel: Bool
    let canDelete: Bool
    let aspectSlug: String
    let ownerId: Int64?
    /// This event is the one that ended the task (a page may tell its owner; later changes to
    /// a finished task, such as its tags, are not news).
    var finished = false

    init(_ t: TaskRecord) {
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
        url = "/tasks/\(t.id)"
        submittedAt = t.submittedAt
        estimatedSeconds = t.estimatedSeconds
        let links = MediaLinks(t)
        videoUrl = links?.video
        posterUrl = links?.poster
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

    var json: String {
        (try? String(decoding: SnakeCaseJSON.encode(self), as: UTF8.self)) ?? "{}"
    }
}
