import Foundation
import ReeldeskStore
import WebCore

/// Archived media and uploaded frames: the responder checks the task's access rule (or an
/// upload link's signature), then hands the file to nginx with `X-Accel-Redirect` (sendfile,
/// Range requests for seeking). Neither folder is served by nginx directly.
package struct MediaHandlers {
    package let context: AppContext
    package let store: TaskStore

    /// GET /tasks/{id}/video; `?download=1` adds a Content-Disposition with a readable name.
    package func video(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.visible(to: request.viewer).find(id), t.status == .completed, let video = t.video else {
            throw HTTPError(.notFound, "Task \(id) has no archived video.")
        }
        var r = accel(NginxLocation.media + video.file, type: "video/mp4")
        if try VideoQuery.parse(request.queryItems).download {
            r.headers.set("Content-Disposition", Self.contentDisposition(t))
        }
        return r
    }

    /// GET /tasks/{id}/poster.
    package func poster(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.visible(to: request.viewer).find(id), let poster = t.video?.poster else {
            throw HTTPError(.notFound, "Task \(id) has no poster.")
        }
        return accel(NginxLocation.media + poster, type: "image/jpeg")
    }

    /// GET /tasks/{id}/thumb: the grid's small poster (the poster itself for videos archived
    /// before thumbnails were made).
    package func thumbnail(_ request: RequestContext, id: Int64) throws -> Response {
        guard let t = try store.visible(to: request.viewer).find(id), let poster = t.video?.poster else {
            throw HTTPError(.notFound, "Task \(id) has no poster.")
        }
        let dir = (poster as NSString).deletingLastPathComponent
        let thumb = dir + "/" + ArchivedVideo.thumbnailName
        let exists = FileManager.default.fileExists(atPath: context.config.mediaDir + "/" + thumb)
        return accel(NginxLocation.media + (exists ? thumb : poster), type: "image/jpeg")
    }

    /// GET /tasks/{id}/frames/first|last: an uploaded frame, to whoever may see the task.
    package func frame(_ request: RequestContext, id: Int64, which: FrameSlot) throws -> Response {
        guard let t = try store.visible(to: request.viewer).find(id),
              let file = which == .first ? t.firstFrameFile : t.lastFrameFile else {
            throw HTTPError(.notFound, "Task \(id) has no uploaded \(which.rawValue) frame.")
        }
        return accel(NginxLocation.uploads + file, type: Self.imageType(file))
    }

    /// GET /uploads/NAME?expires=…&sig=…: a signed link (the upstream fetching a frame, or a form
    /// previewing an upload). A missing, wrong or expired signature is 404, like no file.
    package func upload(_ request: RequestContext, name: String) throws -> Response {
        let q = request.queryItems
        guard context.uploadLinks.isValid(name: name, expires: q["expires"], sig: q["sig"]),
              FileManager.default.fileExists(atPath: context.config.uploadsDir + "/" + name) else {
            throw HTTPError(.notFound, "Page not found.")
        }
        return accel(NginxLocation.uploads + name, type: Self.imageType(name))
    }

    package static func imageType(_ name: String) -> String {
        switch name.split(separator: ".").last.map(String.init) ?? "" {
        case "jpg": "image/jpeg"
        case "png": "image/png"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "bmp": "image/bmp"
        case "tiff": "image/tiff"
        case "heic": "image/heic"
        default: "application/octet-stream"
        }
    }

    private func accel(_ path: String, type: String) -> Response {
        var h = HTTPHeaders()
        h.add("X-Accel-Redirect", path)
        h.add("Content-Type", type)
        // Private: what one person may see must not sit in a shared cache.
        h.add("Cache-Control", "private, max-age=3600")
        return Response(status: .ok, headers: h)
    }

    /// `attachment; filename="reeldesk-4.mp4"; filename*=UTF-8''reeldesk-4-%E7%8B%90...mp4`: the
    /// prompt's words in any script (RFC 6266 / RFC 5987), with an ASCII fallback.
    package static func contentDisposition(_ t: TaskRecord) -> String {
        "attachment; filename=\"\(downloadName(t))\"; filename*=UTF-8''" + URLEncodedForm.encode(unicodeDownloadName(t))
    }

    /// `reeldesk-4-一只狐狸在雪中奔跑.mp4`: letters and digits of any script, dashes between words.
    package static func unicodeDownloadName(_ t: TaskRecord) -> String {
        var slug = ""
        for ch in t.parameters.prompt.lowercased() {
            if slug.count >= 40 { break }
            if ch.isLetter || ch.isNumber { slug.append(ch) } else if !slug.isEmpty && !slug.hasSuffix("-") { slug += "-" }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return "reeldesk-\(t.id)" + (slug.isEmpty ? "" : "-" + slug) + ".mp4"
    }

    /// `reeldesk-12-a-red-fox-running.mp4`: id plus the prompt's first words, ASCII only.
    package static func downloadName(_ t: TaskRecord) -> String {
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

/// nginx's `internal` locations that serve the files a handler has allowed (`X-Accel-Redirect`);
/// they are nginx's (nginx/reeldesk.conf), not routes: no browser can request them.
package enum NginxLocation {
    package static let media = "/media/"
    package static let uploads = "/upload-files/"
}
