import CFastCGI
import Glibc
import WebCore

/// An accepted request whose response is an open event stream. Ownership moves from the worker
/// that accepted it to the hub thread exactly once; after the hand-over only the hub touches it,
/// which is why the pointer wrapper may be `@unchecked Sendable`.
///
/// After the hand-over the socket is non-blocking and libfcgi no longer writes to it: the hub
/// frames FastCGI STDOUT records itself into a bounded per-stream buffer and writes whatever the
/// socket takes, so a client that stops reading costs buffer space, never the hub's time.
final class StreamConnection: @unchecked Sendable {
    enum FlushResult { case drained, blocked, dead }

    let request: UnsafeMutablePointer<FCGX_Request>
    let subscription: EventStreamRequest
    /// The id of the newest event queued to (or skipped for) this stream.
    var lastEventID: Int64
    /// When something was last queued (pings are due `pingInterval` after it).
    var lastWrite: Double
    /// When the socket last took bytes, or when the buffer was last empty.
    private(set) var lastProgress: Double
    let requestID: String
    /// Set when an event ended this stream's session; the hub closes it.
    var ended = false
    let fd: Int32
    private let fastCGIRequestID: UInt16
    private var pending: [UInt8] = []
    private var sent = 0

    init(request: UnsafeMutablePointer<FCGX_Request>, subscription: EventStreamRequest, requestID: String, now: Double) {
        self.request = request
        self.subscription = subscription
        self.lastEventID = subscription.lastEventID
        self.lastWrite = now
        self.lastProgress = now
        self.requestID = requestID
        self.fd = request.pointee.ipcFd
        self.fastCGIRequestID = UInt16(truncatingIfNeeded: request.pointee.requestId)
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        // libfcgi's stream buffers (about 17 KB a request) are never used after the hand-over:
        // freed now, not when the stream ends (5,000 open streams kept 80 MB of them).
        FCGX_FreeStream(&request.pointee.in)
        FCGX_FreeStream(&request.pointee.out)
        FCGX_FreeStream(&request.pointee.err)
    }

    /// Bytes queued and not yet taken by the socket.
    var pendingBytes: Int { pending.count - sent }

    /// Queues `payload` as FastCGI STDOUT records (nothing is written yet; see `flush`).
    func enqueue(_ payload: [UInt8], now: Double) {
        guard !payload.isEmpty else { return }
        if pendingBytes == 0 { lastProgress = now }
        var offset = 0
        while offset < payload.count {
            let n = min(65_535, payload.count - offset)
            appendRecord(type: 6, content: payload[offset..<(offset + n)])
            offset += n
        }
        lastWrite = now
    }

    /// Writes as much of the buffer as the socket takes without blocking.
    func flush(now: Double) -> FlushResult {
        while sent < pending.count {
            let n = pending.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, pending.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                sent += n
                lastProgress = now
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { compact(); return .blocked }
            if n < 0 && errno == EINTR { continue }
            return .dead
        }
        // A small buffer is kept for the next event; a replay's large one is given back.
        pending.removeAll(keepingCapacity: pending.count <= 4096)
        sent = 0
        lastProgress = now
        return .drained
    }

    /// Ends the stream and frees the request. A `graceful` end tells nginx the response is
    /// complete (empty STDOUT + END_REQUEST records) if the socket takes it at once. The socket is
    /// closed here, not by libfcgi, whose close waits up to seconds for the peer.
    func finish(graceful: Bool) {
        if graceful {
            appendRecord(type: 6, content: [])
            appendRecord(type: 3, content: [0, 0, 0, 0, 0, 0, 0, 0])
            _ = flush(now: monotonicNow())
        }
        Glibc.close(fd)
        request.pointee.ipcFd = -1
        FCGX_Free(request, 0)
        request.deallocate()
    }

    private func appendRecord<C: Collection>(type: UInt8, content: C) where C.Element == UInt8 {
        let length = content.count
        pending += [1, type, UInt8(fastCGIRequestID >> 8), UInt8(fastCGIRequestID & 0xff),
                    UInt8(length >> 8), UInt8(length & 0xff), 0, 0]
        pending += content
    }

    /// Drops the bytes already written once they are a large share of the buffer.
    private func compact() {
        if sent >= 65_536 && sent * 2 >= pending.count {
            pending.removeFirst(sent)
            sent = 0
        }
    }
}

/// Monotonic seconds.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
