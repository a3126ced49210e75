import Foundation
import ReeldeskDomain
import SQLite

/// One row of `tasks`, typed.
public struct TaskRecord: Sendable, Equatable {
    public var id: Int64
    public var parameters: VideoParameters
    public var firstFrameFile: String?
    public var lastFrameFile: String?
    public var status: TaskStatus
    public var progress: Int
    public var errorMessage: String?
    public var idempotencyKey: String
    public var upstreamTaskID: String?
    public var estimatedCostUSD: Double
    public var createdAt: Double
    public var updatedAt: Double
    public var version: Int64
    public var submittedAt: Double?
    public var completedAt: Double?
    public var estimatedSeconds: Int?
    public var attempts: Int
    public var lastProgressAt: Double?
    public var upstreamVideoURL: String?
    public var upstreamExpiresAt: Double?
    public var video: ArchivedVideo?
    /// When the poller should next look at this task (nil: as soon as possible).
    public var nextCheckAt: Double?
    /// The task this one came from, and how.
    public var parentTaskID: Int64?
    public var lineage: Lineage?
    /// True when the person left the seed random and Reeldesk drew it.
    public var seedDrawn: Bool
    /// Who made it (nil: made before accounts) and who else may see it.
    public var ownerID: Int64?
    public var visibility: Visibility
    /// The cost counted against budgets once it completed (from the archived video's size).
    public var finalCostUSD: Double?
    /// Free-form labels anyone on the team who may see the task can set (see TaskTags).
    public var tags: [String] = []

    /// The columns read by `init(row:)`, in order.
    package static let columns = """
        id, prompt, model, duration, aspect_ratio, resolution, seed, audio, camera_fixed,
        first_frame_url, last_frame_url, first_frame_file, last_frame_file, status, progress,
        error_message, idempotency_key, upstream_task_id, estimated_cost_usd, created_at, updated_at, version,
        submitted_at, completed_at, estimated_seconds, attempts, last_progress_at, upstream_video_url, upstream_expires_at,
        video_file, poster_file, video_width, video_height, video_seconds, video_fps, video_has_audio, video_bytes, next_check_at,
        parent_task_id, lineage, seed_drawn, owner_id, visibility, final_cost_usd, tags
        """

    package init(row: Row) {
        id = row.int(0)
        parameters = VideoParameters(
            prompt: row.text(1), model: row.text(2), duration: Int(row.int(3)),
            aspectRatio: AspectRatio(rawValue: row.text(4)) ?? .wide,
            resolution: Resolution(rawValue: row.text(5)) ?? .p720,
            seed: row.optionalInt(6), audio: row.bool(7), cameraFixed: row.bool(8),
            firstFrameURL: row.optionalText(9), lastFrameURL: row.optionalText(10))
        firstFrameFile = row.optionalText(11)
        lastFrameFile = row.optionalText(12)
        status = TaskStatus(rawValue: row.text(13)) ?? .failed
        progress = Int(row.int(14))
        errorMessage = row.optionalText(15)
        idempotencyKey = row.text(16)
        upstreamTaskID = row.optionalText(17)
        estimatedCostUSD = row.double(18)
        createdAt = row.double(19)
        updatedAt = row.double(20)
        version = row.int(21)
        submittedAt = row.optionalDouble(22)
        completedAt = row.optionalDouble(23)
        estimatedSeconds = row.optionalInt(24).map { Int($0) }
        attempts = Int(row.int(25))
        lastProgressAt = row.optionalDouble(26)
        upstreamVideoURL = row.optionalText(27)
        upstreamExpiresAt = row.optionalDouble(28)
        if let file = row.optionalText(29) {
            video = ArchivedVideo(file: file, poster: row.optionalText(30), width: Int(row.int(31)), height: Int(row.int(32)),
                                  seconds: row.double(33), fps: row.double(34), hasAudio: row.bool(35), bytes: row.int(36))
        }
        nextCheckAt = row.optionalDouble(37)
        parentTaskID = row.optionalInt(38)
        lineage = row.optionalText(39).flatMap(Lineage.init(rawValue:))
        seedDrawn = row.bool(40)
        ownerID = row.optionalInt(41)
        visibility = Visibility(rawValue: row.text(42)) ?? .private
        finalCostUSD = row.optionalDouble(43)
        tags = TaskTags.decode(row.text(44))
    }
}

/// How a task came from its parent.
public enum Lineage: String, Sendable, Codable {
    /// Another attempt at a task that failed, timed out or expired (same parameters and seed).
    case retry
    /// The same parameters again (a new seed if the first one was drawn).
    case regenerate
    /// Parameters prefilled from the parent and edited.
    case remix
    /// Made by the same form as its parent, one parameter (or the seed) different.
    case variation
}

/// An archived video file and what ffprobe found in it.
public struct ArchivedVideo: Sendable, Equatable {
    /// The grid's small poster, made at archive time beside `poster`.
    package static let thumbnailName = "thumb.jpg"
    package static let thumbnailWidth = 320

    /// Relative to the media dir, e.g. `12/video.mp4`.
    public var file: String
    public var poster: String?
    public var width: Int
    public var height: Int
    public var seconds: Double
    public var fps: Double
    public var hasAudio: Bool
    public var bytes: Int64

    package init(
        file: String,
        poster: String? = nil,
        width: Int,
        height: Int,
        seconds: Double,
        fps: Double,
        hasAudio: Bool,
        bytes: Int64
    ) {
        self.file = file
        self.poster = poster
        self.width = width
        self.height = height
        self.seconds = seconds
        self.fps = fps
        self.hasAudio = hasAudio
        self.bytes = bytes
    }
}

extension TaskRecord {
    /// A failed task whose content the upstream refused: a retry would fail the same way.
    package var contentWasRefused: Bool { status == .failed && FailureKind.of(errorMessage) == .contentRefused }
}
