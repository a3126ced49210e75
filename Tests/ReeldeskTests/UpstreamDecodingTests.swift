import Foundation
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskSimulator
import ReeldeskWorker
import Testing

/// Every response shape in CONTRACT.md, and the variants it says real clients meet.
@Suite struct UpstreamDecodingTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func submitWithEnvelopeAndArray() throws {
        let id = try UpstreamDecoding.submittedTaskID(bytes(#"{"code":200,"data":[{"status":"submitted","task_id":"task_01K8SGYNNNVBQTXNR4MM964S7K"}]}"#))
        #expect(id == "task_01K8SGYNNNVBQTXNR4MM964S7K")
    }

    @Test func submitWithDataAsObject() throws {
        #expect(try UpstreamDecoding.submittedTaskID(bytes(#"{"code":200,"data":{"status":"submitted","task_id":"task_X"}}"#)) == "task_X")
    }

    @Test func submitWithoutEnvelope() throws {
        #expect(try UpstreamDecoding.submittedTaskID(bytes(#"{"status":"submitted","task_id":"task_Y"}"#)) == "task_Y")
    }

    @Test func submitWithoutTaskIDIsTransient() {
        #expect(throws: UpstreamError.transient("submit response has no task id")) {
            try UpstreamDecoding.submittedTaskID(bytes(#"{"code":200,"data":[{"status":"submitted"}]}"#))
        }
        #expect(throws: UpstreamError.transient("response data is empty")) { try UpstreamDecoding.submittedTaskID(bytes(#"{"data":[]}"#)) }
    }

    @Test func processing() throws {
        let s = try UpstreamDecoding.status(bytes(#"{"code":200,"data":{"id":"task_01K","status":"processing","progress":37,"created":1770000000,"estimated_time":600}}"#))
        #expect(s.state == .processing && s.progress == 37 && s.created == 1_770_000_000 && s.estimatedSeconds == 600)
        #expect(!s.state.isTerminal && s.videoURLs.isEmpty)
    }

    @Test func completedWithURLArray() throws {
        let s = try UpstreamDecoding.status(bytes(#"""
            {"code":200,"data":{"id":"task_01K","status":"completed","progress":100,
             "result":{"videos":[{"url":["https://cdn.example/video.mp4"],"expires_at":1770086600}]},
             "created":1770000000,"completed":1770000200,"estimated_time":600,"actual_time":200}}
            """#))
        #expect(s.state == .completed && s.state.isTerminal)
        #expect(s.videoURLs == ["https://cdn.example/video.mp4"] && s.expiresAt == 1_770_086_600)
        #expect(s.completed == 1_770_000_200 && s.actualSeconds == 200)
    }

    @Test func completedWithURLStringAndNoEnvelope() throws {
        let s = try UpstreamDecoding.status(bytes(#"{"id":"t","status":"completed","progress":100,"result":{"videos":[{"url":"https://x/v.mp4","expires_at":"1770086600"}]}}"#))
        #expect(s.videoURLs == ["https://x/v.mp4"] && s.expiresAt == 1_770_086_600)
    }

    @Test func failedCarriesTheMessage() throws {
        let s = try UpstreamDecoding.status(bytes(#"{"code":200,"data":{"id":"t","status":"failed","progress":0,"created":1770000000,"error":{"code":500,"message":"moderation says no","type":"server_error"}}}"#))
        #expect(s.state == .failed && s.errorMessage == "moderation says no")
    }

    @Test func statusesSeenInTheWild() throws {
        for (raw, state) in [("pending", UpstreamStatus.State.pending), ("submitted", .pending), ("in_progress", .processing),
                             ("cancelled", .cancelled), ("expired", .expired)] {
            #expect(try UpstreamDecoding.status(bytes(#"{"status":"\#(raw)"}"#)).state == state)
        }
        let odd = try UpstreamDecoding.status(bytes(#"{"status":"warming_up","progress":250}"#))
        #expect(odd.state == .other("warming_up") && !odd.state.isTerminal && odd.progress == 100)
    }

    @Test func malformedBodiesAreTransient() {
        for body in ["", "{", "[1,2]", #"{"code":200,"data":{"id":"task_"#, #"{"data":{"id":"x"}}"#] {
            #expect(throws: UpstreamError.self, "\(body)") { try UpstreamDecoding.status(bytes(body)) }
        }
    }

    @Test func errorBodyMessage() {
        #expect(UpstreamDecoding.errorMessage(bytes(#"{"error":{"code":429,"message":"slow down","type":"rate_limit_error"}}"#)) == "slow down")
        #expect(UpstreamDecoding.errorMessage(bytes("<html>bad gateway</html>")) == nil)
    }
}

@Suite struct UpstreamRequestBodyTests {
    func object(_ p: VideoParameters) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(UpstreamRequestBody.json(p))) as? [String: Any])
    }

    @Test func textToVideoHasExactlyTheDocumentedFields() throws {
        let o = try object(Fixtures.parameters)
        #expect(Set(o.keys) == ["model", "prompt", "duration", "aspect_ratio", "resolution", "seed", "audio", "camerafixed"])
        #expect(o["model"] as? String == "doubao-seedance-1-5-pro" && o["duration"] as? Int == 6 && o["seed"] as? Int == 42)
        #expect(o["aspect_ratio"] as? String == "9:16" && o["resolution"] as? String == "720p")
    }

    @Test func randomSeedIsLeftOut() throws {
        var p = Fixtures.parameters
        p.seed = nil
        #expect(try object(p)["seed"] == nil)
    }

    @Test func firstFrameOnlyUsesImageURLs() throws {
        var p = Fixtures.parameters
        p.firstFrameURL = "https://x/a.png"
        let o = try object(p)
        #expect(o["image_urls"] as? [String] == ["https://x/a.png"] && o["image_with_roles"] == nil)
    }

    @Test func lastFrameUsesRolesNeverBoth() throws {
        var p = Fixtures.parameters
        p.lastFrameURL = "https://x/b.png"
        var o = try object(p)
        #expect(o["image_urls"] == nil)
        #expect((o["image_with_roles"] as? [[String: String]]) == [["url": "https://x/b.png", "role": "last_frame"]])
        p.firstFrameURL = "https://x/a.png"
        o = try object(p)
        #expect((o["image_with_roles"] as? [[String: String]])?.map { $0["role"] } == ["first_frame", "last_frame"])
    }

    @Test func theSimulatorAcceptsWhatTheClientSends() throws {
        var p = Fixtures.parameters
        p.firstFrameURL = "https://x/a.png"
        p.lastFrameURL = "https://x/b.png"
        let accepted = try SimulatedRequest.validate(UpstreamRequestBody.json(p)).get()
        #expect(accepted.prompt == p.prompt && accepted.seed == 42 && accepted.lastFrameURL == "https://x/b.png")
    }
}

@Suite struct UpstreamClassificationTests {
    let client = UpstreamClient(baseURL: "http://127.0.0.1:9", apiKey: "sk-never-shown", limiter: RateLimiter(perSecond: 100, burst: 10),
                                logger: .init(label: "test"))

    func result(_ status: Int, _ body: String = "{}", headers: [String: String] = [:]) -> HTTPResultFixture {
        HTTPResultFixture(status: status, body: body, headers: headers)
    }

    @Test func everyDocumentedStatusIsClassified() {
        let body = #"{"error":{"code":0,"message":"m (request_id: abc123)","type":"x"}}"#
        #expect(client.classify(result(400, body).value, isStatus: false) == .invalidRequest("m"))
        #expect(client.classify(result(400, body).value, isStatus: true) == .notFound("m"))
        #expect(client.classify(result(404, body).value, isStatus: true) == .notFound("m"))
        #expect(client.classify(result(401, body).value, isStatus: false) == .authentication("m"))
        #expect(client.classify(result(402, body).value, isStatus: false) == .balance("m"))
        #expect(client.classify(result(403, body).value, isStatus: false) == .forbidden("m"))
        #expect(client.classify(result(429, body, headers: ["retry-after": "7"]).value, isStatus: false) == .rateLimited(retryAfter: 7))
        #expect(client.classify(result(500, body).value, isStatus: false) == .transient("m"))
        #expect(client.classify(result(502, "<html>").value, isStatus: false) == .transient("HTTP 502"))
    }

    @Test func onlyRateLimitsAndTransientFailuresAreRetried() {
        #expect(UpstreamError.rateLimited(retryAfter: nil).isRetryable && UpstreamError.transient("x").isRetryable)
        #expect(!UpstreamError.authentication("x").isRetryable && !UpstreamError.invalidRequest("x").isRetryable)
    }

    @Test func connectionFailureIsTransientAndNeverShowsTheKey() {
        do {
            _ = try client.status(taskID: "task_1")
            Issue.record("port 9 should refuse")
        } catch {
            #expect(error.isRetryable)
            #expect(!"\(error)".contains("sk-never-shown"))
        }
    }

    @Test func backoffGrowsAndIsCapped() {
        #expect((0.5...1).contains(Backoff.delay(attempt: 0, base: 1, cap: 300)))
        #expect((4...8).contains(Backoff.delay(attempt: 3, base: 1, cap: 300)))
        #expect((1...2).contains(Backoff.delay(attempt: 30, base: 1, cap: 2)))
    }
}
