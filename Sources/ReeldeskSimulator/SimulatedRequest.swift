import Foundation
import ReeldeskDomain

/// A submit body the simulator accepted, validated field by field like the API page.
package struct SimulatedRequest: Sendable {
    package var prompt: String
    package var duration: Int
    package var aspectRatio: AspectRatio
    package var resolution: Resolution
    package var seed: Int64
    package var audio: Bool
    package var cameraFixed: Bool
    package var firstFrameURL: String?
    package var lastFrameURL: String?

    package static let knownFields: Set<String> = ["model", "prompt", "duration", "aspect_ratio", "resolution", "seed", "audio",
                                           "camerafixed", "image_urls", "image_with_roles"]

    /// Validates a body; the error message names the offending field (400 invalid_request_error).
    package static func validate(_ bytes: [UInt8]) -> Result<SimulatedRequest, SimulatorFailure> {
        guard let o = JSONValue.parse(bytes)?.object else { return bad("request body must be a JSON object") }
        if let unknown = o.keys.sorted().first(where: { !knownFields.contains($0) }) { return bad("unknown parameter: \(unknown)") }
        guard let model = o["model"]?.string else { return bad("model is required") }
        guard model == VideoLimits.model else { return bad("model: unsupported model \(model)") }
        guard let prompt = o["prompt"]?.string, !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return bad("prompt is required")
        }
        var r = SimulatedRequest(prompt: prompt, duration: 5, aspectRatio: .wide, resolution: .p720, seed: -1, audio: false, cameraFixed: false)
        if let v = o["duration"] {
            guard let d = v.int, VideoLimits.durations.contains(d) else { return bad("duration must be an integer from 4 to 12") }
            r.duration = Int(d)
        }
        if let v = o["aspect_ratio"] {
            guard let a = v.string.flatMap(AspectRatio.init(rawValue:)) else { return bad("aspect_ratio must be one of 16:9, 9:16, 1:1, 4:3, 3:4, 21:9") }
            r.aspectRatio = a
        }
        if let v = o["resolution"] {
            guard let res = v.string.flatMap(Resolution.init(rawValue:)) else { return bad("resolution must be one of 480p, 720p, 1080p") }
            r.resolution = res
        }
        if let v = o["seed"] {
            guard let s = v.int, VideoLimits.seeds.contains(s) else { return bad("seed must be an integer from -1 to 4294967295") }
            r.seed = s
        }
        for (name, keyPath) in [("audio", \SimulatedRequest.audio), ("camerafixed", \SimulatedRequest.cameraFixed)] {
            if let v = o[name] {
                guard let b = v.bool else { return bad("\(name) must be a boolean") }
                r[keyPath: keyPath] = b
            }
        }
        return images(o, into: r)
    }

    private static func images(_ o: [String: JSONValue], into request: SimulatedRequest) -> Result<SimulatedRequest, SimulatorFailure> {
        var r = request
        if o["image_urls"] != nil && o["image_with_roles"] != nil {
            return bad("image_urls and image_with_roles cannot be used together")
        }
        if let v = o["image_urls"] {
            guard let list = v.array, (1...2).contains(list.count) else { return bad("image_urls must be an array of 1 or 2 URLs") }
            let urls = list.compactMap(\.string)
            guard urls.count == list.count, urls.allSatisfy(isURL) else { return bad("image_urls must contain http(s) URLs") }
            r.firstFrameURL = urls[0]
            r.lastFrameURL = urls.count == 2 ? urls[1] : nil
        }
        if let v = o["image_with_roles"] {
            guard let list = v.array, (1...2).contains(list.count) else { return bad("image_with_roles must be an array of 1 or 2 items") }
            for item in list {
                guard let url = item.object?["url"]?.string, isURL(url) else { return bad("image_with_roles[].url must be an http(s) URL") }
                switch item.object?["role"]?.string {
                case "first_frame":
                    guard r.firstFrameURL == nil else { return bad("image_with_roles: first_frame given twice") }
                    r.firstFrameURL = url
                case "last_frame":
                    guard r.lastFrameURL == nil else { return bad("image_with_roles: last_frame given twice") }
                    r.lastFrameURL = url
                default:
                    return bad("image_with_roles[].role must be first_frame or last_frame")
                }
            }
        }
        return .success(r)
    }

    package static func isURL(_ s: String) -> Bool { s.hasPrefix("http://") || s.hasPrefix("https://") }

    package static func bad(_ message: String) -> Result<SimulatedRequest, SimulatorFailure> {
        .failure(SimulatorFailure(status: 400, type: "invalid_request_error", message: message))
    }

    package init(
        prompt: String,
        duration: Int,
        aspectRatio: AspectRatio,
        resolution: Resolution,
        seed: Int64,
        audio: Bool,
        cameraFixed: Bool,
        firstFrameURL: String? = nil,
        lastFrameURL: String? = nil
    ) {
        self.prompt = prompt
        self.duration = duration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.seed = seed
        self.audio = audio
        self.cameraFixed = cameraFixed
        self.firstFrameURL = firstFrameURL
        self.lastFrameURL = lastFrameURL
    }
}

/// An error answer in the upstream's documented shape.
package struct SimulatorFailure: Error, Sendable {
    package let status: Int
    package let type: String
    package let message: String

    package var json: [UInt8] {
        let body: [String: Any] = ["error": ["code": status, "message": message, "type": type]]
        return Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }
}
