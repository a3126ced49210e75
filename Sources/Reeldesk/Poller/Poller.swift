import FastCGI
import Foundation
import Logging
import SQLite
import Synchronization

/// The service thread that drives tasks upstream: submits queued tasks, polls running ones,
/// archives finished videos. Only the holder of the `poller` lease acts, so two `reeldesk serve`
/// processes on one data dir never double-submit. All state lives in SQLite: after a crash the
/// next holder resumes from the rows (a queued task is resubmitted with its stored idempotency
/// key; anything submitted is only polled).
public final class Poller: Sendable {
    let config: Config
    let client: UpstreamClient
    let hub: EventHub
    let logger: Logger
    let holder: String
    private let wakeup = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    static let leaseName = "poller"
    static let leaseTTL = 30.0

    public init(config: Config, client: UpstreamClient, hub: EventHub, logger: Logger) {
        self.config = config
        self.client = client
        self.hub = hub
        self.logger = logger
        self.holder = SystemState.holderName()
    }

    /// Starts the poller thread.
    public func start() {
        let t = Thread { [self] in
            run()
            finished.signal()
        }
        t.name = "poller"
        t.start()
    }

    /// Asks the loop to look at tasks now (a task was created or retried).
    public func wake() { wakeup.signal() }

    /// Stops after the current step; waits up to `seconds`.
    public func stop(waitingUpTo seconds: Double) {
        stopping.store(true, ordering: .relaxed)
        wakeup.signal()
        _ = finished.wait(timeout: .now() + seconds)
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    private func run() {
        let db: Database
        do {
            db = try Database(path: config.databasePath)
        } catch {
            logger.critical("poller cannot open the database", metadata: ["error": "\(error)"])
            return
        }
        let work = PollerWork(config: config, client: client, store: TaskStore(db: db), system: SystemState(db: db), logger: logger)
        var isLeader = false
        var renewAt = 0.0
        while !isStopping {
            let now = Date().timeIntervalSince1970
            if now >= renewAt {
                let was = isLeader
                isLeader = (try? work.system.acquireLease(Self.leaseName, holder: holder, ttl: Self.leaseTTL, now: now)) ?? false
                renewAt = now + Self.leaseTTL / 3
                if isLeader != was { logger.info(isLeader ? "poller lease taken" : "poller lease held elsewhere", metadata: ["holder": "\(holder)"]) }
            }
            var nextWake = now + (isLeader ? 1 : 2)
            if isLeader {
                nextWake = min(nextWake, step(work, now: now))
            }
            _ = wakeup.wait(timeout: .now() + max(0.01, min(renewAt, nextWake) - Date().timeIntervalSince1970))
        }
        if isLeader { try? work.system.releaseLease(Self.leaseName, holder: holder) }
        logger.info("poller stopped")
    }

    /// Handles every due task once; returns when it next has work.
    private func step(_ work: PollerWork, now: Double) -> Double {
        do {
            for task in try work.store.due(now: now, limit: 50) {
                if isStopping { break }
                if work.handle(task) { hub.notify() }
            }
            return try work.store.nextDueTime() ?? now + 1
        } catch {
            logger.error("poller step failed", metadata: ["error": "\(error)"])
            return now + 2
        }
    }
}
