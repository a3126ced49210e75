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

    /// The fields as the template shows them. `keptURL` signs a kept image's preview link
    /// (uploads are not served by name); `uploadsPrivate` and `publicURL` name why uploads cannot
    /// reach the upstream, when they cannot.
    package func fields(keptURL: (String) -> String, uploadsPrivate: Bool, publicURL: String) -> NewTaskFormFields {
        func value(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }
        let ratio = value("aspect_ratio") ?? "16:9"
        let resolution = value("resolution") ?? "720p"
        let count = value("variations").flatMap { Int($0) } ?? 1
        let vary = value("vary").flatMap(VariedParameter.init(rawValue:)) ?? .seed
        let model = value("model") ?? VideoLimits.model
        func keptImage(_ field: String) -> NewTaskFormFields.Kept? {
            kept[field].map { .init(name: $0.name, filename: $0.filename, url: keptURL($0.name)) }
        }
        return NewTaskFormFields(
            prompt: value("prompt"), duration: value("duration"), seed: value("seed"), firstFrameURL: value("first_frame_url"),
            lastFrameURL: value("last_frame_url"), remixOf: value("remix_of"),
            audioChecked: checked.contains("audio"), camerafixedChecked: checked.contains("camerafixed"),
            promptMax: String(VideoLimits.maxPromptCharacters), promptLength: String((values["prompt"] ?? "").count),
            ratios: AspectRatio.allCases.map { OptionView(value: $0.rawValue, label: $0.label, slug: $0.slug, selected: $0.rawValue == ratio) },
            resolutions: Resolution.allCases.map { OptionView(value: $0.rawValue, selected: $0.rawValue == resolution) },
            variationCounts: (1...Variations.max).map { OptionView(value: String($0), selected: $0 == count) },
            varyOptions: VariedParameter.allCases.map { OptionView(value: $0.rawValue, label: Self.varyLabel($0), selected: $0 == vary) },
            models: VideoLimits.models.map { OptionView(value: $0, selected: $0 == model) },
            errors: FieldErrorsView(errors), hasErrors: !errors.isEmpty, errorCount: String(errors.count),
            errorList: errors.map { .init(field: $0.field, message: $0.message, label: Self.labels[$0.field] ?? $0.field) },
            firstFrameKept: keptImage("first_frame"), lastFrameKept: keptImage("last_frame"),
            uploadsPrivate: uploadsPrivate, publicURL: publicURL)
    }

    static func varyLabel(_ v: VariedParameter) -> String {
        switch v {
        case .seed: "different seeds"
        case .aspectRatio: "different aspect ratios"
        case .resolution: "different resolutions"
        case .duration: "different durations"
        }
    }

    /// Field labels for the error summary.
    package static let labels = [
        "prompt": "Prompt", "model": "Model", "duration": "Duration", "aspect_ratio": "Aspect ratio", "resolution": "Resolution",
        "seed": "Seed", "budget": "Cost", "visibility": "Who can see it", "first_frame_url": "First frame URL", "first_frame": "First frame image", "last_frame_url": "Last frame URL",
        "last_frame": "Last frame image", "audio": "Audio", "camerafixed": "Fixed camera", "variations": "Variations", "vary": "Vary",
    ]
}

/// The new-task form's fields (partials/task_form_fields): the values as they stand, the choices,
/// and the error next to each field.
package struct NewTaskFormFields: Encodable {
    package struct Kept: Encodable {
        let name: String
        let filename: String
        let url: String
    }

    package struct ErrorItem: Encodable {
        let field: String
        let message: String
        let label: String
    }

    let prompt: String?
    let duration: String?
    let seed: String?
    let firstFrameURL: String?
    let lastFrameURL: String?
    let remixOf: String?
    let audioChecked: Bool
    let camerafixedChecked: Bool
    let promptMax: String
    let promptLength: String
    let ratios: [OptionView]
    let resolutions: [OptionView]
    let variationCounts: [OptionView]
    let varyOptions: [OptionView]
    let models: [OptionView]
    let errors: FieldErrorsView
    let hasErrors: Bool
    let errorCount: String
    let errorList: [ErrorItem]
    let firstFrameKept: Kept?
    let lastFrameKept: Kept?
    let uploadsPrivate: Bool
    let publicURL: String
}

/// The first error of each field of the new-task form, by the field's name.
package struct FieldErrorsView: Encodable {
    var prompt, model, duration, aspectRatio, resolution, seed, budget, visibility, variations, vary: String?
    var firstFrameURL, firstFrame, lastFrameURL, lastFrame, audio, camerafixed: String?

    package init(_ errors: [FieldError]) {
        for e in errors.reversed() {
            switch e.field {
            case "prompt": prompt = e.message
            case "model": model = e.message
            case "duration": duration = e.message
            case "aspect_ratio": aspectRatio = e.message
            case "resolution": resolution = e.message
            case "seed": seed = e.message
            case "budget": budget = e.message
            case "visibility": visibility = e.message
            case "variations": variations = e.message
            case "vary": vary = e.message
            case "first_frame_url": firstFrameURL = e.message
            case "first_frame": firstFrame = e.message
            case "last_frame_url": lastFrameURL = e.message
            case "last_frame": lastFrame = e.message
            case "audio": audio = e.message
            case "camerafixed": camerafixed = e.message
            default: break
            }
        }
    }
}

/// One choice of a select, a radio group or a list of links.
package struct OptionView: Encodable {
    let value: String
    var label: String? = nil
    var slug: String? = nil
    let selected: Bool
}
