@testable import Reeldesk
import ReeldeskSimulator
import ReeldeskSystem
import Testing

@Suite struct ConfigTests {
    @Test func defaults() throws {
        let c = try Config.fromEnvironment([:])
        #expect(c.host == "127.0.0.1" && c.port == 8080 && c.workers == 32)
        #expect(c.upstreamURL == "https://xcompute.us" && c.isSimulated)
        #expect(c.dataDir.hasSuffix("/var"))
        #expect(c.publicURL == "http://127.0.0.1:8080")
    }

    @Test func everyBadVariableIsNamed() {
        do {
            _ = try Config.fromEnvironment(["REELDESK_PORT": "0", "REELDESK_WORKERS": "many", "REELDESK_UPSTREAM_URL": "ftp://x",
                                            "REELDESK_LOG_LEVEL": "loud", "REELDESK_API_KEY": "a b"])
            Issue.record("expected errors")
        } catch {
            let names = error.errors.map(\.variable)
            #expect(names == ["REELDESK_PORT", "REELDESK_WORKERS", "REELDESK_API_KEY", "REELDESK_UPSTREAM_URL", "REELDESK_LOG_LEVEL"])
            #expect(!error.description.contains("a b"), "the key must not be echoed")
        }
    }

    @Test func simulatorSettingsAreTheSimulatorsOwnAndValidatedWhenItStarts() throws {
        // The portal does not read the simulator's knobs; the simulator names every bad one.
        #expect((try? Config.fromEnvironment(["REELDESK_SIM_FAULTS": "teapot=1"])) != nil)
        do {
            _ = try SimulatorSettings.fromEnvironment(["REELDESK_SIM_FAULTS": "teapot=1", "REELDESK_SIM_SECONDS": "-1"])
            Issue.record("bad simulator settings were accepted")
        } catch {
            #expect(error.errors.map(\.variable) == ["REELDESK_SIM_SECONDS", "REELDESK_SIM_FAULTS"])
        }
        let s = try SimulatorSettings.fromEnvironment(["REELDESK_SIM_FAULTS": "429=0.2", "REELDESK_SIM_SECONDS": "2"])
        #expect(s.faults.rateLimited == 0.2 && s.seconds == 2)
        #expect(throws: ConfigErrors.self) { try Config.fromEnvironment(["REELDESK_POLL_MIN_SECONDS": "20", "REELDESK_POLL_MAX_SECONDS": "10"]) }
    }

    @Test func publicURLReachabilityIsJudgedOnce() throws {
        #expect(try !Config.fromEnvironment([:]).publicURLIsReachable)
        #expect(try Config.fromEnvironment(["REELDESK_PUBLIC_URL": "https://reeldesk.example.com"]).publicURLIsReachable)
        for url in ["http://localhost:8080", "http://10.1.2.3", "http://192.168.0.5", "http://172.20.0.1", "http://box.local"] {
            #expect(!PublicAddress.isPublic(url), "\(url)")
        }
        #expect(PublicAddress.isPublic("http://203.0.113.7:8080"))
    }

    @Test func keyAndKeyFileTogetherAreRefused() {
        #expect(throws: ConfigErrors.self) { try Config.fromEnvironment(["REELDESK_API_KEY": "k", "REELDESK_API_KEY_FILE": "/dev/null"]) }
    }

    @Test func exportsLeaveTheKeyOut() throws {
        let c = try Config.fromEnvironment(["REELDESK_API_KEY": "sk-secret-123"])
        #expect(!c.isSimulated)
        #expect(!c.shellExports.contains("sk-secret-123"))
    }
}
