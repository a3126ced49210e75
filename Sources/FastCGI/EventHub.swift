import CFastCGI
import Glibc
import Logging
import Synchronization
import WebCore

/// One thread that holds every open event stream and never blocks on any of them. Workers hand
/// streams over with `adopt`; the hub polls all stream sockets (departures via POLLRDHUP,
/// writability where bytes wait), wakes on a self-pipe when the app writes an event (`notify`)
/// and at least once a second to catch events written by other processes.
///
/// Each stream has a bounded buffer. Live streams share one read of new events; a stream that is
/// behind (a reconnect with an old `Last-Event-ID`) is replayed in batches, the next batch read
/// only once its socket has taken the previous one. A stream whose buffer overflows, or whose
/// socket takes nothing for `streamWriteTimeout`, is closed; the browser reconnects with
/// `Last-Event-ID` and misses nothing.
public final class EventHub: Sendable {
    private struct Shared: ~Copyable {
        var incoming: [StreamConnection] = []
        var stopping = false
    }

    /// Replay batches are read while a stream has less than this queued.
    static let replayLowWater = 64 * 1024
    static let replayBatch = 50
    /// Replay work per turn of the loop: live news waits at most about this long behind a
    /// stream catching up (thousands of events read for a stream they are not for cost time
    /// even when none of them is sent).
    static let replaySliceSeconds = 0.005

    private let shared = Mutex(Shared())
    private let openCount = Atomic<Int>(0)
    /// Woken by `notify` in this process and by the poller process after each change.
    private let wakeSocket: WakeSocket
    private let config: FastCGIConfig
    private let makeFeed: @Sendable () throws -> any EventFeed
    private let logger: Logger

    /// `wakePath` is where other processes send their wake-ups (see `WakeSocket`).
    public init(config: FastCGIConfig, wakePath: String, logger: Logger, makeFeed: @escaping @Sendable () throws -> any EventFeed) throws {
        self.wakeSocket = try WakeSocket(path: wakePath)
        self.config = config
        self.logger = logger
        self.makeFeed = makeFeed
    }

    /// Streams currently open (adopted and not yet finished).
    public var streamCount: Int { openCount.load(ordering: .relaxed) }

    /// Reserves a slot for a new stream; false when the cap is reached (answer 503).
    func reserve() -> Bool {
        while true {
            let n = openCount.load(ordering: .relaxed)
            if n >= config.maxStreams { return false }
            if openCount.compareExchange(expected: n, desired: n + 1, ordering: .relaxed).exchanged { return true }
        }
    }

    /// Gives back a slot reserved with `reserve` that was not used.
    func release() { openCount.subtract(1, ordering: .relaxed) }

    /// Takes ownership of an accepted stream whose headers were already written and flushed.
    func adopt(_ stream: StreamConnection) {
        let accepted = shared.withLock { s -> Bool in
            if s.stopping { return false }
            s.incoming.append(stream)
            return true
        }
        if accepted { notify() } else { stream.finish(graceful: true); release() }
    }

    /// Wakes the hub: new events may be in the feed.
    public func notify() { wakeSocket.wake() }

    /// Asks the hub to close every stream and return from `run`.
    public func stop() {
        shared.withLock { $0.stopping = true }
        notify()
    }

    /// The hub loop; returns after `stop`, with every stream finished.
    public func run() {
        // A burst to thousands of streams is thousands of writes; page requests arriving
        // meanwhile should not wait behind it. Below the workers' priority, the hub takes the
        // CPU they leave (Linux nice is per thread).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)  // 0: this thread, on Linux
        var state = HubState()
        var replayLeft = false
        while true {
            let (incoming, stopping) = shared.withLock { s in
                defer { s.incoming.removeAll() }
                return (s.incoming, s.stopping)
            }
            let now = monotonicNow()
            if stopping {
                for s in state.streams + incoming { s.finish(graceful: true); release() }
                logger.info("event hub stopped", metadata: ["closed": "\(state.streams.count + incoming.count)"])
                return
            }
            if state.feed == nil { state.feed = openFeed() }
            if let feed = state.feed {
                if state.cursor < 0 { state.cursor = (try? feed.latestEventID()) ?? -1 }
                // Caught up first, so a new stream is measured against what is committed now
                // (a stale cursor let a far-behind stream get `reload` and then older news).
                if !incoming.isEmpty, state.cursor >= 0 { state.cursor = deliverNew(&state, feed: feed, now: now) }
                for s in incoming { admit(s, cursor: state.cursor, now: now) }
                state.streams += incoming
                if state.cursor >= 0 { state.cursor = deliverNew(&state, feed: feed, now: now) }
                replayLeft = replay(&state, feed: feed, now: now)
            } else {
                for s in incoming { close(s, reason: "no event feed") }
            }
            pingIdle(&state, now: now)
            // Replay still to do: look for news and writable sockets, but do not wait.
            waitAndWrite(&state, timeoutMs: replayLeft ? 0 : pollTimeoutMs)
            drainWakePipe()
        }
    }

