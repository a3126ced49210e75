import Curl
import Foundation
import ReeldeskStore
import ReeldeskSystem

extension PollerWork {
    /// Downloads the finished video (to `.part`, then renamed), extracts metadata and a poster,
    /// and only then marks the task completed. Transient failures (network, a full disk, a
    /// hung ffprobe) are retried until the link expires (at most 48 h after completion).
    package func archive(_ t: TaskRecord) throws -> Bool {
        guard let url = t.upstreamVideoURL else {
            try store.advance(t.id) { $0.fail("No video URL was recorded.") }
            return true
        }
        let now = Date().timeIntervalSince1970
        let relativeDir = String(t.id)
        let dir = config.mediaDir + "/" + relativeDir
        do {
            // No room for the reserve means no room for a video either: say so, try later.
            guard DiskReserve.ensure(config) else { throw DiskFull() }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let bytes = try Curl.download(url: url, to: dir + "/video.mp4", maxBytes: polling.maxVideoBytes, publicOnly: !mayFetchPrivateAddresses)
            let info = try MediaProbe.probe(dir + "/video.mp4", timeout: config.toolTimeoutSeconds)
            let poster = makePoster(t, dir: dir, relativeDir: relativeDir, seconds: info.seconds)
            let video = ArchivedVideo(file: relativeDir + "/video.mp4", poster: poster, width: info.width, height: info.height,
                                      seconds: info.seconds, fps: info.fps, hasAudio: info.hasAudio, bytes: bytes)
            try store.advance(t.id) { $0.complete(video: video, at: now) }
            logger.info("video archived", metadata: ["task": "\(t.id)", "bytes": "\(bytes)", "size": "\(info.width)x\(info.height)"])
            return true
        } catch let error as CurlError where error.isTooLarge {
            logger.warning("video too large", metadata: ["task": "\(t.id)", "error": "\(error)"])
            return try stop(t, "The video is larger than REELDESK_MAX_VIDEO_MB (\(polling.maxVideoBytes >> 20) MB); it was not saved.")
        } catch let error as CurlError where error.isRefusedAddress {
            logger.warning("video URL refused", metadata: ["task": "\(t.id)", "error": "\(error)"])
            return try stop(t, "The upstream's video link points to a private or local address; Reeldesk does not fetch from there "
                + "(REELDESK_ALLOW_PRIVATE_ADDRESSES allows it).")
        } catch {
            return try retryLater(t, error: error, now: now)
        }
    }

    /// The simulator serves from loopback; anything else must be public unless allowed.
    package var mayFetchPrivateAddresses: Bool { config.isSimulated || config.allowPrivateAddresses }

    private func makePoster(_ t: TaskRecord, dir: String, relativeDir: String, seconds: Double) -> String? {
        do {
            try MediaProbe.poster(video: dir + "/video.mp4", to: dir + "/poster.jpg", at: min(1, seconds / 2), timeout: config.toolTimeoutSeconds)
            // The grid's thumbnail (thumb.jpg beside the poster); without it the grid shows the poster.
            do {
                try MediaProbe.thumbnail(poster: dir + "/poster.jpg", to: dir + "/" + ArchivedVideo.thumbnailName,
                                         width: ArchivedVideo.thumbnailWidth, timeout: config.toolTimeoutSeconds)
            } catch {
                logger.warning("thumbnail failed", metadata: ["task": "\(t.id)", "error": "\(error)"])
            }
            return relativeDir + "/poster.jpg"
        } catch {
            logger.warning("poster failed", metadata: ["task": "\(t.id)", "error": "\(error)"])
            return nil
        }
    }

    private func stop(_ t: TaskRecord, _ message: String) throws -> Bool {
        try store.advance(t.id) { $0.fail(message) }
        return true
    }

    /// Keeps the task downloading, with the reason shown on its page, until the link expires.
    private func retryLater(_ t: TaskRecord, error: Error, now: Double) throws -> Bool {
        let expires = t.upstreamExpiresAt ?? now
        logger.warning("video download failed", metadata: ["task": "\(t.id)", "error": "\(error)"])
        if Self.isDiskFull(error), DiskReserve.release(config) {
            logger.warning("disk full: the reserved megabyte was released so the task can say so", metadata: ["task": "\(t.id)"])
        }
        if now >= expires {
            try store.advance(t.id) {
                $0.expire("The upstream's video link expired before Reeldesk could save the video. Retry to generate it again.")
            }
            return true
        }
        let updated = try store.advance(t.id) {
            $0.retryLater(at: min(expires, now + Backoff.delay(attempt: $0.attempts + 1, base: 1, cap: polling.backoffCapSeconds)),
                          message: Self.downloadProblem(error))
        }
        return updated?.version != t.version
    }

    /// The disk has no room left (for the reserve, or for the video being written).
    package struct DiskFull: Error {}

    package static func isDiskFull(_ error: Error) -> Bool {
        if error is DiskFull { return true }
        guard let e = error as? CurlError else { return false }
        return e.code == 23 || e.message.contains("Failed writing") || e.message.contains("No space")
    }

    /// What the task page says while a download is being retried.
    package static func downloadProblem(_ error: Error) -> String {
        let detail: String
        switch error {
        case let e as ProcessRunner.Failure where e.timedOut: detail = "\(e.tool) did not finish in time"
        case let e as ProcessRunner.Failure: detail = "\(e.tool) could not read the video"
        case is DiskFull: detail = "the disk is full or not writable"
        case let e as CurlError where isDiskFull(e) || e.message.contains("write"):
            detail = "the disk is full or not writable"
        case let e as CurlError: detail = e.message
        default: detail = "\(error)"
        }
        return "Saving the video failed (\(detail)); Reeldesk will try again."
    }
}
