import FastCGI
import Foundation
import Glibc
import Logging

import ReeldeskSystem
import Synchronization

/// `reeldesk poller`: the poller in a process of its own, started and watched by `serve`.
///
/// Why a process: an upstream call that has been sent cannot be taken back. If the web process
/// dies (kill -9, a crash) between the upstream accepting a submit and Reeldesk recording it,
/// the task would be submitted again after the restart. Here the poller outlives its parent:
/// when `serve` disappears it stops taking new work, finishes the step in flight (recording
/// its result), releases its lease and exits; the next `serve` starts a fresh poller.
public final class PollerProcess: Sendable {
    package let poller: Poller
    package let logger: Logger
    /// The `serve` that started this poller (REELDESK_PARENT_PID), or nil when run by hand.
    package let parent: pid_t?

    /// How long a step in flight may take to finish once the parent is gone.
    package static let orphanGraceSeconds = 60.0

    package init(config: Config, links: PortalLinks, logger: Logger) throws {
        let limiter = RateLimiter(perSecond: config.polling.requestsPerSecond, burst: max(1, config.polling.requestsPerSecond))
        let client = UpstreamClient(baseURL: config.effectiveUpstreamURL, apiKey: config.effectiveAPIKey, limiter: limiter,
                                    timeoutMs: Int(config.polling.timeoutSeconds * 1000), logger: logger)
        let hubPath = config.hubWakePath
        self.poller = try Poller(config: config, client: client, links: links, logger: logger) { WakeSocket.send(to: hubPath) }
        self.logger = logger
        self.parent = ProcessInfo.processInfo.environment["REELDESK_PARENT_PID"].flatMap { pid_t($0) }
    }

    public func start() {
        poller.start()
        guard let parent else { return }
        let t = Thread { [self] in watch(parent) }
        t.name = "parent-watch"
        t.start()
    }

    /// On SIGTERM (from `serve`, which does not wait for it): no new work; a step in flight
    /// finishes and is recorded (an accepted submit must not be sent again), within the grace.
    public func shutdown() {
        poller.stop(waitingUpTo: Self.orphanGraceSeconds)
        ProcessRunner.killAll()  // an ffmpeg still running must not outlive the poller
    }

    /// When `serve` is gone, finish what is in flight (bounded) and exit.
    private func watch(_ parent: pid_t) {
        while getppid() == parent { usleep(100_000) }
        logger.warning("serve is gone; finishing the steps in flight, then exiting", metadata: ["parent": "\(parent)"])
        poller.stop(waitingUpTo: Self.orphanGraceSeconds)
        ProcessRunner.killAll()
        logger.info("poller exited after its parent")
        exit(0)
    }
}


/// Starts `reeldesk poller` as a child of `serve`, restarts it if it dies, and stops it on
/// shutdown.
package final class PollerSupervisor: Sendable {
    private struct State {
        package var pid: pid_t = 0
        package var stopping = false
    }

    private let state = Mutex(State())
    private let logger: Logger

    package init(logger: Logger) { self.logger = logger }

    package func start() {
        let t = Thread { [self] in superviseLoop() }
        t.name = "poller-supervisor"
        t.start()
    }

    /// Sends the poller SIGTERM and returns at once (it drains while serve drains).
    package func requestStop() {
        let pid = state.withLock { s -> pid_t in
            s.stopping = true
            return s.pid
        }
        if pid > 0 { kill(pid, SIGTERM) }
    }

    /// Waits up to `seconds` for the poller to have exited.
    package func waitForExit(upTo seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && state.withLock({ $0.pid }) != 0 { usleep(20_000) }
    }

    private func superviseLoop() {
        var delay = 1.0
        while !state.withLock({ $0.stopping }) {
            let started = Date()
            guard let pid = spawn() else {
                Thread.sleep(forTimeInterval: delay)
                delay = min(30, delay * 2)
                continue
            }
            state.withLock { $0.pid = pid }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let stopping = state.withLock { s -> Bool in
                s.pid = 0
                return s.stopping
            }
            if stopping { return }
            logger.error("the poller process exited; restarting it", metadata: ["status": "\(status)"])
            delay = Date().timeIntervalSince(started) > 60 ? 1 : min(30, delay * 2)
            Thread.sleep(forTimeInterval: delay)
        }
    }

    /// `reeldesk poller` (this very executable) with our environment and REELDESK_PARENT_PID.
    private func spawn() -> pid_t? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var env = ProcessInfo.processInfo.environment
        env["REELDESK_PARENT_PID"] = String(getpid())
        do {
            return try ProcessRunner.spawnDetached(exe, ["poller"], environment: env)
        } catch {
            logger.error("cannot start the poller process", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

extension PollerProcess: LongRunning {}
