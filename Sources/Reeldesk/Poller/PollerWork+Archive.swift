import Curl
import Foundation

extension PollerWork {
    /// Downloads the finished video (to `.part`, then renamed), extracts metadata and a poster,
    /// and only then marks the task completed. Retries until the upstream link expires.
    func archive(_ t: TaskRecord) throws -> Bool {
        guard let url = t.upstreamVideoURL else {
            try store.update(t.id) { $0.status = .failed; $0.errorMessage = "No video URL was recorded." }
            return true
        }
        let now = Date().timeIntervalSince1970
        let relativeDir = String(t.id)
        let dir = config.mediaDir + "/" + relativeDir
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let bytes = try Curl.download(url: url, to: dir + "/video.mp4", maxBytes: polling.maxVideoBytes)
            let info = try MediaProbe.probe(dir + "/video.mp4")
            var poster: String? = relativeDir + "/poster.jpg"
            do {
                try MediaProbe.poster(video: dir + "/video.mp4", to: dir + "/poster.jpg", at: min(1, info.seconds / 2))
            } catch {
                logger.warning("poster failed", metadata: ["task": "\(t.id)", "error": "\(error)"])
                poster = nil
            }
            try store.update(t.id) {
                $0.status = .completed
                $0.progress = 100
                $0.completedAt = now
                $0.nextCheckAt = nil
                $0.attempts = 0
                $0.video = ArchivedVideo(file: relativeDir + "/video.mp4", poster: poster, width: info.width, height: info.height,
                                         seconds: info.seconds, fps: info.fps, hasAudio: info.hasAudio, bytes: bytes)
            }
            logger.info("video archived", metadata: ["task": "\(t.id)", "bytes": "\(bytes)", "size": "\(info.width)x\(info.height)"])
            return true
        } catch let error as CurlError where error.isTooLarge {
            logger.warning("video too large", metadata: ["task": "\(t.id)", "error": "\(error)"])
            try store.update(t.id) {
                $0.status = .failed
                $0.errorMessage = "The video is larger than REELDESK_MAX_VIDEO_MB (\(polling.maxVideoBytes >> 20) MB); it was not saved."
                $0.nextCheckAt = nil
            }
            return true
        } catch {
            let expires = t.upstreamExpiresAt ?? now
            logger.warning("video download failed", metadata: ["task": "\(t.id)", "error": "\(error)"])
            if now >= expires {
                try store.update(t.id) {
                    $0.status = .expired
                    $0.errorMessage = "The upstream's video link expired before Reeldesk could save the video. Retry to generate it again."
                    $0.nextCheckAt = nil
                }
                return true
            }
            try store.update(t.id) {
                $0.attempts += 1
                $0.nextCheckAt = min(expires, now + Backoff.delay(attempt: $0.attempts, base: 1, cap: polling.backoffCapSeconds))
            }
            return false
        }
    }
}
