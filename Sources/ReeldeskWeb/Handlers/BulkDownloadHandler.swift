import Foundation
import ReeldeskStore
import WebCore

/// GET /download?ids=3&ids=7 (the history's "Download selected"): the chosen tasks as one zip,
/// streamed as it is made: each archived video as `reeldesk-ID-words.mp4`, and `tasks.csv` with
/// every chosen task's parameters (tasks without a video are listed there too).
package struct BulkDownloadHandler {
    package let context: AppContext
    package let store: TaskStore

    package static let maxTasks = 100

    package func zip(_ request: RequestContext) throws -> Response {
        let ids = try ChosenTasks.parse(request.queryItems, limit: Self.maxTasks).ids
        guard !ids.isEmpty, ids.count <= Self.maxTasks else {
            throw HTTPError(.badRequest, "Choose 1 to \(Self.maxTasks) tasks to download.")
        }
        let tasks = try store.visible(to: request.viewer).chosen(ids)
        let media = context.config.mediaDir
        var files: [(name: String, path: String)] = []
        var names: [Int64: String] = [:]
        for t in tasks {
            guard t.status == .completed, let v = t.video else { continue }
            let name = MediaHandlers.unicodeDownloadName(t)
            files.append((name, media + "/" + v.file))
            names[t.id] = name
        }
        let csv = TaskCSV.encode(tasks, files: names)
        let logger = context.logger
        let rid = request.requestID
        var h = HTTPHeaders()
        h.add("Content-Type", "application/zip")
        h.add("Content-Disposition", "attachment; filename=\"reeldesk-\(tasks.count)-tasks.zip\"")
        h.add("Cache-Control", "private, no-store")
        let entries = files
        return Response(status: .ok, headers: h, body: .stream(StreamedBody { send in
            withoutActuallyEscaping(send) { send in
                var archive = ZipStream(send: send)
                do {
                    try archive.add(name: "tasks.csv", bytes: csv)
                    for f in entries { try archive.add(name: f.name, file: f.path) }
                    archive.finish()
                } catch {
                    // The head is sent: the client sees a cut archive, the log says why.
                    logger.error("zip download stopped", metadata: ["rid": "\(rid)", "error": "\(error)"])
                }
            }
        }))
    }
}

/// The parameters of tasks as CSV (the audit CSV's rules: BOM, CRLF, quoted, formulas defused).
package enum TaskCSV {
    package static let columns = ["id", "status", "prompt", "model", "duration_s", "aspect_ratio", "resolution", "seed", "audio", "camera_fixed",
                          "first_frame", "last_frame", "tags", "created_utc", "completed_utc", "cost_usd", "error", "file"]

    package static func encode(_ tasks: [TaskRecord], files: [Int64: String]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out += Array((columns.map(AuditCSV.quote).joined(separator: ",") + "\r\n").utf8)
        for t in tasks {
            let p = t.parameters
            let cells = [
                String(t.id), t.status.rawValue, p.prompt, p.model, String(p.duration), p.aspectRatio.rawValue, p.resolution.rawValue,
                p.seed.map(String.init) ?? "", p.audio ? "on" : "off", p.cameraFixed ? "fixed" : "free",
                p.firstFrameURL ?? (t.firstFrameFile != nil ? "uploaded" : ""), p.lastFrameURL ?? (t.lastFrameFile != nil ? "uploaded" : ""),
                t.tags.joined(separator: " "), Formatting.iso(t.createdAt), t.completedAt.map(Formatting.iso) ?? "",
                String(format: "%.4f", t.finalCostUSD ?? t.estimatedCostUSD), t.errorMessage ?? "", files[t.id] ?? "",
            ]
            out += Array((cells.map(AuditCSV.quote).joined(separator: ",") + "\r\n").utf8)
        }
        return out
    }
}
