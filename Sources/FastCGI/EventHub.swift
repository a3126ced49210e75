import CFastCGI
import Glibc
import Logging
import Synchronization
import WebCore

/// One thread that holds every open event stream. Workers hand streams over with `adopt`; the
/// hub polls all stream sockets for departures (POLLRDHUP), wakes on a self-pipe when the app
/// writes an event (`notify`) and at least once a second to catch events written by other
/// processes, writes new events to each subscriber, and pings idle streams.
public final class EventHub: Sendable {
    private struct Shared: ~Copyable {
        var incoming: [StreamConnection] = []
        var stopping = false
    }

    private let shared = Mutex(Shared())
    private let openCount = Atomic<Int>(0)
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let config: FastCGIConfig
    private let makeFeed: @Sendable () throws -> any EventFeed
    private let logger: Logger
    private let finished = Mutex<Bool>(false)

    public init(config: FastCGIConfig, logger: Logger, makeFeed: @escaping @Sendable () throws -> any EventFeed) {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.wakeRead = fds[0]
        self.wakeWrite = fds[1]
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
        if accepted { notify() } else { stream.finish(); release() }
    }

    /// Wakes the hub: new events may be in the feed.
    public func notify() {
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    /// Asks the hub to close every stream and return from `run`.
    public func stop() {
        shared.withLock { $0.stopping = true }
        notify()
    }

    /// The hub loop; returns after `stop`, with every stream finished.
    public func run() {
        var streams: [StreamConnection] = []
        var feed: (any EventFeed)?
        var cursor: Int64 = -1
        while true {
            let (incoming, stopping) = shared.withLock { s in
                defer { s.incoming.removeAll() }
                return (s.incoming, s.stopping)
            }
            let now = monotonicNow()
            if stopping {
                for s in streams + incoming { s.finish(); release() }
                logger.info("event hub stopped", metadata: ["closed": "\(streams.count + incoming.count)"])
                return
            }
            if feed == nil { feed = openFeed() }
            if cursor < 0, let feed { cursor = (try? feed.latestEventID()) ?? -1 }
            for s in incoming {
                s.setWriteTimeout(seconds: config.streamWriteTimeout)
                if let feed, catchUp(s, feed: feed, upTo: cursor, now: now) { streams.append(s) } else { close(s) }
            }
            if let feed, cursor >= 0 {
                cursor = deliverNew(to: &streams, feed: feed, after: cursor, now: now)
            }
            streams = pingIdle(streams, now: now)
            streams = dropDeparted(streams, timeoutMs: pollTimeoutMs)
            drainWakePipe()
        }
    }

    private func openFeed() -> (any EventFeed)? {
        do { return try makeFeed() } catch {
            logger.error("event hub cannot read events", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Sends a new stream what it missed (events after its last id, up to the hub's cursor).
    private func catchUp(_ s: StreamConnection, feed: any EventFeed, upTo cursor: Int64, now: Double) -> Bool {
        // An id from the future (the database was replaced) would silence the stream: clamp it.
        s.lastEventID = min(s.lastEventID, cursor)
        guard s.lastEventID < cursor else { return s.send(ServerSentEvent.ping, now: now) }
        if cursor - s.lastEventID > config.maxReplay {
            s.lastEventID = cursor
            return s.send(ServerSentEvent(id: cursor, name: "reload", data: "{}").encoded, now: now)
        }
        do {
            var after = s.lastEventID
            while after < cursor {
                let batch = try feed.events(after: after, limit: 500).filter { $0.id <= cursor }
                if batch.isEmpty { break }
                if !send(batch, to: s, now: now) { return false }
                after = batch.last?.id ?? cursor
            }
            s.lastEventID = max(s.lastEventID, cursor)
            return true
        } catch {
            logger.error("event replay failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Reads events after `cursor` and writes each to every stream that wants it.
    private func deliverNew(to streams: inout [StreamConnection], feed: any EventFeed, after cursor: Int64, now: Double) -> Int64 {
        var cursor = cursor
        do {
            while true {
                let batch = try feed.events(after: cursor, limit: 500)
                guard let last = batch.last else { break }
                streams = streams.filter { s in
                    let ok = send(batch.filter { $0.id > s.lastEventID }, to: s, now: now)
                    if !ok { close(s) }
                    return ok
                }
                cursor = last.id
                if batch.count < 500 { break }
            }
        } catch {
            logger.error("event feed failed", metadata: ["error": "\(error)"])
        }
        return cursor
    }

    private func send(_ events: [ServerSentEvent], to s: StreamConnection, now: Double) -> Bool {
        var bytes: [UInt8] = []
        for e in events where s.subscription.accepts(e) { bytes += e.encoded }
        if let last = events.last { s.lastEventID = max(s.lastEventID, last.id) }
        return bytes.isEmpty || s.send(bytes, now: now)
    }

    private func pingIdle(_ streams: [StreamConnection], now: Double) -> [StreamConnection] {
        streams.filter { s in
            guard now - s.lastWrite >= config.pingInterval else { return true }
            if s.send(ServerSentEvent.ping, now: now) { return true }
            close(s)
            return false
        }
    }

    /// Waits for a wake-up, a departure or the timeout; finishes streams whose peer hung up.
    private func dropDeparted(_ streams: [StreamConnection], timeoutMs: Int32) -> [StreamConnection] {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        for s in streams { fds.append(pollfd(fd: s.fd, events: reeldesk_POLLRDHUP, revents: 0)) }
        let rc = poll(&fds, nfds_t(fds.count), timeoutMs)
        guard rc > 0 else { return streams }
        var alive: [StreamConnection] = []
        alive.reserveCapacity(streams.count)
        for (i, s) in streams.enumerated() {
            if fds[i + 1].revents != 0 { close(s) } else { alive.append(s) }
        }
        return alive
    }

    /// At most 1 s, so events written by another process (or missed wake-ups) arrive promptly,
    /// and short enough to ping on time.
    private var pollTimeoutMs: Int32 { Int32(min(1000, max(10, config.pingInterval * 1000))) }

    private func drainWakePipe() {
        var buf = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buf, 256) > 0 {}
    }

    private func close(_ s: StreamConnection) {
        s.finish()
        release()
    }
}
