import CFastCGI
import Foundation
import Glibc
import Logging
import Synchronization
import WebCore

/// A pool of worker threads accepting FastCGI requests on a unix socket, plus the SSE hub.
/// Lifecycle: `start()` → (serving) → `shutdown()`: stop accepting, let in-flight requests
/// finish, close every event stream, return within `drainSeconds`.
public final class FastCGIServer: Sendable {
    public let config: FastCGIConfig
    /// The SSE hub; nil for a responder that never streams (the simulator).
    public let hub: EventHub?
    private let socket: ListeningSocket
    private let makeResponder: @Sendable () -> any Responder
    private let logger: Logger
    private let running = Atomic<Int>(0)
    private let inFlight = Atomic<Int>(0)
    private let hubDone = Mutex<Bool>(false)

    /// Opens the socket (failing if a live instance owns it) and prepares the hub.
    public init(config: FastCGIConfig, logger: Logger, hub: EventHub?,
                makeResponder: @escaping @Sendable () -> any Responder) throws {
        self.config = config
        self.logger = logger
        self.makeResponder = makeResponder
        self.socket = try ListeningSocket.open(path: config.socketPath, group: config.socketGroup)
        self.hub = hub
    }

    /// True when a live process accepts connections on the unix socket at `path`.
    public static func isServing(_ path: String) -> Bool { ListeningSocket.isLive(path) }

    /// Call once in main before any thread starts.
    public static func initializeLibrary() {
        FCGX_Init()
        raiseFileLimit()
    }

    /// Starts the hub and the workers; returns at once.
    public func start() {
        if let hub {
            let hubThread = Thread { [self] in
                hub.run()
                hubDone.withLock { $0 = true }
            }
            hubThread.name = "sse-hub"
            hubThread.start()
        } else {
            hubDone.withLock { $0 = true }
        }
        for i in 0..<config.workers {
            running.add(1, ordering: .relaxed)
            let t = Thread { [self] in
                workerLoop()
                running.subtract(1, ordering: .relaxed)
            }
            t.name = "fcgi-\(i)"
            t.stackSize = 1 << 20
            t.start()
        }
        logger.info("listening", metadata: ["socket": "\(config.socketPath)", "workers": "\(config.workers)"])
    }

    /// Stops accepting, waits for in-flight requests (bounded), closes streams, removes the socket.
    public func shutdown() {
        logger.info("shutting down", metadata: ["in_flight": "\(inFlight.load(ordering: .relaxed))", "streams": "\(hub?.streamCount ?? 0)"])
        socket.shutdownAccepting()
        hub?.stop()
        let deadline = monotonicNow() + config.drainSeconds
        while monotonicNow() < deadline && (running.load(ordering: .relaxed) > 0 || !hubDone.withLock({ $0 })) {
            usleep(10_000)
        }
        let left = running.load(ordering: .relaxed)
        if left > 0 { logger.warning("exiting with workers still busy", metadata: ["workers": "\(left)"]) }
        socket.removeFile()
    }

    private func workerLoop() {
        let responder = makeResponder()
        var req = Self.newRequest(fd: socket.fd)
        while FCGX_Accept_r(req) >= 0 {
            inFlight.add(1, ordering: .relaxed)
            let handedOver = serve(req, responder: responder)
            inFlight.subtract(1, ordering: .relaxed)
            if handedOver {
                req = Self.newRequest(fd: socket.fd)
            } else {
                FCGX_Finish_r(req)
            }
        }
        FCGX_Free(req, 1)
        req.deallocate()
    }

    private static func newRequest(fd: Int32) -> UnsafeMutablePointer<FCGX_Request> {
        let req = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        req.initialize(to: FCGX_Request())
        FCGX_InitRequest(req, fd, 0)
        return req
    }

