import Foundation
@testable import Reeldesk
import ReeldeskSimulator
import Testing

/// The simulator validates bodies the way the API page describes, naming the field.
@Suite struct SimulatedRequestTests {
    func message(_ json: String) -> String? {
        if case .failure(let f) = SimulatedRequest.validate(Array(json.utf8)) { return f.message }
        return nil
    }

    @Test func documentedExamplesAreAccepted() throws {
        let ok = try SimulatedRequest.validate(Array(#"{"model":"doubao-seedance-1-5-pro","prompt":"海边日落","audio":true}"#.utf8)).get()
        #expect(ok.duration == 5 && ok.aspectRatio == .wide && ok.resolution == .p720 && ok.audio && ok.seed == -1)
        let roles = try SimulatedRequest.validate(Array(#"""
            {"model":"doubao-seedance-1-5-pro","prompt":"p","image_with_roles":[{"url":"https://e/d.png","role":"first_frame"},{"url":"https://e/n.png","role":"last_frame"}],"duration":5}
            """#.utf8)).get()
        #expect(roles.firstFrameURL == "https://e/d.png" && roles.lastFrameURL == "https://e/n.png")
        let urls = try SimulatedRequest.validate(Array(#"{"model":"doubao-seedance-1-5-pro","prompt":"p","image_urls":["https://e/a.png","https://e/b.png"]}"#.utf8)).get()
        #expect(urls.lastFrameURL == "https://e/b.png")
    }

    @Test func eachBadFieldIsNamed() {
        let base = #""model":"doubao-seedance-1-5-pro","prompt":"p""#
        #expect(message("[]") == "request body must be a JSON object")
        #expect(message(#"{"prompt":"p"}"#) == "model is required")
        #expect(message(#"{"model":"doubao-seedance-1-5-pro"}"#) == "prompt is required")
        #expect(message("{\(base),\"duration\":13}")?.hasPrefix("duration") == true)
        #expect(message("{\(base),\"duration\":\"5\"}")?.hasPrefix("duration") == true)
        #expect(message("{\(base),\"aspect_ratio\":\"5:4\"}")?.hasPrefix("aspect_ratio") == true)
        #expect(message("{\(base),\"resolution\":\"4k\"}")?.hasPrefix("resolution") == true)
        #expect(message("{\(base),\"seed\":-2}")?.hasPrefix("seed") == true)
        #expect(message("{\(base),\"audio\":1}") == "audio must be a boolean")
        #expect(message("{\(base),\"camerafixed\":\"yes\"}") == "camerafixed must be a boolean")
        #expect(message("{\(base),\"image_urls\":[]}")?.hasPrefix("image_urls") == true)
        #expect(message("{\(base),\"image_urls\":[\"https://a\"],\"image_with_roles\":[]}") == "image_urls and image_with_roles cannot be used together")
        #expect(message("{\(base),\"image_with_roles\":[{\"url\":\"https://a\",\"role\":\"first_frame\"},{\"url\":\"https://b\",\"role\":\"first_frame\"}]}") == "image_with_roles: first_frame given twice")
        #expect(message("{\(base),\"reference\":\"x\"}") == "unknown parameter: reference")
    }

    @Test func faultRatesParse() {
        #expect(SimulatorFaults.Rates.parse("429=0.3, 500=0.2,slow_seconds=1")?.rateLimited == 0.3)
        #expect(SimulatorFaults.Rates.parse("") == SimulatorFaults.Rates())
        #expect(SimulatorFaults.Rates.parse("teapot=1") == nil)
        #expect(SimulatorFaults.Rates.parse("429=-1") == nil)
    }

    @Test func ffmpegGetsTheExactSizeAndAudioOnlyWhenAsked() {
        let renderer = SimulatorRenderer(filesDir: "/tmp", logger: .init(label: "t"))
        var r = SimulatedRequest(prompt: "p", duration: 7, aspectRatio: .cinema, resolution: .p1080, seed: 1, audio: false, cameraFixed: false)
        var args = renderer.ffmpegArguments(r, width: 2206, height: 946, work: "/w", frames: [], output: "/o.mp4").joined(separator: " ")
        #expect(args.contains("s=2206x946:r=24:d=7") && !args.contains("aac") && args.contains("-r 24"))
        r.audio = true
        args = renderer.ffmpegArguments(r, width: 2206, height: 946, work: "/w", frames: ["first", "last"], output: "/o.mp4").joined(separator: " ")
        #expect(args.contains("-c:a aac") && args.contains("overlay=enable='lt(t,1)'") && args.contains("overlay=enable='gte(t,6)'"))
    }
}
