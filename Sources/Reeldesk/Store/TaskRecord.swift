import Foundation
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

    /// The columns read by `init(row:)`, in order.
    static let columns = """
        id, prompt, model, duration, aspect_ratio, resolution, seed, audio, camera_fixed,
        first_frame_url, last_frame_url, first_frame_file, last_frame_file, status, progress,
        error_message, idempotency_key, upstream_task_id, estimated_cost_usd, created_at, updated_at, version
        """

    init(row: Row) {
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
    }
}

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
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
