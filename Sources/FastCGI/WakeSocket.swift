import CFastCGI
import Glibc

/// A wake-up channel between threads and processes: a unix datagram socket bound to a path.
/// Anyone who may write to the data dir sends an empty datagram (`send(to:)`); the owner polls
/// `fd` and `drain`s it. Datagrams are never waited for: a full queue means a wake-up is
/// already pending.
public final class WakeSocket: Sendable {
    public let fd: Int32
    public let path: String
    /// The inode bound at `path`: a successor may bind the same path before this one closes,
    /// and its file must not be removed by this one.
    private let inode: UInt

    /// Binds `path` (replacing a stale file; the caller owns the data dir).
    public init(path: String) throws {
        guard path.utf8.count < 108 else { throw ListeningSocket.OpenError.pathTooLong(path) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListeningSocket.OpenError.cannotOpen(path, errno) }
        unlink(path)
        var addr = unixSocketAddress(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw ListeningSocket.OpenError.cannotOpen(path, e)
        }
        self.fd = fd
        self.path = path
        var st = stat()
        self.inode = stat(path, &st) == 0 ? UInt(st.st_ino) : 0
    }

    deinit {
        close(fd)
        var st = stat()
        if stat(path, &st) == 0, UInt(st.st_ino) == inode { unlink(path) }
    }

    /// Wakes whoever owns the socket at `path`; silently does nothing when nobody does.
    public static func send(to path: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var addr = unixSocketAddress(path)
        var byte: UInt8 = 1
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, &byte, 1, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Wakes this socket's owner.
    public func wake() { Self.send(to: path) }

    /// Reads every pending datagram.
    public func drain() {
        var buf = [UInt8](repeating: 0, count: 64)
        while recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT)) >= 0 {}
    }

    /// Waits until woken or `timeoutMs` passes; true when woken (and drained).
    public func wait(timeoutMs: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let rc = poll(&p, 1, timeoutMs)
        if rc > 0 { drain(); return true }
        return false
    }
}
