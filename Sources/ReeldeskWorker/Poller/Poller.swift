import FastCGI
import Foundation
import Logging
import ReeldeskDomain
import ReeldeskStore
import ReeldeskSystem
import SQLite
import Synchronization

/// Drives tasks upstream: submits queued tasks, polls running ones, archives finished videos.
///
/// One leader thread holds the `poller` lease (so two processes on one data dir never act on
/// the same tasks), finds due tasks and hands them to a few worker threads, each with its own
/// database connection, so one slow call or download does not hold up the others. A task is
/// in at most one worker at a time. All state lives in SQLite: after a crash the next leader
/// resumes from the rows (a queued task is resubmitted with its stored idempotency key;
/// anything submitted is only polled).
public final class Poller: Sendable {
    package let config: Config
    package let client: UpstreamClient
    /// Frame links and webhook bodies, from the web edge.
    package let links: PortalLinks
    /// Tells the event hub (in the `serve` process) that events were written.
    package let notifyHub: @Sendable () -> Void
    package let logger: Logger
    package let holder: String

    private struct Queue {
        package var pending: [Int64] = []
        package var busy: Set<Int64> = []
        /// Tasks whose last step failed to record anything, and when to try them again: their
        /// row still says "due", and retrying at once spun a worker at 1,000 tries a second.
        package var coolingUntil: [Int64: Double] = [:]
    }

    /// How long a task rests after a step that could not be recorded.
    package static let failedStepPause = 2.0

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    /// The leader sleeps on this; `serve` sends to its path when a task is created or retried.
    private let wakeup: WakeSocket
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    package static let leaseName = "poller"
    package static let leaseTTL = 30.0

    package init(config: Config, client: UpstreamClient, links: PortalLinks, logger: Logger, notifyHub: @escaping @Sendable () -> Void) throws {
        self.config = config
        self.client = client
        self.links = links
        self.notifyHub = notifyHub
        self.wakeup = try WakeSocket(path: config.pollerWakePath)
        self.logger = logger
        self.holder = SystemState.holderName()
    }

    /// Starts the leader and the workers.
    public func start() {
        DiskReserve.ensure(config)
        spawn("poller") { self.lead() }
        for i in 0..<config.polling.threads { spawn("poller-\(i)") { self.serveQueue() } }
        spawn("webhooks") { self.deliverWebhooks() }
    }

    /// The webhook outbox, once a second (a delivery in flight finishes on stop, like a step;
    /// without a webhook it only marks the news as not sent).
    private func deliverWebhooks() {
        guard let db = try? Database(path: config.databasePath) else { return }
        let sender = WebhookSender(config: config, db: db, logger: logger, body: links.webhookBody)
        while !isStopping {
            do { try sender.deliverDue() } catch { logger.error("webhook outbox", metadata: ["error": "\(error)"]) }
            for _ in 0..<10 where !isStopping { usleep(100_000) }
        }
    }

    /// Stops handing out work; waits up to `seconds` for the threads. Work cut short is safe:
    /// every step is recorded before and after its upstream call.
    public func stop(waitingUpTo seconds: Double) {
        stopping.store(true, ordering: .relaxed)
        wakeup.wake()
        for _ in 0..<config.polling.threads { available.signal() }
        let deadline = DispatchTime.now() + seconds
        var allDone = true
        for _ in 0...(config.polling.threads + 1) {  // the leader, every worker, the webhooks
            if finished.wait(timeout: deadline) == .timedOut { allDone = false; break }
        }
        // The lease goes only once no step is in flight: a successor must not act on a task
        // a worker here is still submitting. (Unfinished: it expires, or dies with the process.)
        if allDone, let db = try? Database(path: config.databasePath) {
            try? SystemState(db: db).releaseLease(Self.leaseName, holder: holder)
        }
    }

