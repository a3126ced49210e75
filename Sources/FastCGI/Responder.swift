import WebCore

/// What the FastCGI server calls for each request. One instance per worker thread (made by the
/// factory inside that thread), so an implementation may hold per-thread resources such as a
/// database connection without locks.
public protocol Responder {
    /// The response to a request (never throws: errors are already mapped to pages).
    func respond(to request: Request) -> Response
    /// An error page for a request the server answers itself: 413 (body too large), 400 (body
    /// truncated, a path that does not decode), 503 (too many event streams). `path` is the raw
    /// request URI as sent (it may not decode), so the answer can be JSON under the API.
    func errorResponse(_ status: HTTPStatus, requestID: String, path: String) -> Response
}

/// Where the SSE hub reads events from. Made inside the hub thread (one per hub).
public protocol EventFeed {
    /// Events with id > `after`, oldest first, at most `limit`.
    func events(after: Int64, limit: Int) throws -> [ServerSentEvent]
    /// The newest event id (0 when there is none).
    func latestEventID() throws -> Int64
}

/// Settings of the FastCGI server.
public struct FastCGIConfig: Sendable {
    public var socketPath: String
    public var workers: Int
    public var maxBodyBytes: Int
    public var maxStreams: Int
    public var pingInterval: Double
    public var streamWriteTimeout: Double
    /// How long SIGTERM waits for in-flight requests before exiting anyway.
    public var drainSeconds: Double
    /// A stream further behind than this many events gets a `reload` event instead of a replay,
    /// so one stale client cannot keep the hub busy replaying a whole history.
    public var maxReplay: Int64
    /// The group allowed to connect (mode 0660); nil allows only this user (mode 0600).
    public var socketGroup: String?
    /// Bytes a stream may have queued and unread before it is closed as too far behind.
    public var maxStreamBuffer: Int

    public init(socketPath: String, workers: Int = 32, maxBodyBytes: Int = 64 << 20, maxStreams: Int = 10_000,
                pingInterval: Double = 15, streamWriteTimeout: Double = 10, drainSeconds: Double = 4, maxReplay: Int64 = 5000,
                maxStreamBuffer: Int = 1 << 20) {
        self.socketPath = socketPath
        self.workers = workers
        self.maxBodyBytes = maxBodyBytes
        self.maxStreams = maxStreams
        self.pingInterval = pingInterval
        self.streamWriteTimeout = streamWriteTimeout
        self.drainSeconds = drainSeconds
        self.maxReplay = maxReplay
        self.maxStreamBuffer = maxStreamBuffer
    }
}
