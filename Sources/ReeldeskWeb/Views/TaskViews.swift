import Foundation
import ReeldeskStore
import WebCore

/// View models for tasks: plain string dictionaries (fast for swift-mustache, no reflection).
package enum TaskViews {
    /// One row of the history table.
    package static func row(_ t: TaskRecord) -> [String: Any] {
        let p = t.parameters
        return [
            "id": String(t.id),
            "url": Route.task(id: t.id).path,
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
            "thumb_url": t.video?.poster != nil && t.status == .completed ? Route.taskThumbnail(id: t.id).path : "",
            "preview_url": t.status == .completed && t.video != nil ? Route.taskVideo(id: t.id).path : "",
        ]
    }

    /// Everything on the task page. `children` decides whether Retry is still offered (one
    /// retry per attempt).
    package static func detail(_ t: TaskRecord, now: Double, children: [TaskRecord] = []) -> [String: Any] {
        let p = t.parameters
        var d = row(t)
        let (w, h) = p.resolution.pixels(for: p.aspectRatio)
        d["model"] = p.model
        d["pixels"] = "\(w)×\(h)"
        d["seed"] = p.seed.map { String($0) + (t.seedDrawn ? " (drawn by Reeldesk)" : "") } ?? "random"
        d["audio"] = p.audio ? "on" : "off"
        d["camera_fixed"] = p.cameraFixed ? "fixed" : "free"
        d["first_frame"] = frameText(url: p.firstFrameURL, file: t.firstFrameFile)
        d["last_frame"] = frameText(url: p.lastFrameURL, file: t.lastFrameFile)
        d["visibility"] = t.visibility.rawValue
        d["is_private"] = t.visibility == .private
        d["visibility_url"] = Route.setVisibility(id: t.id).path
        d["tags"] = t.tags.map { ["name": $0, "url": Route.taskList.path + "?tag=" + URLEncodedForm.encode($0)] }
        d["tags_text"] = t.tags.joined(separator: ", ")
        d["tags_url"] = Route.setTags(id: t.id).path
        d["favourite_url"] = Route.setFavourite(id: t.id).path
        if t.firstFrameFile != nil { d["first_frame_link"] = Route.taskFrame(id: t.id, which: .first).path }
        if t.lastFrameFile != nil { d["last_frame_link"] = Route.taskFrame(id: t.id, which: .last).path }
        d["cost"] = Formatting.usd(t.estimatedCostUSD)
        d["error_message"] = t.errorMessage ?? ""
        d["has_error"] = t.errorMessage != nil
        d["upstream_task_id"] = t.upstreamTaskID ?? "—"
        d["updated"] = Formatting.utc(t.updatedAt)
        d["submitted_at"] = t.submittedAt.map { String(Int($0)) } ?? ""
        d["elapsed"] = t.submittedAt.map { Formatting.duration((t.completedAt ?? now) - $0) } ?? "not started"
        d["estimate"] = t.estimatedSeconds.map { "about " + Formatting.duration(Double($0)) } ?? "unknown"
        d["estimated_seconds"] = t.estimatedSeconds.map { String($0) } ?? ""
        let actions = TaskActionsAvailable(t, retried: children.contains { $0.lineage == .retry })
        d["can_retry"] = actions.retry
        d["content_refused"] = t.contentWasRefused
        d["can_cancel"] = actions.cancel
        d["can_delete"] = actions.delete
        d["retry_url"] = Route.retry(id: t.id).path
        d["cancel_url"] = Route.cancel(id: t.id).path
        d["delete_url"] = Route.deleteTask(id: t.id).path
        d["regenerate_url"] = Route.regenerate(id: t.id).path
        d["is_cancelled"] = t.status == .cancelled
        d["aspect_class"] = "ratio-" + p.aspectRatio.slug
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

    /// The task's family for its page: where it came from and what was made from it.
    package static func family(_ t: TaskRecord, parent: TaskRecord?, children: [TaskRecord]) -> [String: Any] {
        func link(_ r: TaskRecord) -> [String: Any] {
            ["id": String(r.id), "url": Route.task(id: r.id).path, "status": r.status.rawValue, "status_label": r.status.label,
             "relation": relationLabel(r.lineage)]
        }
        var d: [String: Any] = ["children": children.map(link), "has_children": !children.isEmpty]
        if let parent {
            var p = link(parent)
            p["relation"] = parentLabel(t.lineage)
            d["parent"] = p
        }
        d["has_family"] = parent != nil || !children.isEmpty
        var whole = TaskFilter()
        whole.family = t.id
        d["history_url"] = Route.taskList.path + "?" + whole.query
        return d
    }

    /// How a child relates to this task.
    package static func relationLabel(_ l: Lineage?) -> String {
        switch l {
        case .retry: "next attempt"
        case .regenerate: "regenerated"
        case .remix: "remix"
        case .variation: "variation"
        case nil: "derived"
        }
    }

    /// How this task relates to its parent.
    package static func parentLabel(_ l: Lineage?) -> String {
        switch l {
        case .retry: "retry of"
        case .regenerate: "regenerated from"
        case .remix: "remix of"
        case .variation: "variation of"
        case nil: "made from"
        }
    }

    /// `720×1280 · 6.0 s · 24 fps · with audio · 0.1 MB`, under the player (page and live update).
    package static func videoMeta(_ v: ArchivedVideo) -> String {
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
package struct MediaLinks {
    package let video: String
    package let download: String
    package let poster: String?

    package init?(_ t: TaskRecord) {
        guard t.status == .completed, let v = t.video else { return nil }
        video = Route.taskVideo(id: t.id).path
        download = video + "?" + VideoQuery(download: true).query
        poster = v.poster != nil ? Route.taskPoster(id: t.id).path : nil
    }
}

/// Which actions a task offers right now (page and live update agree through this).
package struct TaskActionsAvailable {
    package let retry: Bool
    package let cancel: Bool
    package let delete: Bool

    package init(_ t: TaskRecord, retried: Bool) {
        retry = t.status.isRetryable && !retried
        cancel = !t.status.isTerminal
        delete = t.status.isTerminal
    }
}
