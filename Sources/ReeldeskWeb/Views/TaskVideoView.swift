import ReeldeskStore

/// An archived video as the task page's player (partials/task_player) and a compare column
/// (partials/compare_video) show it; nil until the task is completed with its video saved.
package struct TaskVideoView: Encodable {
    let url, downloadURL: String
    let posterURL: String?
    let width, height, meta: String

    package init?(_ t: TaskRecord) {
        guard let links = MediaLinks(t), let v = t.video else { return nil }
        url = links.video
        downloadURL = links.download
        posterURL = links.poster
        width = String(v.width)
        height = String(v.height)
        meta = TaskViews.videoMeta(v)
    }
}
