import ReeldeskDomain
import ReeldeskStore
import WebCore

/// The new-task form's view model: current values (defaults, a rejected submission, or a task
/// being remixed), images kept server-side, and the error next to each field.
package struct NewTaskFormView {
    package var values: [String: String] = [:]
    package var checked: Set<String> = []
    package var errors: [FieldError] = []
    /// Per frame field (`first_frame`, `last_frame`): a kept image's name under the uploads dir
    /// and the file name the person chose.
    package var kept: [String: (name: String, filename: String)] = [:]

    /// The form with the upstream's defaults.
    package static let defaults = NewTaskFormView(values: ["model": VideoLimits.model, "duration": "5", "aspect_ratio": "16:9", "resolution": "720p"])

    /// The values exactly as submitted, so a rejected form comes back as the person left it.
    package init(submitted form: FormData, errors: [FieldError]) {
        for name in ["prompt", "model", "duration", "aspect_ratio", "resolution", "seed", "first_frame_url", "last_frame_url", "remix_of", "visibility",
                     "variations", "vary"] {
            values[name] = form[name] ?? ""
        }
        for name in ["audio", "camerafixed"] where form[name] != nil { checked.insert(name) }
        self.errors = errors
    }

    /// Every parameter of an earlier task, for "remix": uploaded frames are kept (the new task
    /// shares the stored image) and the new task records where it came from.
    package init(remixing t: TaskRecord) {
        let p = t.parameters
        values = [
            "prompt": p.prompt, "model": p.model, "duration": String(p.duration), "aspect_ratio": p.aspectRatio.rawValue,
            "resolution": p.resolution.rawValue, "seed": p.seed.map { String($0) } ?? "",
            "first_frame_url": p.firstFrameURL ?? "", "last_frame_url": p.lastFrameURL ?? "", "remix_of": String(t.id),
        ]
        if p.audio { checked.insert("audio") }
        if p.cameraFixed { checked.insert("camerafixed") }
        if let f = t.firstFrameFile { kept["first_frame"] = (f, "the image of task \(t.id)") }
        if let f = t.lastFrameFile { kept["last_frame"] = (f, "the image of task \(t.id)") }
    }

    package init(values: [String: String] = [:], checked: Set<String> = [], errors: [FieldError] = []) {
        self.values = values
        self.checked = checked
        self.errors = errors
    }

    package var context: [String: Any] {
        var d: [String: Any] = [:]
        for (k, v) in values { d[k] = v }
        d["audio_checked"] = checked.contains("audio")
        d["camerafixed_checked"] = checked.contains("camerafixed")
        d["prompt_max"] = String(VideoLimits.maxPromptCharacters)
        d["prompt_length"] = String((values["prompt"] ?? "").count)
        let ratio = values["aspect_ratio"].flatMap { $0.isEmpty ? nil : $0 } ?? "16:9"
        d["ratios"] = AspectRatio.allCases.map { r -> [String: Any] in
            ["value": r.rawValue, "slug": r.slug, "label": r.label, "selected": r.rawValue == ratio]
        }
        let resolution = values["resolution"].flatMap { $0.isEmpty ? nil : $0 } ?? "720p"
        d["resolutions"] = Resolution.allCases.map { r -> [String: Any] in
            ["value": r.rawValue, "selected": r.rawValue == resolution]
        }
        let count = values["variations"].flatMap { Int($0) } ?? 1
        d["variation_counts"] = (1...Variations.max).map { ["value": String($0), "selected": $0 == count] as [String: Any] }
        let vary = values["vary"].flatMap(VariedParameter.init(rawValue:)) ?? .seed
        d["vary_options"] = VariedParameter.allCases.map { v -> [String: Any] in
            let label = switch v {
            case .seed: "different seeds"
            case .aspectRatio: "different aspect ratios"
            case .resolution: "different resolutions"
            case .duration: "different durations"
            }
            return ["value": v.rawValue, "label": label, "selected": v == vary]
        }
        let model = values["model"].flatMap { $0.isEmpty ? nil : $0 } ?? VideoLimits.model
        d["models"] = VideoLimits.models.map { m -> [String: Any] in ["value": m, "selected": m == model] }
        var byField: [String: String] = [:]
        for e in errors where byField[e.field] == nil { byField[e.field] = e.message }
        d["errors"] = byField
        d["has_errors"] = !errors.isEmpty
        d["error_count"] = String(errors.count)
        d["error_list"] = errors.map { ["field": $0.field, "message": $0.message, "label": Self.labels[$0.field] ?? $0.field] }
        for (field, k) in kept {
            // The preview link is signed by the handler (uploads are not served by name).
            d["\(field)_kept"] = ["name": k.name, "filename": k.filename] as [String: Any]
        }
        return d
    }

    /// Field labels for the error summary.
    package static let labels = [
        "prompt": "Prompt", "model": "Model", "duration": "Duration", "aspect_ratio": "Aspect ratio", "resolution": "Resolution",
        "seed": "Seed", "budget": "Cost", "visibility": "Who can see it", "first_frame_url": "First frame URL", "first_frame": "First frame image", "last_frame_url": "Last frame URL",
        "last_frame": "Last frame image", "audio": "Audio", "camerafixed": "Fixed camera", "variations": "Variations", "vary": "Vary",
    ]
}