    package var isStopping: Bool { stopping.load(ordering: .relaxed) }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let t = Thread {
            body()
            self.finished.signal()
        }
        t.name = name
        t.start()
    }

    private func openWork() -> PollerWork? {
        do {
            let db = try Database(path: config.databasePath)
            return PollerWork(config: config, client: client, store: TaskStore(db: db), system: SystemState(db: db), logger: logger,
                              frameURL: links.frameURL)
        } catch {
            logger.critical("poller cannot open the database", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The leader: renews the lease, dispatches due tasks, sleeps until the next is due.
    private func lead() {
        guard let work = openWork() else { return }
        var isLeader = false
        var renewAt = 0.0
        var renewedAt = 0.0
        while !isStopping {
            let now = Date().timeIntervalSince1970
            if now >= renewAt {
                let was = isLeader
                do {
                    isLeader = try work.system.acquireLease(Self.leaseName, holder: holder, ttl: Self.leaseTTL, now: now)
                    if isLeader { renewedAt = now }
                } catch {
                    // A locked database is not another leader: keep leading while the lease we
                    // hold is still valid (nobody else can take it before it expires).
                    isLeader = isLeader && now < renewedAt + Self.leaseTTL * 0.8
                    logger.warning("poller lease not renewed", metadata: ["error": "\(error)"])
                }
                // Not the leader: ask again soon, so a predecessor's release is noticed at once.
                renewAt = now + (isLeader ? Self.leaseTTL / 3 : 0.5)
                if isLeader != was { logger.info(isLeader ? "poller lease taken" : "poller lease held elsewhere", metadata: ["holder": "\(holder)"]) }
            }
            let nextWake = isLeader ? dispatchDue(work.store, now: now) : now + 2
            let waitMs = max(0.01, min(renewAt, nextWake) - Date().timeIntervalSince1970) * 1000
            // At most 2 s: a wake-up lost between processes costs seconds, not minutes.
            _ = wakeup.wait(timeoutMs: Int32(min(waitMs, 2_000)))
        }
        logger.info("poller stopped")
    }

    /// Queues every due task that no worker holds; returns when the next one falls due.
    private func dispatchDue(_ store: TaskStore, now: Double) -> Double {
        do {
            let due = try store.due(now: now, limit: 100)
            let (added, busy) = queue.withLock { q -> (Int, Set<Int64>) in
                var added = 0
                q.coolingUntil = q.coolingUntil.filter { $0.value > now }
                for t in due where !q.busy.contains(t.id) && q.coolingUntil[t.id] == nil {
                    q.pending.append(t.id)
                    q.busy.insert(t.id)
                    added += 1
                }
                return (added, q.busy)
            }
            for _ in 0..<added { available.signal() }
            let cooling = queue.withLock { $0.coolingUntil.values.min() }
            let next = try store.nextDueTime(excluding: busy.union(queue.withLock { Set($0.coolingUntil.keys) })) ?? now + 1
            return cooling.map { min($0, next) } ?? next
        } catch {
            logger.error("poller step failed", metadata: ["error": "\(error)"])
            return now + 2
        }
    }

    /// A worker: takes task ids off the queue and performs each one's next step.
    private func serveQueue() {
        guard let work = openWork() else { return }
        while !isStopping {
            guard available.wait(timeout: .now() + 1) == .success, !isStopping else { continue }
            guard let id = queue.withLock({ $0.pending.isEmpty ? nil : $0.pending.removeFirst() }) else { continue }
            // Re-read: a person may have retried or the task moved on since it was queued.
            var failed = false
            if let task = try? work.store.find(id), !task.status.isTerminal, (task.nextCheckAt ?? 0) <= Date().timeIntervalSince1970 {
                switch work.handle(task) {
                case .changed: notifyHub()
                case .unchanged: break
                case .failed: failed = true
                }
            }
            queue.withLock {
                _ = $0.busy.remove(id)
                if failed { $0.coolingUntil[id] = Date().timeIntervalSince1970 + Self.failedStepPause }
            }
            wakeup.wake()
        }
    }
}
