import Foundation
import Logging
@testable import Reeldesk
import ReeldeskDomain
import ReeldeskStore
import ReeldeskSystem
import ReeldeskWeb
import ReeldeskWorker
import Testing
import WebCore

/// The poller's decisions, on a real database, without the network.
@Suite struct PollerTests {
    let db = try! Fixtures.migratedDatabase()

    func work(stall: Double = 1200) throws -> PollerWork {
        var config = try Config.fromEnvironment(["REELDESK_DATA_DIR": NSTemporaryDirectory()])
        config.polling.stallSeconds = stall
        let client = UpstreamClient(baseURL: "http://127.0.0.1:9", apiKey: "k", limiter: RateLimiter(perSecond: 100, burst: 10), logger: Logger(label: "t"))
        return PollerWork(config: config, client: client, store: TaskStore(db: db), system: SystemState(db: db), logger: Logger(label: "t"))
    }

    func submittedTask() throws -> TaskRecord {
        let store = TaskStore(db: db)
        let t = try store.create(NewTask(parameters: Fixtures.parameters)).task
        return try #require(try store.update(t.id) { $0.status = .submitted; $0.submittedAt = 1000; $0.lastProgressAt = 1000; $0.upstreamTaskID = "task_1" })
    }

    func status(_ state: UpstreamStatus.State, progress: Int? = nil, urls: [String] = [], error: String? = nil) -> UpstreamStatus {
        UpstreamStatus(state: state, progress: progress, videoURLs: urls, expiresAt: 5000, errorMessage: error, created: nil, completed: nil,
                       estimatedSeconds: 600, actualSeconds: nil)
    }

    @Test func progressMovesAndSchedulesTheNextPoll() throws {
        var t = try submittedTask()
        try work().apply(status(.processing, progress: 40), to: &t, now: 1010)
        #expect(t.status == .processing && t.progress == 40 && t.lastProgressAt == 1010)
        #expect((1015...1025).contains(t.nextCheckAt ?? 0))
    }

    @Test func progressNeverGoesBackwardsOrReaches100BeforeTheVideo() throws {
        var t = try submittedTask()
        t.progress = 50
        try work().apply(status(.processing, progress: 30), to: &t, now: 1010)
        #expect(t.progress == 50)
        try work().apply(status(.processing, progress: 100), to: &t, now: 1011)
        #expect(t.progress == 99)
    }

    @Test func completedGoesToDownloadingWithTheURLAndExpiry() throws {
        var t = try submittedTask()
        try work().apply(status(.completed, progress: 100, urls: ["https://x/v.mp4"]), to: &t, now: 1010)
        #expect(t.status == .downloading && t.upstreamVideoURL == "https://x/v.mp4" && t.upstreamExpiresAt == 5000)
    }

    /// The client scrubs upstream text (request ids, credentials) before the poller sees it.
    @Test func failedKeepsTheUpstreamsMessage() throws {
        var t = try submittedTask()
        try work().apply(status(.failed, error: "Flagged by moderation."), to: &t, now: 1010)
        #expect(t.status == .failed && t.errorMessage == "Flagged by moderation.")
    }

    @Test func noProgressForTooLongTimesOut() throws {
        var t = try submittedTask()
        try work(stall: 60).apply(status(.processing, progress: 0), to: &t, now: 1000 + 59)
        #expect(t.status == .processing)
        t.progress = 0
        t.status = .processing
        try work(stall: 60).apply(status(.processing, progress: 0), to: &t, now: 1000 + 120)
        #expect(t.status == .timedOut && t.nextCheckAt == nil)
    }

    @Test func authenticationFailureFailsTheTaskAndRaisesTheBanner() throws {
        let t = try submittedTask()
        #expect(try work().fail(t, .authentication("bad key")))
        #expect(try TaskStore(db: db).find(t.id)?.status == .failed)
        #expect(try SystemState(db: db).alerts().first?.contains("401") == true)
    }

    @Test func balanceBannerStaysUntilASubmitSucceeds() throws {
        let t = try submittedTask()
        let system = SystemState(db: db)
        #expect(try work().fail(t, .balance("empty")))
        try system.clearAlerts(["auth"])
        #expect(try system.alerts().first?.contains("402") == true, "a successful poll must not hide the balance banner")
        try system.clearAlerts(["auth", "balance"])
        #expect(try system.alerts().isEmpty)
    }

    @Test func rateLimitKeepsTheTaskAndBacksOff() throws {
        let t = try submittedTask()
        #expect(try !work().fail(t, .rateLimited(retryAfter: 30)))
        let after = try #require(try TaskStore(db: db).find(t.id))
        #expect(after.status == .submitted && after.attempts == 1)
        #expect((after.nextCheckAt ?? 0) >= Date().timeIntervalSince1970 + 29)
    }

