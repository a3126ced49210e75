import Foundation
@testable import Reeldesk
import ReeldeskSystem
import ReeldeskWorker
import Testing

@Suite struct SecretScrubberTests {
    let key = "sk-live-9f8e7d6c5b4a3f2e1d0c"
    var scrubber: SecretScrubber { SecretScrubber(secrets: [key]) }

    @Test func theKeyWholeOrInPartIsRemoved() {
        for text in ["Incorrect API key provided: \(key).", "key \(key.prefix(12))…\(key.suffix(4)) is revoked",
                     "Authorization: Bearer \(key)", "bad token=\(key)&x=1", "{\"api_key\": \"\(key)\"}"] {
            let out = scrubber.scrub(text)
            #expect(!out.contains(key) && !out.contains(key.prefix(10)) && !out.contains(key.suffix(10)), "\(out)")
            #expect(out.contains("[redacted]"), "\(out)")
        }
    }

    @Test func credentialShapedThingsAreRemovedEvenWithoutTheKey() {
        let s = SecretScrubber(secrets: [])
        #expect(s.scrub("use Bearer abc.def-ghi") == "use Bearer [redacted]")
        #expect(!s.scrub("password: hunter2!").contains("hunter2"))
        #expect(!s.scrub("token 4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d").contains("4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d"))
        #expect(s.scrub("The prompt was rejected (request_id: 2026112712345).") == "The prompt was rejected.")
    }

    @Test func ordinaryMessagesAreLeftAlone() {
        let s = scrubber
        for text in ["Insufficient balance; please top up", "The prompt was rejected by content moderation.", "HTTP 500", "超时，请重试"] {
            #expect(s.scrub(text) == text)
        }
    }

    @Test func urlsCarryingTheKeyAreDetected() {
        #expect(scrubber.containsSecret("https://cdn.example/v.mp4?sig=\(key)"))
        #expect(!scrubber.containsSecret("https://cdn.example/v.mp4?exp=1767225600"))
    }
}

@Suite struct EscapingLogHandlerTests {
    @Test func controlCharactersCannotForgeLines() {
        #expect(EscapingLogHandler.escape("/tasks\nINFO forged") == "/tasks\\nINFO forged")
        #expect(EscapingLogHandler.escape("a\u{1b}[2Jb\\") == "a\\u{1b}[2Jb\\\\")
        #expect(EscapingLogHandler.escape("plain 中文") == "plain 中文")
    }
}

@Suite struct ProcessRunnerTests {
    @Test func stdoutIsReturnedAndBothPipesAreDrained() throws {
        // 1 MB on stderr would fill a pipe nobody reads and hang the child.
        let out = try ProcessRunner.run("sh", ["-c", "head -c 1048576 /dev/zero >&2; echo done"], timeout: 10)
        #expect(String(decoding: out, as: UTF8.self) == "done\n")
    }

    @Test func aHungProgramIsKilledAtItsDeadline() {
        let started = Date()
        #expect {
            try ProcessRunner.run("sh", ["-c", "sleep 30 & sleep 30"], timeout: 0.5)
        } throws: { ($0 as? ProcessRunner.Failure)?.timedOut == true }
        #expect(Date().timeIntervalSince(started) < 10, "killed at its deadline, not after the 30 s sleep")
    }

    @Test func failureCarriesStderr() {
        #expect {
            try ProcessRunner.run("sh", ["-c", "echo broken >&2; exit 3"], timeout: 5)
        } throws: { ($0 as? ProcessRunner.Failure)?.detail.contains("broken") == true }
        #expect(throws: ProcessRunner.Failure.self) { try ProcessRunner.run("no-such-tool-xyz", [], timeout: 5) }
    }
}
