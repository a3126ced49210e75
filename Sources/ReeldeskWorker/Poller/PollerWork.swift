import Foundation
import Logging
import ReeldeskDomain
import ReeldeskStore
import ReeldeskSystem
import SQLite

/// One task's next step, by status: submit (queued), poll (submitted/processing), archive
/// (downloading). Each returns true when it changed something the browser should hear about.
package struct PollerWork {
    package let config: Config
    package let client: UpstreamClient
    package let store: TaskStore
    package let system: SystemState
    package let logger: Logger
    /// The links the upstream fetches uploaded frames by (nil in tests without frames).
    package var frameURL: (@Sendable (_ file: String, _ expires: Int64) -> String)? = nil

    package var polling: PollingSettings { config.polling }
    /// The longest a finished video's download is retried.
    package static let maxDownloadWindow: Double = 48 * 3600

    package enum StepResult { case changed, unchanged, failed }

    /// `.failed` when the step could not even record its outcome (a locked or full database):
    /// the poller then leaves the task alone for a while instead of retrying it at once.
    package func handle(_ t: TaskRecord) -> StepResult {
        do {
            switch t.status {
            case .queued: return try submit(t) ? .changed : .unchanged
            case .submitted, .processing: return try poll(t) ? .changed : .unchanged
            case .downloading: return try archive(t) ? .changed : .unchanged
            default: return .unchanged
            }
        } catch {
            logger.error("task step failed", metadata: ["task": "\(t.id)", "error": "\(error)"])
            return .failed
        }
    }

    /// The idempotency key was committed with the row, so a resubmit after a crash reuses it.
    package func submit(_ t: TaskRecord) throws -> Bool {
        let now = Date().timeIntervalSince1970
        do {
            let id = try client.submit(resolvedParameters(t), idempotencyKey: t.idempotencyKey)
            try store.advance(t.id) { $0.accept(upstreamID: id, at: now, firstCheckAt: now + polling.firstPollSeconds) }
            // An accepted submit proves both the key and the balance.
            try system.clearAlerts(["auth", "balance"])
            logger.info("task submitted", metadata: ["task": "\(t.id)", "upstream": "\(id)"])
            return true
        } catch let e as UpstreamError {
            return try fail(t, e)
        }
    }

    package func poll(_ t: TaskRecord) throws -> Bool {
        guard let upstreamID = t.upstreamTaskID else { return try fail(t, .notFound("no upstream task id recorded")) }
        let now = Date().timeIntervalSince1970
        let s: UpstreamStatus
        do {
            s = try client.status(taskID: upstreamID)
        } catch {
            return try fail(t, error)
        }
        // A status answer proves the key, not the balance (polls are free).
        try system.clearAlerts(["auth"])
        let updated = try store.advance(t.id) { r in
            r.attempts = 0
            r.estimatedSeconds = s.estimatedSeconds ?? r.estimatedSeconds
            apply(s, to: &r, now: now)
        }
        if updated?.status == .downloading, let updated { _ = try archive(updated) }
        return true
    }

    /// Maps an upstream status onto the task row.
    package func apply(_ s: UpstreamStatus, to r: inout TaskRecord, now: Double) {
        switch s.state {
        case .completed:
            guard let url = s.videoURLs.first else { return r.fail("The upstream finished without a video URL.") }
            // Whatever the upstream claims, a download is not retried for more than 48 h.
            r.finishUpstream(videoURL: url, expiresAt: s.expiresAt, at: now, window: Self.maxDownloadWindow)
        case .failed:
            r.fail(s.errorMessage ?? "The upstream could not generate this video.")
        case .cancelled:
            r.cancel("The upstream reports the task as cancelled.")
        case .expired:
            r.expire("The upstream reports the task as expired.")
        case .processing, .pending, .other:
            let started = s.state == .processing
            r.run(started: started, progress: s.progress, at: now,
                  nextCheckAt: now + Double.random(in: polling.minIntervalSeconds...polling.maxIntervalSeconds))
            if now - (r.lastProgressAt ?? r.submittedAt ?? now) > polling.stallSeconds {
                r.timeOut("No progress for \(Int(polling.stallSeconds / 60)) minutes; Reeldesk stopped waiting. Retry to submit it again.")
            }
        }
    }

    /// Classified failures: retry what may pass later, stop on what cannot.
    package func fail(_ t: TaskRecord, _ e: UpstreamError) throws -> Bool {
        let now = Date().timeIntervalSince1970
        logger.warning("upstream call failed", metadata: ["task": "\(t.id)", "error": "\(e)"])
        switch e {
        case .rateLimited(let after):
            try store.advance(t.id) {
                $0.retryLater(at: now + max(after ?? 0, Backoff.delay(attempt: $0.attempts + 1, base: 1, cap: polling.backoffCapSeconds)))
            }
            return false
        case .transient:
            try store.advance(t.id) { $0.retryLater(at: now + Backoff.delay(attempt: $0.attempts + 1, base: 1, cap: polling.backoffCapSeconds)) }
            return false
        case .authentication:
            try system.setAlert("auth", message: "The upstream rejected Reeldesk's API key (401). New tasks fail until the key is fixed.")
        case .balance:
            try system.setAlert("balance", message: "The upstream account has no balance left (402). New tasks fail until it is topped up.")
        case .invalidRequest, .forbidden, .notFound:
            break
        }
        try store.advance(t.id) { $0.fail(e.description) }
        return true
    }

    /// Uploaded frames go upstream as signed links under the public URL that work for
    /// `uploadLinkSeconds` (long enough for the upstream to fetch them, useless afterwards).
    package func resolvedParameters(_ t: TaskRecord, now: Double = Date().timeIntervalSince1970) -> VideoParameters {
        var p = t.parameters
        let expires = Int64(now + config.uploadLinkSeconds)
        func link(_ file: String) -> String? { frameURL.map { $0(file, expires) } }
        if let file = t.firstFrameFile { p.firstFrameURL = link(file) }
        if let file = t.lastFrameFile { p.lastFrameURL = link(file) }
        return p
    }

    package init(
        config: Config,
        client: UpstreamClient,
        store: TaskStore,
        system: SystemState,
        logger: Logger,
        frameURL: (@Sendable (_ file: String, _ expires: Int64) -> String)? = nil
    ) {
        self.config = config
        self.client = client
        self.store = store
        self.system = system
        self.logger = logger
        self.frameURL = frameURL
    }
}