    @Test func uploadedFramesGoUpstreamAsSignedExpiringLinks() throws {
        let store = TaskStore(db: db)
        let t = try store.create(NewTask(parameters: Fixtures.parameters, firstFrameFile: "abc.png")).task
        var w = try work()
        let secret = Array(repeating: UInt8(1), count: 32)
        let links = UploadLink(secret: secret)
        w.frameURL = Composition.portalLinks(config: w.config, secret: secret).frameURL
        let p = w.resolvedParameters(t, now: 1000)
        let url = try #require(p.firstFrameURL)
        #expect(url.hasPrefix("http://127.0.0.1:8080/uploads/abc.png?expires=\(1000 + Int(w.config.uploadLinkSeconds))&sig="))
        let q = Request(method: .get, path: "/", query: String(url.split(separator: "?")[1])).queryItems
        #expect(links.isValid(name: "abc.png", expires: q["expires"], sig: q["sig"], now: 1001))
        #expect(p.lastFrameURL == nil)
    }

    @Test func retryMakesANewAttemptAndKeepsTheFailedOne() throws {
        let store = TaskStore(db: db)
        let t = try submittedTask()
        try store.update(t.id) { $0.status = .failed; $0.errorMessage = "x" }
        let attempt = try store.retry(t.id, submissionToken: nil)
        #expect(attempt.isNew && attempt.task.id != t.id && attempt.task.status == .queued)
        #expect(attempt.task.parentTaskID == t.id && attempt.task.lineage == .retry && attempt.task.parameters == t.parameters)
        #expect(attempt.task.idempotencyKey != t.idempotencyKey)
        let kept = try #require(try store.find(t.id))
        #expect(kept.status == .failed && kept.errorMessage == "x", "the failed attempt keeps its error")
        #expect(throws: TaskStore.ActionRefusal.alreadyRetried(attempt.task.id)) { try store.retry(t.id, submissionToken: nil) }
    }

    @Test func retryRefusesATaskThatIsNotRetryable() throws {
        let store = TaskStore(db: db)
        let t = try submittedTask()
        #expect(throws: TaskStore.ActionRefusal.notAllowed(.submitted)) { try store.retry(t.id, submissionToken: nil) }
        #expect(try store.find(t.id) == t)
        #expect(throws: TaskStore.ActionRefusal.notFound) { try store.retry(999, submissionToken: nil) }
    }

    @Test func aSubmissionTokenMakesOneTask() throws {
        let store = TaskStore(db: db)
        let token = SubmissionToken.make()
        let first = try store.create(NewTask(parameters: Fixtures.parameters, submissionToken: token))
        let again = try store.create(NewTask(parameters: Fixtures.parameters, submissionToken: token))
        #expect(first.isNew && !again.isNew && again.task.id == first.task.id)
        #expect(try store.list(limit: 10).count == 1)
    }

    @Test func cancelStopsThePollerFromWritingAndDeleteRemovesTheRow() throws {
        let store = TaskStore(db: db)
        let t = try submittedTask()
        _ = try store.cancel(t.id)
        try store.advance(t.id) { $0.status = .processing; $0.progress = 50 }
        #expect(try store.find(t.id)?.status == .cancelled, "a poll answer arriving after Cancel changes nothing")
        _ = try store.delete(t.id)
        #expect(try store.find(t.id) == nil)
        #expect(try db.prepare("SELECT COUNT(*) FROM events WHERE task_id = ?").bind(t.id).first { $0.int(0) } == 0)
    }
}

@Suite struct LeaseTests {
    @Test func oneLiveHolderAtATime() throws {
        let state = SystemState(db: try Fixtures.migratedDatabase())
        let me = SystemState.holderName()
        #expect(try state.acquireLease("poller", holder: me, ttl: 30, now: 100))
        let rival = "\(ProcessInfo.processInfo.hostName):\(getppid()):1"
        #expect(try !state.acquireLease("poller", holder: rival, ttl: 30, now: 110))
        #expect(try state.acquireLease("poller", holder: rival, ttl: 30, now: 131), "an expired lease can be taken")
    }

    @Test func aDeadLocalHolderIsReplacedAtOnce() throws {
        let state = SystemState(db: try Fixtures.migratedDatabase())
        let dead = "\(ProcessInfo.processInfo.hostName):2147480000:1"
        #expect(try state.acquireLease("poller", holder: dead, ttl: 30, now: Date().timeIntervalSince1970))
        #expect(try state.acquireLease("poller", holder: SystemState.holderName(), ttl: 30))
    }
}
