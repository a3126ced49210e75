import ReeldeskStore

/// The one JSON shape of a task: what `/api/v1/tasks` answers, what a webhook carries and what a
/// live update holds (`TaskEventPayload.task`), built here and nowhere else from the store's
/// record. snake_case keys; times in seconds since 1970, UTC; links are paths under the portal.
package struct TaskJSON: Encodable {
    package struct Video: Encodable {
        package let url: String
        package let downloadUrl: String
        package let posterUrl: String?
        /// The grid's small poster.
        package let thumbUrl: String?
        package let width: Int
        package let height: Int
        package let seconds: Double
        package let fps: Double
        package let hasAudio: Bool
        package let bytes: Int64
    }

    package let id: Int64
    package let url: String
    package let status: String
    package let progress: Int
    package let prompt: String
    package let model: String
    package let duration: Int
    package let aspectRatio: String
    package let resolution: String
    package let seed: Int64?
    package let seedDrawn: Bool
    package let audio: Bool
    package let cameraFixed: Bool
    package let firstFrameUrl: String?
    package let lastFrameUrl: String?
    package let firstFrameUploaded: Bool
    package let lastFrameUploaded: Bool
    package let visibility: String
    package let ownerId: Int64?
    package let tags: [String]
    package let errorMessage: String?
    /// The upstream's id of the task once submitted, and its estimate of the time it takes.
    package let upstreamTaskId: String?
    package let estimatedSeconds: Int?
    package let parentId: Int64?
    package let lineage: String?
    package let estimatedCostUsd: Double
    package let finalCostUsd: Double?
    package let createdAt: Double
    package let submittedAt: Double?
    package let completedAt: Double?
    package let video: Video?

    package init(_ t: TaskRecord) {
        let p = t.parameters
        id = t.id
        url = Route.task(id: t.id).path
        status = t.status.rawValue
        progress = t.progress
        prompt = p.prompt
        model = p.model
        duration = p.duration
        aspectRatio = p.aspectRatio.rawValue
        resolution = p.resolution.rawValue
        seed = p.seed
        seedDrawn = t.seedDrawn
        audio = p.audio
        cameraFixed = p.cameraFixed
        firstFrameUrl = p.firstFrameURL
        lastFrameUrl = p.lastFrameURL
        firstFrameUploaded = t.firstFrameFile != nil
        lastFrameUploaded = t.lastFrameFile != nil
        visibility = t.visibility.rawValue
        ownerId = t.ownerID
        tags = t.tags
        errorMessage = t.errorMessage
        upstreamTaskId = t.upstreamTaskID
        estimatedSeconds = t.estimatedSeconds
        parentId = t.parentTaskID
        lineage = t.lineage?.rawValue
        estimatedCostUsd = t.estimatedCostUSD
        finalCostUsd = t.finalCostUSD
        createdAt = t.createdAt
        submittedAt = t.submittedAt
        completedAt = t.completedAt
        if let links = MediaLinks(t), let v = t.video {
            video = Video(url: links.video, downloadUrl: links.download, posterUrl: links.poster,
                          thumbUrl: links.poster != nil ? Route.taskThumbnail(id: t.id).path : nil, width: v.width, height: v.height,
                          seconds: v.seconds, fps: v.fps, hasAudio: v.hasAudio, bytes: v.bytes)
        } else {
            video = nil
        }
    }
}
