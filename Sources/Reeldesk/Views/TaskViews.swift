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
    static func detail(_ t: TaskRecord) -> [String: Any] {
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
        return d
    }

    private static func frameText(url: String?, file: String?) -> String {
        if let url { return url }
        if file != nil { return "uploaded image" }
        return "none"
    }
}
