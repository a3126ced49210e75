@testable import Reeldesk
import ReeldeskDomain
import ReeldeskWeb
import Testing
import WebCore

@Suite struct NewTaskFormTests {
    func form(_ pairs: [(String, String)], files: [UploadedFile] = []) -> FormData {
        var f = FormData()
        for (k, v) in pairs { f.append(k, v) }
        for file in files { f.append(file: file) }
        return f
    }

    func errors(_ f: FormData) -> [String: String] {
        guard case .failure(let e) = NewTaskForm.validate(f) else { return [:] }
        return Dictionary(e.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func defaultsApplyToAMinimalForm() throws {
        let ok = try NewTaskForm.validate(form([("prompt", " a fox ")])).get()
        #expect(ok.parameters == VideoParameters(prompt: "a fox", model: VideoLimits.model, duration: 5, aspectRatio: .wide,
                                                 resolution: .p720, seed: nil, audio: false, cameraFixed: false,
                                                 firstFrameURL: nil, lastFrameURL: nil))
    }

    @Test func everyFieldIsTyped() throws {
        let ok = try NewTaskForm.validate(form([
            ("prompt", "fox"), ("duration", "12"), ("aspect_ratio", "21:9"), ("resolution", "1080p"), ("seed", "4294967295"),
            ("audio", "on"), ("camerafixed", "on"), ("first_frame_url", "https://example.com/a.png"),
        ])).get()
        #expect(ok.parameters.duration == 12 && ok.parameters.aspectRatio == .cinema && ok.parameters.resolution == .p1080)
        #expect(ok.parameters.seed == 4_294_967_295 && ok.parameters.audio && ok.parameters.cameraFixed)
        #expect(ok.parameters.firstFrameURL == "https://example.com/a.png")
    }

    @Test func seedMinusOneIsRandom() throws {
        #expect(try NewTaskForm.validate(form([("prompt", "x"), ("seed", "-1")])).get().parameters.seed == nil)
    }

    @Test func theIssuesInvalidExamplesAreEachReported() {
        let small = UploadedFile(fieldName: "last_frame", filename: "tiny.png", contentType: "image/png", bytes: Fixtures.pngHeader(20, 20))
        let first = UploadedFile(fieldName: "first_frame", filename: "a.png", contentType: "image/png", bytes: Fixtures.pngHeader(640, 360))
        let e = errors(form([
            ("prompt", "x"), ("duration", "13"), ("seed", "-2"), ("aspect_ratio", "5:4"),
            ("first_frame_url", "https://example.com/a.png"),
        ], files: [first, small]))
        #expect(e["duration"]?.contains("4 to 12") == true)
        #expect(e["seed"]?.contains("-1 to 4294967295") == true)
        #expect(e["aspect_ratio"]?.contains("16:9") == true)
        #expect(e["first_frame"]?.contains("not both") == true)
        #expect(e["last_frame"]?.contains("20×20") == true)
    }

    @Test func missingPromptAndBadURL() {
        let e = errors(form([("prompt", "  "), ("last_frame_url", "javascript:alert(1)")]))
        #expect(e["prompt"] == "Prompt is required.")
        #expect(e["last_frame_url"] != nil)
    }

    @Test func extremeAspectRatioImagesAreRejected() {
        let wide = UploadedFile(fieldName: "first_frame", filename: "w.png", contentType: "image/png", bytes: Fixtures.pngHeader(3000, 1000))
        #expect(errors(form([("prompt", "x")], files: [wide]))["first_frame"]?.contains("0.4 and 2.5") == true)
    }

    @Test func nonImageUploadIsRejectedByContentNotName() {
        let fake = UploadedFile(fieldName: "first_frame", filename: "photo.png", contentType: "image/png", bytes: Array("hello".utf8))
        #expect(errors(form([("prompt", "x")], files: [fake]))["first_frame"]?.contains("is not a JPEG") == true)
    }

    @Test func costEstimateMatchesTheContract() {
        // CONTRACT.md §6: 5 s 720p 16:9 ≈ 108,900 tokens ≈ $0.26 with audio, $0.13 without.
        var p = Fixtures.parameters
        p.duration = 5
        p.aspectRatio = .wide
        #expect(abs(p.estimatedCostUSD() - 0.2614) < 0.001)
        p.audio = false
        #expect(abs(p.estimatedCostUSD() - 0.1307) < 0.001)
    }
}
