import ReeldeskStore

/// One task as a history row, a grid card and the head of its delete page (partials/task_row,
/// partials/task_card): the same fields for every viewer, so a rendering is kept per (id,
/// version) by RowFragmentCache.
package struct TaskRowView: Encodable {
    let id: String
    let url: String
    let prompt: String
    let promptShort: String
    let status: String
    let statusLabel: String
    let progress: String
    let active: Bool
    let duration: String
    let aspectRatio: String
    let aspectSlug: String
    let resolution: String
    let created: String
    let createdISO: String
    /// The grid's small poster and its hover preview, once the video is archived.
    let thumbURL: String?
    let previewURL: String?

    package init(_ t: TaskRecord) {
        let p = t.parameters
        id = String(t.id)
        url = Route.task(id: t.id).path
        prompt = p.prompt
        promptShort = Formatting.excerpt(p.prompt, 90)
        status = t.status.rawValue
        statusLabel = t.status.label
        progress = String(t.progress)
        active = !t.status.isTerminal
        duration = String(p.duration)
        aspectRatio = p.aspectRatio.rawValue
        aspectSlug = p.aspectRatio.slug
        resolution = p.resolution.rawValue
        created = Formatting.utc(t.createdAt)
        createdISO = Formatting.iso(t.createdAt)
        let links = MediaLinks(t)
        thumbURL = links?.poster != nil ? Route.taskThumbnail(id: t.id).path : nil
        previewURL = links?.video
    }
}
