import FastCGI
import Foundation
import Glibc
import ReeldeskSystem

/// The checks `make run` makes before starting anything, so a start that cannot work is refused
/// with one line naming the problem and the fix, and nothing is left running.
public enum Preflight {
    /// Every problem found (empty when the start can go ahead).
    public static func problems(_ config: Config, tools: [String] = ["nginx", "ffmpeg", "ffprobe"]) -> [String] {
        var found: [String] = []
        let missing = tools.filter { findOnPath($0) == nil }
        if !missing.isEmpty {
            found.append("\(missing.joined(separator: ", ")) not found on PATH; install with: sudo apt-get install -y nginx ffmpeg (or run `make run` as root)")
        }
        do {
            try DataDirectory.prepare(config)
        } catch {
            found.append("\(error)")
        }
        if FastCGIServer.isServing(config.socketPath) {
            found.append("Reeldesk is already running on data dir \(config.dataDir); stop it first, or set REELDESK_DATA_DIR to another folder")
        }
        var ports = [("REELDESK_PORT", config.port)]
        if config.isSimulated { ports.append(("REELDESK_SIM_PORT", config.simulatorPort)) }
        for (name, port) in ports where !canListen(host: config.host, port: port) {
            found.append("\(config.host):\(port) is already in use; stop what listens there, or set \(name) to a free port")
        }
        return found
    }

    /// The first executable called `name` in PATH.
    package static func findOnPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// True when a TCP socket can bind `host:port` right now (the way nginx will).
    package static func canListen(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        return bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0
    }
}
