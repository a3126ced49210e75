import Foundation
import ReeldeskDomain
import WebCore

/// An uploaded frame image that passed every check (type by content, size, pixel bounds).
public struct ValidatedImage: Sendable {
    public let info: ImageInfo
    public let bytes: [UInt8]
    /// The browser's name for the file (shown in messages only, never used as a path).
    public var filename: String = ""
}

/// The new-task form: field names exactly as the upstream's parameters (issue #2), each with its
/// rule. `validate` returns typed input or every field error; it has no side effects.
public struct NewTaskForm: Sendable {
    /// What a browser or script may send: text fields and up to two frame images.
    package static let limits = FormLimits(maxFields: 64, maxFieldBytes: 64 * 1024, maxFileBytes: maxImageBytes, maxParts: 32)
    public var parameters: VideoParameters
    public var firstFrameUpload: ValidatedImage?
    public var lastFrameUpload: ValidatedImage?
    /// An image uploaded earlier and kept server-side (after a 422, or a remixed task's frame):
    /// its name under the uploads dir (`held/<hex>.<ext>` or `<hex>.<ext>`).
    public var firstFrameKept: String?
    public var lastFrameKept: String?
    /// The key of the rendered form's one-time token, scoped to the sender's account (set by
    /// the submit path, which knows who sends it: `SubmissionToken.key`); nil without a token.
    public var submissionToken: String?
    /// The task this form was remixed from.
    public var remixOf: Int64?
    /// Private or team; nil: the team's default.
    public var visibility: Visibility?
    /// How many tasks this form makes (1–4), and what differs between them.
    public var variations = 1
    public var vary = VariedParameter.seed

    /// CONTRACT.md §5.
    public static let maxImageBytes = 30 * 1024 * 1024
    public static let imageSides = 300...6000
    public static let imageRatio = 0.4...2.5

    public static func validate(_ form: FormData) -> Result<NewTaskForm, FormErrors> {
        var v = FormValidator(form)
        let prompt = v.value("prompt", .text(required: true, max: VideoLimits.maxPromptCharacters, label: "Prompt"))
        let model = v.value("model", .choice(VideoLimits.models, defaultValue: VideoLimits.model, label: "Model"))
        let duration = v.value("duration", .integer(VideoLimits.durations, defaultValue: VideoLimits.defaultDuration, label: "Duration"))
        let ratio = v.value("aspect_ratio", .choice(AspectRatio.allCases.map(\.rawValue), defaultValue: "16:9", label: "Aspect ratio"))
        let resolution = v.value("resolution", .choice(Resolution.allCases.map(\.rawValue), defaultValue: "720p", label: "Resolution"))
        let seed = v.value("seed", .integer(VideoLimits.seeds, defaultValue: -1, label: "Seed"))
        let audio = v.value("audio", .checkbox)
        let camera = v.value("camerafixed", .checkbox)
        let first = frame(role: "first", &v)
        let last = frame(role: "last", &v)
        let remixOf = v.value("remix_of", .optionalID)
        let visibility = v.value("visibility", .choice(["private", "team"], defaultValue: "", label: "Visibility"))
        let variations = v.value("variations", .integer(1...Int64(Variations.max), defaultValue: 1, label: "Variations"))
        let vary = v.value("vary", .choice(VariedParameter.allCases.map(\.rawValue), defaultValue: "seed", label: "Vary"))
        guard v.errors.isEmpty, let prompt, let model, let duration, let ratio, let resolution, let seed, let audio, let camera,
              let aspect = AspectRatio(rawValue: ratio), let res = Resolution(rawValue: resolution) else {
            return .failure(FormErrors(errors: v.errors))
        }
        let parameters = VideoParameters(
            prompt: prompt, model: model, duration: Int(duration), aspectRatio: aspect, resolution: res,
            seed: seed == -1 ? nil : seed, audio: audio, cameraFixed: camera,
            firstFrameURL: first.url, lastFrameURL: last.url)
        var valid = NewTaskForm(parameters: parameters, firstFrameUpload: first.upload, lastFrameUpload: last.upload,
                                firstFrameKept: first.kept, lastFrameKept: last.kept,
                                submissionToken: nil, remixOf: remixOf ?? nil,
                                visibility: visibility.flatMap(Visibility.init(rawValue:)))
        valid.variations = Int(variations ?? 1)
        valid.vary = vary.flatMap(VariedParameter.init(rawValue:)) ?? .seed
        return .success(valid)
    }

