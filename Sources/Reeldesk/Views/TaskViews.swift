import Foundation

/// View models for tasks: plain string dictionaries (fast for swift-mustache, no reflection).
enum TaskViews {
    /// One row of the history table.
    static func row(_ t: TaskRecord) -> [String: Any] {
        let p = t.parameters
        return [
            "id": String(t.id),
            "url": "/tasks/\(t.id)",
            "prompt": p.prompt,
            "prompt_short": Formatting.excerpt(p.prompt, 90),
            "status": t.status.rawValue,
            "status_label": t.status.label,
            "progress": String(t.progress),
            "active": !t.status.isTerminal,
            "duration": String(p.duration),
            "aspect_ratio": p.aspectRatio.rawValue,
            "aspect_slug": p.aspectRatio.slug,
            "resolution": p.resolution.rawValue,
            "created": Formatting.utc(t.createdAt),
            "created_iso": Formatting.iso(t.createdAt),
        ]
    }

    /// Everything on the task page.
    static func detail(_ t: TaskRecord, now: Double) -> [String: Any] {
        let p = t.parameters
        var d = row(t)
        let (w, h) = p.resolution.pixels(for: p.aspectRatio)
        d["model"] = p.model
        d["pixels"] = "\(w)×\(h)"
        d["seed"] = p.seed.map { String($0) } ?? "random"
        d["audio"] = p.audio ? "on" : "off"
        d["camera_fixed"] = p.cameraFixed ? "fixed" : "free"
        d["first_frame"] = frameText(url: p.firstFrameURL, file: t.firstFrameFile)
        d["last_frame"] = frameText(url: p.lastFrameURL, file: t.lastFrameFile)
        d["cost"] = Formatting.usd(t.estimatedCostUSD)
        d["error_message"] = t.errorMessage ?? ""
        d["has_error"] = t.errorMessage != nil
        d["upstream_task_id"] = t.upstreamTaskID ?? "—"
        d["updated"] = Formatting.utc(t.updatedAt)
        d["submitted_at"] = t.submittedAt.map { String(Int($0)) } ?? ""
        d["elapsed"] = t.submittedAt.map { Formatting.duration((t.completedAt ?? now) - $0) } ?? "not started"
        d["estimate"] = t.estimatedSeconds.map { "about " + Formatting.duration(Double($0)) } ?? "unknown"
        d["estimated_seconds"] = t.estimatedSeconds.map { String($0) } ?? ""
        d["can_retry"] = t.status.isRetryable
        d["remix_url"] = "/?remix=\(t.id)"
        if let seed = p.seed { d["seed_url"] = "/?seed_from=\(t.id)"; d["seed_value"] = String(seed) }
        if let links = MediaLinks(t), let v = t.video {
            d["video"] = [
                "url": links.video, "download_url": links.download, "poster_url": links.poster ?? "",
                "width": String(v.width), "height": String(v.height), "meta": videoMeta(v),
            ] as [String: Any]
        }
        return d
    }

    /// `720×1280 · 6.0 s · 24 fps · with audio · 0.1 MB`, under the player (page and live update).
    static func videoMeta(_ v: ArchivedVideo) -> String {
        let mb = String(format: "%.1f", Double(v.bytes) / 1_048_576)
        return "\(v.width)×\(v.height) · \(String(format: "%.1f", v.seconds)) s · \(String(format: "%g", v.fps)) fps · " +
            "\(v.hasAudio ? "with audio" : "silent") · \(mb) MB"
    }

    private static func frameText(url: String?, file: String?) -> String {
        if let url { return url }
        if file != nil { return "uploaded image" }
        return "none"
    }
}

/// The addresses of a completed task's archived media (nil until the video is archived).
struct MediaLinks {
    let video: String
    let download: String
    let poster: String?

    init?(_ t: TaskRecord) {
        guard t.status == .completed, let v = t.video else { return nil }
        video = "/tasks/\(t.id)/video"
        download = video + "?download=1"
        poster = v.poster != nil ? "/tasks/\(t.id)/poster" : nil
    }
}