    static let niceness: Int32 = 10
    /// 5,000 streams: 50 slices, 60 ms of pauses, well inside the 250 ms an event may take.
    static let burstSlice = 100
    static let slicePauseMicroseconds: UInt32 = 1_200

    private struct HubState {
        var streams: [StreamConnection] = []
        var feed: (any EventFeed)?
        var cursor: Int64 = -1
        /// Where the next replay slice starts (round robin over the streams).
        var replayFrom = 0
    }

    private func openFeed() -> (any EventFeed)? {
        do { return try makeFeed() } catch {
            logger.error("event hub cannot read events", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// A new stream starts where it asked to; one too far behind gets a single `reload` event.
    private func admit(_ s: StreamConnection, cursor: Int64, now: Double) {
        // First of all, how long a browser waits before it reconnects a dropped stream.
        s.enqueue(ServerSentEvent.retry, now: now)
        // An id from the future (the database was replaced) would silence the stream: clamp it.
        s.lastEventID = min(s.lastEventID, max(cursor, 0))
        if cursor - s.lastEventID > config.maxReplay {
            s.lastEventID = cursor
            s.enqueue(ServerSentEvent(id: cursor, name: "reload", data: "{}").encoded, now: now)
        } else if s.lastEventID >= cursor {
            s.enqueue(ServerSentEvent.ping, now: now)
        }
    }

    /// Reads events after the hub's cursor once and queues them to every stream that is live
    /// (caught up to the cursor); streams still replaying get them through `replay`.
    private func deliverNew(_ state: inout HubState, feed: any EventFeed, now: Double) -> Int64 {
        var cursor = state.cursor
        do {
            while true {
                let batch = try feed.events(after: cursor, limit: 500)
                guard let last = batch.last else { break }
                // Encoded once for every stream, not once per stream (and not at all for none).
                let live = state.streams.filter { $0.lastEventID >= cursor }
                if !live.isEmpty {
                    let encoded = batch.map { ($0, $0.encoded) }
                    for s in live { queue(encoded, to: s, now: now) }
                }
                cursor = last.id
                if batch.count < 500 { break }
            }
        } catch {
            logger.error("event feed failed", metadata: ["error": "\(error)"])
        }
        state.streams.removeAll { s in
            guard s.pendingBytes > config.maxStreamBuffer else { return false }
            close(s, reason: "too far behind")
            return true
        }
        closeEnded(&state)
        return cursor
    }

    /// Queues the next batch to each stream that is behind the cursor and has drained enough.
    /// Queues the next batches to streams behind the cursor that have drained enough, for at
    /// most `replaySliceSeconds`; true when a stream could take more now (come back at once).
    private func replay(_ state: inout HubState, feed: any EventFeed, now: Double) -> Bool {
        let started = monotonicNow()
        var left = false
        let count = state.streams.count
        // Round the streams from where the last slice stopped, so each gets its turn.
        for step in 0..<count {
            let s = state.streams[(state.replayFrom + step) % count]
            guard s.lastEventID < state.cursor && s.pendingBytes < Self.replayLowWater else { continue }
            if monotonicNow() - started > Self.replaySliceSeconds {
                state.replayFrom = (state.replayFrom + step) % count
                left = true
                break
            }
            do {
                let batch = try feed.events(after: s.lastEventID, limit: Self.replayBatch).filter { $0.id <= state.cursor }
                if batch.isEmpty { s.lastEventID = state.cursor } else { queue(batch.map { ($0, $0.encoded) }, to: s, now: now) }
            } catch {
                logger.error("event replay failed", metadata: ["rid": "\(s.requestID)", "error": "\(error)"])
            }
            if s.lastEventID < state.cursor && s.pendingBytes < Self.replayLowWater { left = true }
        }
        closeEnded(&state)
        return left
    }

    /// Closes streams an event ended (their session ended): what was queued before is still
    /// sent; the browser's reconnect then meets the login rule.
    private func closeEnded(_ state: inout HubState) {
        state.streams.removeAll { s in
            guard s.ended else { return false }
            _ = s.flush(now: monotonicNow())
            close(s, reason: "session ended")
            return true
        }
    }

    private func queue(_ events: [(event: ServerSentEvent, bytes: [UInt8])], to s: StreamConnection, now: Double) {
        var bytes: [UInt8] = []
        for e in events where e.event.id > s.lastEventID {
            if s.subscription.endsWith(e.event) { s.ended = true; break }
            if s.subscription.accepts(e.event) { bytes += e.bytes }
        }
        if let last = events.last { s.lastEventID = max(s.lastEventID, last.event.id) }
        s.enqueue(bytes, now: now)
    }

    private func pingIdle(_ state: inout HubState, now: Double) {
        for s in state.streams where s.pendingBytes == 0 && now - s.lastWrite >= config.pingInterval {
            s.enqueue(ServerSentEvent.ping, now: now)
        }
    }

    /// Writes what each socket takes, waits for a wake-up, writability or a departure (at most
    /// `timeoutMs`), and closes streams that left, broke, or took nothing for too long.
    private func waitAndWrite(_ state: inout HubState, timeoutMs: Int32) {
        let now = monotonicNow()
        var anyPending = false
        var written = 0
        state.streams.removeAll { s in
            guard s.pendingBytes > 0 else { return false }
            written += 1
            // A burst goes out in slices: nginx's one worker relays a slice before the next
            // arrives, so a page request meanwhile waits behind a slice, not the whole burst.
            if written % Self.burstSlice == 0 { usleep(Self.slicePauseMicroseconds) }
            switch s.flush(now: now) {
            case .drained: return false
            case .blocked:
                if now - s.lastProgress > config.streamWriteTimeout {
                    close(s, reason: "not reading")
                    return true
                }
                anyPending = true
                return false
            case .dead:
                close(s, reason: "write failed")
                return true
            }
        }
        var fds = [pollfd(fd: wakeSocket.fd, events: Int16(POLLIN), revents: 0)]
        fds.reserveCapacity(state.streams.count + 1)
        for s in state.streams {
            let out: Int16 = s.pendingBytes > 0 ? Int16(POLLOUT) : 0
            fds.append(pollfd(fd: s.fd, events: reeldesk_POLLRDHUP | out, revents: 0))
        }
        // With bytes waiting, come back soon enough to apply the write timeout.
        let rc = poll(&fds, nfds_t(fds.count), anyPending ? min(timeoutMs, 250) : timeoutMs)
        guard rc > 0 else { return }
        let gone = reeldesk_POLLRDHUP | Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
        var alive: [StreamConnection] = []
        alive.reserveCapacity(state.streams.count)
        let after = monotonicNow()
        for (i, s) in state.streams.enumerated() {
            let revents = fds[i + 1].revents
            if revents & gone != 0 {
                close(s, reason: nil)
            } else if revents & Int16(POLLOUT) != 0, s.flush(now: after) == .dead {
                close(s, reason: "write failed")
            } else {
                alive.append(s)
            }
        }
        state.streams = alive
    }

    /// At most 1 s, so events written by another process (or missed wake-ups) arrive promptly,
    /// and short enough to ping on time.
    private var pollTimeoutMs: Int32 { Int32(min(1000, max(10, config.pingInterval * 1000))) }

    private func drainWakePipe() { wakeSocket.drain() }

    private func close(_ s: StreamConnection, reason: String?) {
        if let reason {
            logger.info("event stream closed", metadata: ["rid": "\(s.requestID)", "reason": "\(reason)", "queued": "\(s.pendingBytes)"])
        }
        s.finish(graceful: false)
        release()
    }
}