    /// One frame role: a typed URL (`<role>_frame_url`), an uploaded file (`<role>_frame`), or a
    /// file kept from before (`<role>_frame_keep`); a URL and an image together are refused.
    /// A new upload replaces a kept one.
    package static func frame(role: String, _ v: inout FormValidator) -> (url: String?, upload: ValidatedImage?, kept: String?) {
        let urlField = "\(role)_frame_url", fileField = "\(role)_frame"
        let url: String? = v.value(urlField, imageURL) ?? nil
        let file = v.form.file(fileField)
        let kept = KeptUpload.parse(v.form["\(role)_frame_keep"])
        if url != nil && (file != nil || kept != nil) {
            v.fail(fileField, "Give the \(role) frame as a URL or as an image, not both: clear one of them.")
            return (nil, nil, nil)
        }
        guard let file else { return (url, nil, kept) }
        switch checkImage(file) {
        case .success(let image): return (nil, image, nil)
        case .failure(let e):
            v.fail(fileField, e.message)
            return (nil, nil, nil)
        }
    }

    /// An optional http(s) URL the upstream can fetch.
    package static let imageURL = FieldRule<String?> { raw in
        let s = (raw ?? "").trimmingWhitespace()
        if s.isEmpty { return .success(nil) }
        if s.hasForbiddenControlCharacter || s.contains(where: \.isWhitespace) {
            return .failure(.init(message: "An image address cannot contain spaces or control characters."))
        }
        guard s.count <= 2048, let u = URL(string: s), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = u.host, !host.isEmpty else {
            return .failure(.init(message: "Enter an image address starting with http:// or https://."))
        }
        return .success(s)
    }

    /// Why image bytes break the upload rules (CONTRACT.md §5); callers word it for their field.
    package enum ImageProblem: Error, Equatable {
        case empty, tooLarge, unknownFormat
        case sides(width: Int, height: Int)
        case ratio(width: Int, height: Int)

        /// The sentence for a field; `name` is how the person knows the image (a file name).
        package func message(name: String) -> String {
            switch self {
            case .empty: "“\(name)” is empty."
            case .tooLarge: "Images must be under 30 MB."
            case .unknownFormat: "“\(name)” is not a JPEG, PNG, WebP, BMP, TIFF, GIF or HEIC image."
            case .sides(let w, let h): "The image is \(w)×\(h) pixels; each side must be 300 to 6000 pixels."
            case .ratio(let w, let h): "The image is \(w)×\(h); width ÷ height must be between 0.4 and 2.5."
            }
        }
    }

    /// The upload rules on image bytes (by content, not by name): size, format, pixel bounds.
    package static func imageRules(_ bytes: [UInt8], totalSize: Int? = nil) -> Result<ImageInfo, ImageProblem> {
        if bytes.isEmpty { return .failure(.empty) }
        if (totalSize ?? bytes.count) >= maxImageBytes { return .failure(.tooLarge) }
        guard let info = ImageProbe.probe(bytes) else { return .failure(.unknownFormat) }
        guard imageSides.contains(info.width), imageSides.contains(info.height) else {
            return .failure(.sides(width: info.width, height: info.height))
        }
        guard imageRatio.contains(Double(info.width) / Double(info.height)) else {
            return .failure(.ratio(width: info.width, height: info.height))
        }
        return .success(info)
    }

    /// Checks an uploaded file against the image rules.
    package static func checkImage(_ file: UploadedFile) -> Result<ValidatedImage, FieldFailure> {
        imageRules(file.bytes)
            .map { ValidatedImage(info: $0, bytes: file.bytes, filename: file.filename) }
            .mapError { FieldFailure(message: $0.message(name: file.filename)) }
    }
}

/// Field errors of a rejected form.
public struct FormErrors: Error, Sendable {
    public let errors: [FieldError]

    /// The first message for `field`, if any.
    public func message(for field: String) -> String? { errors.first { $0.field == field }?.message }
}
