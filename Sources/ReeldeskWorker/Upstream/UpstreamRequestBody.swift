import Foundation
import ReeldeskDomain

/// The submit body exactly as the API page describes it: only the fields it lists, images as
/// `image_with_roles` (or `image_urls` for a single first frame), never both.
package enum UpstreamRequestBody {
    package static func json(_ p: VideoParameters) -> [UInt8] {
        var body: [String: Any] = [
            "model": p.model, "prompt": p.prompt, "duration": p.duration,
            "aspect_ratio": p.aspectRatio.rawValue, "resolution": p.resolution.rawValue,
            "audio": p.audio, "camerafixed": p.cameraFixed,
        ]
        if let seed = p.seed { body["seed"] = seed }
        switch (p.firstFrameURL, p.lastFrameURL) {
        case (let first?, nil):
            body["image_urls"] = [first]
        case (let first, let last) where first != nil || last != nil:
            var roles: [[String: String]] = []
            if let first { roles.append(["url": first, "role": "first_frame"]) }
            if let last { roles.append(["url": last, "role": "last_frame"]) }
            body["image_with_roles"] = roles
        default:
            break
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }
}
