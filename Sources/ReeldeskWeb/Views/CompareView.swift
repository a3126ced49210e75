import Foundation
import ReeldeskDomain
import ReeldeskStore

/// The compare page: 2–4 completed tasks side by side, a parameter table with the rows that
/// differ marked, and each prompt with what differs from the first one's marked.
package struct CompareView: Encodable {
    package struct Column: Encodable {
        let id, url: String
        let status, statusLabel, progress: String
        let errorMessage: String?
        let video: TaskVideoView?
        let prompt: [Segment]
    }
    package struct Segment: Encodable { let text: String; let changed: Bool }
    package struct Row: Encodable {
        let label: String
        let differs: Bool
        let values: [Cell]
        /// The video's row fills in live when a running task finishes (reeldesk.js).
        let field: String?
    }
    package struct Cell: Encodable { let text: String; let taskID: String }

    let columns: [Column]
    let rows: [Row]
    let count: String

    package init(_ tasks: [TaskRecord]) {
        columns = tasks.enumerated().map { index, t in
            let other = index == 0 ? (tasks.count > 1 ? tasks[1] : t) : tasks[0]
            return Column(
                id: String(t.id), url: Route.task(id: t.id).path, status: t.status.rawValue,
                statusLabel: t.status.label, progress: String(t.progress), errorMessage: t.errorMessage, video: TaskVideoView(t),
                prompt: PromptDiff.segments(t.parameters.prompt, against: other.parameters.prompt).map { Segment(text: $0.text, changed: $0.changed) })
        }
        let rows: [(String, (TaskRecord) -> String)] = [
            ("Model", { $0.parameters.model }),
            ("Duration", { "\($0.parameters.duration) s" }),
            ("Aspect ratio", { $0.parameters.aspectRatio.rawValue }),
            ("Resolution", { $0.parameters.resolution.rawValue }),
            ("Seed", { $0.parameters.seed.map(String.init) ?? "random" }),
            ("Audio", { $0.parameters.audio ? "on" : "off" }),
            ("Camera", { $0.parameters.cameraFixed ? "fixed" : "free" }),
            ("First frame", { $0.parameters.firstFrameURL ?? ($0.firstFrameFile != nil ? "uploaded image" : "none") }),
            ("Last frame", { $0.parameters.lastFrameURL ?? ($0.lastFrameFile != nil ? "uploaded image" : "none") }),
            ("Video", { $0.video.map(TaskViews.videoMeta) ?? "—" }),
            ("Cost", { Formatting.usd($0.finalCostUSD ?? $0.estimatedCostUSD) }),
            ("Tags", { $0.tags.isEmpty ? "—" : $0.tags.joined(separator: ", ") }),
            ("Created", { Formatting.utc($0.createdAt) }),
        ]
        self.rows = rows.map { label, value in
            let values = tasks.map(value)
            return Row(label: label, differs: Set(values).count > 1, values: zip(tasks, values).map { Cell(text: $1, taskID: String($0.id)) },
                       field: label == "Video" ? "video-meta" : nil)
        }
        count = String(tasks.count)
    }
}

/// The compare page (pages/compare).
package struct ComparePageView: Encodable {
    let compare: CompareView
}
