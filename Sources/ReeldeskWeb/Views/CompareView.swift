import Foundation
import ReeldeskDomain
import ReeldeskStore

/// The compare page: 2–4 completed tasks side by side, a parameter table with the rows that
/// differ marked, and each prompt with what differs from the first one's marked.
package enum CompareView {
    package static func context(_ tasks: [TaskRecord]) -> [String: Any] {
        let columns: [[String: Any]] = tasks.enumerated().map { index, t in
            let links = MediaLinks(t)
            let other = index == 0 ? (tasks.count > 1 ? tasks[1] : t) : tasks[0]
            return [
                "id": String(t.id), "url": Route.task(id: t.id).path,
                "has_video": links != nil, "status": t.status.rawValue, "status_label": t.status.label,
                "progress": String(t.progress), "error_message": t.errorMessage ?? "",
                "video_url": links?.video ?? "", "poster_url": links?.poster ?? "",
                "width": String(t.video?.width ?? 0), "height": String(t.video?.height ?? 0),
                "prompt": PromptDiff.segments(t.parameters.prompt, against: other.parameters.prompt)
                    .map { ["text": $0.text, "changed": $0.changed] as [String: Any] },
            ]
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
        let table: [[String: Any]] = rows.map { label, value in
            let values = tasks.map(value)
            var row: [String: Any] = ["label": label, "differs": Set(values).count > 1,
                                      "values": zip(tasks, values).map { ["text": $1, "task_id": String($0.id)] }]
            // The video's row fills in live when a running task finishes (reeldesk.js).
            if label == "Video" { row["field"] = "video-meta" }
            return row
        }
        return ["columns": columns, "rows": table, "count": String(tasks.count)]
    }
}
