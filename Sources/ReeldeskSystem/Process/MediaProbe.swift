import Foundation

/// What ffprobe says about an archived video.
public struct MediaInfo: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var seconds: Double
    public var fps: Double
    public var hasAudio: Bool
}

/// Runs ffprobe and ffmpeg on archived files.
public enum MediaProbe {
    public struct ToolError: Error, CustomStringConvertible {
        public let tool: String
        public let detail: String
        public var description: String { "\(tool) failed: \(detail)" }
    }

    /// Reads size, duration, frame rate and whether an audio stream exists.
    public static func probe(_ path: String, timeout: Double) throws -> MediaInfo {
        let out = try run("ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path], timeout: timeout)
        guard let json = try? JSONSerialization.jsonObject(with: out) as? [String: Any],
              let streams = json["streams"] as? [[String: Any]],
              let video = streams.first(where: { $0["codec_type"] as? String == "video" }) else {
            throw ToolError(tool: "ffprobe", detail: "no video stream in \(path)")
        }
        let format = json["format"] as? [String: Any]
        let seconds = Double(format?["duration"] as? String ?? "") ?? Double(video["duration"] as? String ?? "") ?? 0
        return MediaInfo(
            width: video["width"] as? Int ?? 0, height: video["height"] as? Int ?? 0, seconds: seconds,
            fps: rate(video["avg_frame_rate"] as? String ?? video["r_frame_rate"] as? String ?? ""),
            hasAudio: streams.contains { $0["codec_type"] as? String == "audio" })
    }

    /// Writes a JPEG poster from about one second in (or the first frame of a shorter clip).
    public static func poster(video: String, to path: String, at seconds: Double, timeout: Double) throws {
        _ = try run("ffmpeg", ["-y", "-v", "error", "-ss", String(format: "%.2f", seconds), "-i", video, "-frames:v", "1", "-q:v", "3", path],
                    timeout: timeout)
    }

    /// A small JPEG for the history's grid: `width` pixels wide, the height to scale.
    public static func thumbnail(poster: String, to path: String, width: Int, timeout: Double) throws {
        _ = try run("ffmpeg", ["-y", "-v", "error", "-i", poster, "-vf", "scale=\(width):-2", "-q:v", "5", path], timeout: timeout)
    }

    /// `24/1` → 24.
    package static func rate(_ s: String) -> Double {
        let parts = s.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] != 0 else { return parts.first ?? 0 }
        return parts[0] / parts[1]
    }

    /// Runs a tool with a deadline, returning stdout; throws with stderr's tail on failure.
    @discardableResult
    package static func run(_ tool: String, _ args: [String], timeout: Double) throws -> Data {
        Data(try ProcessRunner.run(tool, args, timeout: timeout))
    }
}
