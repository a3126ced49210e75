import CFastCGI
import Glibc
import WebCore

/// An accepted request whose response is an open event stream. Ownership moves from the worker
/// that accepted it to the hub thread exactly once; after the hand-over only the hub touches it,
/// which is why the pointer wrapper may be `@unchecked Sendable`.
final class StreamConnection: @unchecked Sendable {
    let request: UnsafeMutablePointer<FCGX_Request>
    let subscription: EventStreamRequest
    var lastEventID: Int64
    var lastWrite: Double
    let requestID: String

    init(request: UnsafeMutablePointer<FCGX_Request>, subscription: EventStreamRequest, requestID: String, now: Double) {
        self.request = request
        self.subscription = subscription
        self.lastEventID = subscription.lastEventID
        self.lastWrite = now
        self.requestID = requestID
    }

    var fd: Int32 { request.pointee.ipcFd }

    /// Bounds every blocking write: a browser that stops reading cannot stall the hub.
    func setWriteTimeout(seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Writes and flushes; false when the stream is dead.
    func send(_ bytes: [UInt8], now: Double) -> Bool {
        guard let out = request.pointee.out else { return false }
        lastWrite = now
        return ResponseWriter.write(bytes, to: out) && ResponseWriter.flush(out)
    }

    /// Ends the FastCGI request and frees it.
    func finish() {
        FCGX_Finish_r(request)  // closes the connection and frees the streams
        request.deallocate()
    }
}

/// Monotonic seconds.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
