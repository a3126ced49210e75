/// Several tasks from one form: the same parameters with different seeds, or one parameter
/// stepped through its choices (the chosen value first). The page then compares them.
public enum VariedParameter: String, CaseIterable, Sendable {
    case seed
    case aspectRatio = "aspect_ratio"
    case resolution
    case duration
}

public enum Variations {
    public static let max = 4

    /// The parameters of each task, the form's own first; at most `count`, fewer when the
    /// parameter has fewer choices (three resolutions). Varied seeds are left random (drawn
    /// and recorded for each task when it is stored).
    public static func plan(_ p: VideoParameters, count: Int, vary: VariedParameter) -> [VideoParameters] {
        let n = Swift.max(1, Swift.min(max, count))
        func with(_ change: (inout VideoParameters) -> Void) -> VideoParameters {
            var q = p
            change(&q)
            return q
        }
        switch vary {
        case .seed:
            return [p] + Array(repeating: with { $0.seed = nil }, count: n - 1)
        case .aspectRatio:
            let order = [p.aspectRatio] + AspectRatio.allCases.filter { $0 != p.aspectRatio }
            return order.prefix(n).map { r in with { $0.aspectRatio = r } }
        case .resolution:
            let order = [p.resolution] + Resolution.allCases.filter { $0 != p.resolution }
            return order.prefix(n).map { r in with { $0.resolution = r } }
        case .duration:
            let order = VideoLimits.durations.map { Int($0) }.sorted { (abs($0 - p.duration), $0) < (abs($1 - p.duration), $1) }
            return order.prefix(n).map { d in with { $0.duration = d } }
        }
    }
}
