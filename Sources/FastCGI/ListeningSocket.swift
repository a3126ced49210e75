import CFastCGI
import Glibc

/// The unix socket nginx connects to. Refuses to take over a socket a live process still answers
/// on (libfcgi would silently unlink and steal it).
struct ListeningSocket {
    let fd: Int32
    let path: String

    enum OpenError: Error, CustomStringConvertible {
        case alreadyServing(String)
        case pathTooLong(String)
        case cannotOpen(String, Int32)

        var description: String {
            switch self {
            case .alreadyServing(let p): "another Reeldesk is already serving on \(p); stop it first (or use another REELDESK_DATA_DIR)"
            case .pathTooLong(let p): "socket path is longer than 107 bytes: \(p); choose a shorter REELDESK_DATA_DIR"
            case .cannotOpen(let p, let e): "cannot listen on \(p): \(String(cString: strerror(e)))"
            }
        }
    }

    /// Listens on `path`, connectable by this user only, or also by `group` (nginx's).
    /// A deep backlog (the kernel caps it at somaxconn): after a restart thousands of event
    /// streams reconnect at once, and a full queue makes nginx answer 502.
    static func open(path: String, group: String? = nil, backlog: Int32 = 4096) throws -> ListeningSocket {
        guard path.utf8.count < 108 else { throw OpenError.pathTooLong(path) }
        if isLive(path) { throw OpenError.alreadyServing(path) }
        let fd = FCGX_OpenSocket(path, backlog)
        guard fd >= 0 else { throw OpenError.cannotOpen(path, errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        // Only the service user, or nginx's group too: any other local user bypassing nginx
        // (or sending crafted records) is refused by the kernel.
        if let group, let entry = getgrnam(group) {
            _ = chown(path, uid_t.max, entry.pointee.gr_gid)
            chmod(path, 0o660)
        } else {
            chmod(path, 0o600)
        }
        return ListeningSocket(fd: fd, path: path)
    }

    /// True when something accepts connections on `path` right now.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = unixSocketAddress(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0
    }

    /// Wakes every thread blocked in accept and stops new connections.
    func shutdownAccepting() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    func removeFile() { unlink(path) }
}
