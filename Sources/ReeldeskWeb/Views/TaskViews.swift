import Foundation
import ReeldeskStore
import WebCore

/// The task page (pages/task): the task's summary (its row), every parameter and action, its
/// family, and a reload while it runs for browsers without JavaScript.
package struct TaskPageView: Encodable {
    let task: TaskRowView
    let detail: TaskDetailView
    let refreshSeconds: String?
}

/// Everything on the task page beyond its summary. `children` decides whether Retry is still
/// offered (one retry per attempt).
package struct TaskDetailView: Encodable {
    package struct Tag: Encodable { let name: String; let url: String }

    let model, pixels, seed, audio, cameraFixed, firstFrame, lastFrame, visibility: String
    let isPrivate: Bool
    let visibilityURL: String
    let tags: [Tag]
    let tagsText, tagsURL, favouriteURL: String
    let firstFrameLink, lastFrameLink: String?
    let cost: String
    let errorMessage: String?
    let hasError: Bool
    let upstreamTaskID, updated: String
    let submittedAt: String?
    let elapsed, estimate: String
    let canRetry, contentRefused, canCancel, canDelete, isCancelled: Bool
    let retryURL, cancelURL, deleteURL, regenerateURL, remixURL: String
    let aspectClass: String
    let seedURL, seedValue: String?
    let video: TaskVideoView?
    let family: TaskFamilyView
    /// Per viewer: the new-task token of Regenerate, and what they may do.
    let submissionToken: String
    let canCreate, canManage, isFavourite: Bool
    let owner: String

    package init(_ t: TaskRecord, now: Double, parent: TaskRecord?, children: [TaskRecord], submissionToken: String,
                 canCreate: Bool, canManage: Bool, isFavourite: Bool, owner: String?) {
        let p = t.parameters
        let (w, h) = p.resolution.pixels(for: p.aspectRatio)
        model = p.model
        pixels = "\(w)×\(h)"
        seed = p.seed.map { String($0) + (t.seedDrawn ? " (drawn by Reeldesk)" : "") } ?? "random"
        audio = p.audio ? "on" : "off"
        cameraFixed = p.cameraFixed ? "fixed" : "free"
        firstFrame = TaskViews.frameText(url: p.firstFrameURL, file: t.firstFrameFile)
        lastFrame = TaskViews.frameText(url: p.lastFrameURL, file: t.lastFrameFile)
        visibility = t.visibility.rawValue
        isPrivate = t.visibility == .private
        visibilityURL = Route.setVisibility(id: t.id).path
        tags = t.tags.map { Tag(name: $0, url: Route.taskList.path + "?tag=" + URLEncodedForm.encode($0)) }
        tagsText = t.tags.joined(separator: ", ")
        tagsURL = Route.setTags(id: t.id).path
        favouriteURL = Route.setFavourite(id: t.id).path
        firstFrameLink = t.firstFrameFile != nil ? Route.taskFrame(id: t.id, which: .first).path : nil
        lastFrameLink = t.lastFrameFile != nil ? Route.taskFrame(id: t.id, which: .last).path : nil
        cost = Formatting.usd(t.estimatedCostUSD)
        errorMessage = t.errorMessage
        hasError = t.errorMessage != nil
        upstreamTaskID = t.upstreamTaskID ?? "—"
        updated = Formatting.utc(t.updatedAt)
        submittedAt = t.submittedAt.map { String(Int($0)) }
        elapsed = t.submittedAt.map { Formatting.duration((t.completedAt ?? now) - $0) } ?? "not started"
        estimate = TaskViews.estimate(t.estimatedSeconds) ?? "unknown"
        let actions = TaskActionsAvailable(t, retried: children.contains { $0.lineage == .retry })
        canRetry = actions.retry
        contentRefused = t.contentWasRefused
        canCancel = actions.cancel
        canDelete = actions.delete
        isCancelled = t.status == .cancelled
        retryURL = Route.retry(id: t.id).path
        cancelURL = Route.cancel(id: t.id).path
        deleteURL = Route.deleteTask(id: t.id).path
        regenerateURL = Route.regenerate(id: t.id).path
        remixURL = Route.home.path + "?" + HomeQuery(remix: t.id).query
        aspectClass = "ratio-" + p.aspectRatio.slug
        seedURL = p.seed != nil ? Route.home.path + "?" + HomeQuery(seedFrom: t.id).query : nil
        seedValue = p.seed.map { String($0) }
        video = TaskVideoView(t)
        family = TaskFamilyView(t, parent: parent, children: children)
        self.submissionToken = submissionToken
        self.canCreate = canCreate
        self.canManage = canManage
        self.isFavourite = isFavourite
        self.owner = owner ?? "—"
    }
}

/// The task's family for its page: where it came from and what was made from it.
package struct TaskFamilyView: Encodable {
    package struct Link: Encodable {
        let id, url, status, statusLabel, relation: String

        init(_ r: TaskRecord, relation: String) {
            id = String(r.id)
            url = Route.task(id: r.id).path
            status = r.status.rawValue
            statusLabel = r.status.label
            self.relation = relation
        }

        /// A child as its parent's family lists it (partials/family_child).
        init(child: TaskRecord) { self.init(child, relation: TaskViews.relationLabel(child.lineage)) }
    }

    let parent: Link?
    let children: [Link]
    let hasChildren: Bool
    let hasFamily: Bool
    let historyURL: String

    init(_ t: TaskRecord, parent: TaskRecord?, children: [TaskRecord]) {
        self.parent = parent.map { Link($0, relation: TaskViews.parentLabel(t.lineage)) }
        self.children = children.map { Link(child: $0) }
        hasChildren = !children.isEmpty
        hasFamily = parent != nil || !children.isEmpty
        var whole = TaskFilter()
        whole.family = t.id
        historyURL = Route.taskList.path + "?" + whole.query
    }
}

/// Words and figures shared by the task's views and its live updates.
package enum TaskViews {
    /// The upstream's estimate of the time a task takes, as the task page shows it.
    package static func estimate(_ seconds: Int?) -> String? {
        seconds.map { "about " + Formatting.duration(Double($0)) }
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

    static func frameText(url: String?, file: String?) -> String {
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

/// "Delete task N?" (pages/delete), for browsers that cannot ask in place.
package struct DeletePageView: Encodable {
    let task: TaskRowView
    let deleteURL: String
    let taskURL: String
    let submissionToken: String
}
