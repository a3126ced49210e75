import Foundation
import WebCore

/// Archived media: the responder checks the task, then hands the file to nginx with
/// `X-Accel-Redirect` (sendfile, Range requests for seeking).
struct MediaHandlers {
    let store: TaskStore

    /// GET /tasks/{id}/video; `?download=1` adds a Content-Disposition with a readable name.
    func video(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.find(id), t.status == .completed, let video = t.video else {
            throw HTTPError(.notFound, "Task \(id) has no archived video.")
        }
        var r = accel("/media/" + video.file, type: "video/mp4")
        if request.queryItems["download"] == "1" {
            r.headers.set("Content-Disposition", Self.contentDisposition(t))
        }
        return r
    }

    /// GET /tasks/{id}/poster.
    func poster(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.find(id), let poster = t.video?.poster else {
            throw HTTPError(.notFound, "Task \(id) has no poster.")
        }
        return accel("/media/" + poster, type: "image/jpeg")
    }

    private func accel(_ path: String, type: String) -> Response {
        var h = HTTPHeaders()
        h.add("X-Accel-Redirect", path)
        h.add("Content-Type", type)
        h.add("Cache-Control", "private, max-age=86400")
        return Response(status: .ok, headers: h)
    }

    /// `attachment; filename="reeldesk-4.mp4"; filename*=UTF-8''reeldesk-4-%E7%8B%90...mp4`: the
    /// prompt's words in any script (RFC 6266 / RFC 5987), with an ASCII fallback.
    static func contentDisposition(_ t: TaskRecord) -> String {
        "attachment; filename=\"\(downloadName(t))\"; filename*=UTF-8''" + URLEncodedForm.encode(unicodeDownloadName(t))
    }

    /// `reeldesk-4-一只狐狸在雪中奔跑.mp4`: letters and digits of any script, dashes between words.
    static func unicodeDownloadName(_ t: TaskRecord) -> String {
        var slug = ""
        for ch in t.parameters.prompt.lowercased() {
            if slug.count >= 40 { break }
            if ch.isLetter || ch.isNumber { slug.append(ch) } else if !slug.isEmpty && !slug.hasSuffix("-") { slug += "-" }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return "reeldesk-\(t.id)" + (slug.isEmpty ? "" : "-" + slug) + ".mp4"
    }

    /// `reeldesk-12-a-red-fox-running.mp4`: id plus the prompt's first words, ASCII only.
    static func downloadName(_ t: TaskRecord) -> String {
        var slug = ""
        for scalar in t.parameters.prompt.lowercased().unicodeScalars {
            if slug.count >= 40 { break }
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) { slug.unicodeScalars.append(scalar) }
            else if !slug.hasSuffix("-") && !slug.isEmpty { slug += "-" }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return "reeldesk-\(t.id)" + (slug.isEmpty ? "" : "-" + slug) + ".mp4"
    }
}
