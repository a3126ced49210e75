import Curl
import Foundation
import Logging
import ReeldeskSystem

/// Turns ripe simulated tasks into real MP4s with ffmpeg: the exact pixel size for the
/// resolution × ratio, the requested duration, 24 fps, H.264, AAC only when audio was asked for,
/// the prompt and seed drawn on screen, and the first/last frame images at the ends.
package struct SimulatorRenderer {
    package let filesDir: String
    package let logger: Logger
    /// ffmpeg is killed after this long (a frame URL that is not an image once spun for minutes).
    package var timeout: Double = 300

    package enum RenderError: Error, CustomStringConvertible {
        case image(String)
        case ffmpeg(String)
        package var description: String {
            switch self {
            case .image(let m): "could not fetch image: \(m)"
            case .ffmpeg(let m): "rendering failed: \(m)"
            }
        }
    }

    /// Renders `task` to `<filesDir>/<id>.mp4`; returns the file name.
    package func render(_ task: SimulatorStore.Task) throws -> String {
        let r = task.request
        let (w, h) = r.resolution.pixels(for: r.aspectRatio)
        let work = filesDir + "/" + task.id + ".work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try wrap(r.prompt, width: w).write(toFile: work + "/prompt.txt", atomically: true, encoding: .utf8)
        try "seed \(r.seed)  ·  \(r.aspectRatio.rawValue)  ·  \(r.resolution.rawValue)  ·  \(r.duration) s".write(toFile: work + "/seed.txt", atomically: true, encoding: .utf8)
        var frames: [String] = []
        for (name, url) in [("first", r.firstFrameURL), ("last", r.lastFrameURL)] {
            guard let url else { continue }
            do {
                _ = try Curl.download(url: url, to: work + "/" + name + ".img", maxBytes: 30 << 20, lowSpeedSeconds: 10)
            } catch {
                throw RenderError.image("\(name) frame (\(error))")
            }
            frames.append(name)
        }
        let name = task.id + ".mp4"
        let args = ffmpegArguments(r, width: w, height: h, work: work, frames: frames, output: work + "/out.mp4")
        do {
            try MediaProbe.run("ffmpeg", args, timeout: timeout)
        } catch {
            throw RenderError.ffmpeg("\(error)")
        }
        try? FileManager.default.removeItem(atPath: filesDir + "/" + name)
        try FileManager.default.moveItem(atPath: work + "/out.mp4", toPath: filesDir + "/" + name)
        return name
    }

    package func ffmpegArguments(_ r: SimulatedRequest, width w: Int, height h: Int, work: String, frames: [String], output: String) -> [String] {
        let d = r.duration
        var args = ["-y", "-v", "error", "-f", "lavfi", "-i", "color=c=0x1b2438:s=\(w)x\(h):r=24:d=\(d)"]
        if r.audio { args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(d)"] }
        var imageInputs: [String: Int] = [:]
        for f in frames {
            imageInputs[f] = (r.audio ? 2 : 1) + imageInputs.count
            args += ["-loop", "1", "-t", "\(d)", "-i", work + "/" + f + ".img"]
        }
        let font = Self.font()
        let size = max(18, min(w, h) / 16)
        var graph = "[0:v]drawtext=fontfile=\(font):textfile=\(work)/prompt.txt:expansion=none:fontcolor=white:fontsize=\(size)" +
            ":line_spacing=\(size / 3):x=(w-text_w)/2:y=(h-text_h)/2," +
            "drawtext=fontfile=\(font):textfile=\(work)/seed.txt:expansion=none:fontcolor=0xaab4cc:fontsize=\(size * 2 / 3):x=(w-text_w)/2:y=h-2*line_h[base]"
        var last = "base"
        for (f, index) in imageInputs.sorted(by: { $0.value < $1.value }) {
            let window = f == "first" ? "lt(t,1)" : "gte(t,\(d - 1))"
            graph += ";[\(index):v]scale=\(w):\(h):force_original_aspect_ratio=decrease,pad=\(w):\(h):(ow-iw)/2:(oh-ih)/2,setsar=1[\(f)]"
            graph += ";[\(last)][\(f)]overlay=enable='\(window)'[\(f)out]"
            last = f + "out"
        }
        args += ["-filter_complex", graph, "-map", "[\(last)]"]
        if r.audio { args += ["-map", "1:a", "-c:a", "aac", "-b:a", "96k"] }
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-r", "24", "-t", "\(d)", "-movflags", "+faststart", output]
        return args
    }

    /// Breaks the prompt into lines that fit the frame (CJK counts one column per character).
    package func wrap(_ text: String, width: Int) -> String {
        let perLine = max(12, width / 40)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            for chunk in stride(from: 0, to: word.count, by: perLine).map({ String(word.dropFirst($0).prefix(perLine)) }) {
                if line.count + chunk.count + 1 > perLine, !line.isEmpty { lines.append(line); line = "" }
                line += line.isEmpty ? chunk : " " + chunk
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.prefix(6).joined(separator: "\n")
    }

    /// A CJK-capable font if installed (fonts-noto-cjk), else DejaVu.
    package static func font() -> String {
        let candidates = [
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[1]
    }

    package init(filesDir: String, logger: Logger, timeout: Double = 300) {
        self.filesDir = filesDir
        self.logger = logger
        self.timeout = timeout
    }
}