    /// Handles one request; true when the request now belongs to the hub.
    private func serve(_ req: UnsafeMutablePointer<FCGX_Request>, responder: any Responder) -> Bool {
        let started = monotonicNow()
        guard let out = req.pointee.out else { return false }
        let request: Request
        do {
            request = try RequestReader.read(req, maxBody: config.maxBodyBytes)
        } catch {
            let status: HTTPStatus = if case .tooLarge = error { .payloadTooLarge } else { .badRequest }
            let requestID = Request.makeRequestID()
            if case .malformed(let why) = error { logger.notice("request refused", metadata: ["rid": "\(requestID)", "why": "\(why)"]) }
            let rawPath = FCGX_GetParam("REQUEST_URI", req.pointee.envp).map { String(cString: $0) } ?? "/"
            let response = responder.errorResponse(status, requestID: requestID, path: rawPath)
            ResponseWriter.write(response, bytes: response.bodyBytes, headOnly: false, to: out)
            logAccess(method: "?", path: "?", status: status.code, started: started, requestID: requestID)
            return false
        }
        let response = responder.respond(to: request)
        // A large body leaves freed pages in malloc's arenas; hand them back to the system.
        defer { if request.body.count >= 8 << 20 { malloc_trim(0) } }
        switch response.body {
        case .bytes(let bytes):
            ResponseWriter.write(response, bytes: bytes, headOnly: request.method == .head, to: out)
            logAccess(method: "\(request.method)", path: request.path, status: response.status.code, started: started, requestID: request.requestID)
            return false
        case .eventStream(let subscription):
            return openStream(req, out: out, request: request, response: response, subscription: subscription,
                              responder: responder, started: started)
        case .stream(let body):
            if ResponseWriter.writeHead(response.status, response.headers, contentLength: nil, to: out), request.method != .head {
                body.produce { bytes in ResponseWriter.write(bytes, to: out) }
            }
            logAccess(method: "\(request.method)", path: request.path, status: response.status.code, started: started, requestID: request.requestID)
            return false
        }
    }

    private func openStream(_ req: UnsafeMutablePointer<FCGX_Request>, out: UnsafeMutablePointer<FCGX_Stream>, request: Request,
                            response: Response, subscription: EventStreamRequest, responder: any Responder, started: Double) -> Bool {
        guard let hub, hub.reserve() else {
            var busy = responder.errorResponse(.serviceUnavailable, requestID: request.requestID, path: request.path)
            busy.headers.set("Retry-After", "5")
            ResponseWriter.write(busy, bytes: busy.bodyBytes, headOnly: false, to: out)
            logAccess(method: "GET", path: request.path, status: 503, started: started, requestID: request.requestID)
            return false
        }
        var headers = response.headers
        headers.set("Content-Type", "text/event-stream; charset=utf-8")
        headers.set("Cache-Control", "no-cache")
        headers.set("X-Accel-Buffering", "no")
        guard ResponseWriter.writeHead(.ok, headers, contentLength: nil, to: out),
              ResponseWriter.flush(out) else {
            hub.release()
            return false
        }
        logAccess(method: "GET", path: request.path, status: 200, started: started, requestID: request.requestID)
        hub.adopt(StreamConnection(request: req, subscription: subscription, requestID: request.requestID, now: monotonicNow()))
        return true
    }

    private func logAccess(method: String, path: String, status: Int, started: Double, requestID: String) {
        let ms = (monotonicNow() - started) * 1000
        logger.info("request", metadata: [
            "rid": "\(requestID)", "method": "\(method)", "path": "\(path)",
            "status": "\(status)", "ms": "\(String(format: "%.1f", ms))",
        ])
    }

    /// Many event streams need many descriptors: lift the soft limit to the hard one.
    static func raiseFileLimit() {
        var lim = rlimit()
        if getrlimit(RLIMIT_NOFILE_VALUE, &lim) == 0, lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max
            setrlimit(RLIMIT_NOFILE_VALUE, &lim)
        }
    }
}

private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

extension Response {
    /// The body bytes, or empty for a stream.
    var bodyBytes: [UInt8] {
        if case .bytes(let b) = body { return b }
        return []
    }
}
