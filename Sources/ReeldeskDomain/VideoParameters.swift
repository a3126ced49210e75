import Foundation

/// The generation parameters the upstream accepts (CONTRACT.md §1), as typed values.

/// Output aspect ratio.
public enum AspectRatio: String, CaseIterable, Sendable, Codable {
    case wide = "16:9", tall = "9:16", square = "1:1", classic = "4:3", classicTall = "3:4", cinema = "21:9"

    /// A word for the shape shown next to the ratio.
    public var label: String {
        switch self {
        case .wide: "Landscape"
        case .tall: "Portrait"
        case .square: "Square"
        case .classic: "Classic"
        case .classicTall: "Classic portrait"
        case .cinema: "Cinema"
        }
    }

    /// A CSS-friendly slug (`16x9`).
    public var slug: String { rawValue.replacingOccurrences(of: ":", with: "x") }
}

/// Output resolution.
public enum Resolution: String, CaseIterable, Sendable, Codable {
    case p480 = "480p", p720 = "720p", p1080 = "1080p"

    /// `{"720p 16:9":921600,…}`: pixels per frame for every shape, for the form's live estimate.
    package static let pixelTableJSON: String = {
        var parts: [String] = []
        for r in allCases {
            for a in AspectRatio.allCases {
                let (w, h) = r.pixels(for: a)
                parts.append("\"\(r.rawValue) \(a.rawValue)\":\(w * h)")
            }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }()

    /// Exact pixel size per CONTRACT.md §4.
    public func pixels(for ratio: AspectRatio) -> (width: Int, height: Int) {
        switch (self, ratio) {
        case (.p480, .wide): (864, 496)
        case (.p480, .classic): (752, 560)
        case (.p480, .square): (640, 640)
        case (.p480, .classicTall): (560, 752)
        case (.p480, .tall): (496, 864)
        case (.p480, .cinema): (992, 432)
        case (.p720, .wide): (1280, 720)
        case (.p720, .classic): (1112, 834)
        case (.p720, .square): (960, 960)
        case (.p720, .classicTall): (834, 1112)
        case (.p720, .tall): (720, 1280)
        case (.p720, .cinema): (1470, 630)
        case (.p1080, .wide): (1920, 1080)
        case (.p1080, .classic): (1664, 1248)
        case (.p1080, .square): (1440, 1440)
        case (.p1080, .classicTall): (1248, 1664)
        case (.p1080, .tall): (1080, 1920)
        case (.p1080, .cinema): (2206, 946)
        }
    }
}

/// Limits and defaults of the upstream's request body.
public enum VideoLimits {
    public static let model = "doubao-seedance-1-5-pro"
    public static let models = [model]
    public static let durations: ClosedRange<Int64> = 4...12
    public static let defaultDuration: Int64 = 5
    public static let seeds: ClosedRange<Int64> = -1...4_294_967_295

    /// A seed for a task left "random": drawn here (system CSPRNG) and sent, so every task
    /// knows the seed its video was made with and can be repeated.
    public static func drawSeed() -> Int64 {
        var rng = SystemRandomNumberGenerator()
        return Int64.random(in: 0...4_294_967_295, using: &rng)
    }
    /// Our own cap: the upstream states none, and longer prompts do not help the model.
    public static let maxPromptCharacters = 2000
}

/// Everything needed to ask the upstream for one video.
public struct VideoParameters: Sendable, Equatable, Codable {
    public var prompt: String
    public var model: String
    public var duration: Int
    public var aspectRatio: AspectRatio
    public var resolution: Resolution
    /// nil means random (sent as absent / -1).
    public var seed: Int64?
    public var audio: Bool
    public var cameraFixed: Bool
    /// Where the upstream fetches the first / last frame (a typed URL, or our published upload URL).
    public var firstFrameURL: String?
    public var lastFrameURL: String?

    /// Estimated upstream cost in US dollars (CONTRACT.md §6): tokens = w × h × (24 × d + 1) / 1024.
    public func estimatedCostUSD(perMillionWithAudio: Double = 2.4, perMillionSilent: Double = 1.2) -> Double {
        let (w, h) = resolution.pixels(for: aspectRatio)
        let tokens = Double(w * h * (24 * duration + 1)) / 1024
        return tokens / 1_000_000 * (audio ? perMillionWithAudio : perMillionSilent)
    }

    package init(
        prompt: String,
        model: String,
        duration: Int,
        aspectRatio: AspectRatio,
        resolution: Resolution,
        seed: Int64? = nil,
        audio: Bool,
        cameraFixed: Bool,
        firstFrameURL: String? = nil,
        lastFrameURL: String? = nil
    ) {
        self.prompt = prompt
        self.model = model
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
