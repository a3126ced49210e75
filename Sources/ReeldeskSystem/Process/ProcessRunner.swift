import Foundation
import Glibc
import Synchronization

/// Runs an external program (ffmpeg, ffprobe) with a deadline: both pipes are drained as the
/// program writes (a full stderr pipe cannot stall it), and a program still running at the
/// deadline is killed with its whole process group.
public enum ProcessRunner {
    /// Process groups of the tools running now, so a stopping process can end them too.
    private static let running = Mutex<Set<pid_t>>([])

    /// Kills every tool still running (their whole groups); for shutdown.
    public static func killAll() {
        for pid in running.withLock({ $0 }) { kill(-pid, SIGKILL) }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let tool: String
        public let detail: String
        public let timedOut: Bool
        public var description: String { timedOut ? "\(tool) did not finish within its time limit and was stopped" : "\(tool) failed: \(detail)" }

        package init(tool: String, detail: String, timedOut: Bool) {
            self.tool = tool
            self.detail = detail
            self.timedOut = timedOut
        }
    }

    /// Runs `tool` (looked up on PATH) with `arguments`; returns stdout. Throws on a non-zero
    /// exit (with stderr's tail), on a spawn error, and at `timeout` seconds.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], timeout: Double, maxOutput: Int = 16 << 20) throws -> [UInt8] {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw Failure(tool: tool, detail: "pipe: \(String(cString: strerror(errno)))", timedOut: false) }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw Failure(tool: tool, detail: "pipe: \(String(cString: strerror(errno)))", timedOut: false)
        }
        let pid: pid_t
        do {
            pid = try spawn(tool, arguments, stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1]); close(errPipe[1])
        running.withLock { _ = $0.insert(pid) }
        defer {
            close(outPipe[0]); close(errPipe[0])
            running.withLock { _ = $0.remove(pid) }
        }
        let deadline = monotonicSeconds() + timeout
        let (out, err, finished) = drain(stdout: outPipe[0], stderr: errPipe[0], until: deadline, maxOutput: maxOutput)
        if !finished { kill(-pid, SIGKILL); kill(pid, SIGKILL) }
        let status = waitForExit(pid, until: finished ? deadline + 5 : .infinity)
        if !finished { throw Failure(tool: tool, detail: "timed out after \(Int(timeout)) s", timedOut: true) }
        guard let status, status == 0 else {
            let tail = String(decoding: err.suffix(400), as: UTF8.self)
            throw Failure(tool: tool, detail: status == nil ? "killed" : "exit \(status!): \(tail)", timedOut: false)
        }
        return out
    }

    /// Starts a long-lived child (in this process group, sharing stdout and stderr, stdin from
    /// /dev/null, default signal handling) and returns its pid; the caller waits for it.
    package static func spawnDetached(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> pid_t {
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        return try spawn(executable, arguments, stdout: 1, stderr: 2, newGroup: false, environment: env)
    }

    /// posix_spawnp, by default in a new process group; stdin from /dev/null.
    private static func spawn(_ tool: String, _ arguments: [String], stdout: Int32, stderr: Int32, newGroup: Bool = true,
                              environment: [UnsafeMutablePointer<CChar>?]? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if stdout != 1 { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if stderr != 2 { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        // Nothing else crosses over: not the FastCGI socket, not a browser's connection.
        _ = spawnCloseFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let groupFlag = newGroup ? POSIX_SPAWN_SETPGROUP : 0
        posix_spawnattr_setflags(&attributes, Int16(groupFlag | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        // The server blocks SIGTERM/SIGINT and ignores SIGPIPE; the child gets the defaults.
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = environment.map { env in
            env.withUnsafeBufferPointer { posix_spawnp(&pid, tool, &actions, &attributes, argv, UnsafeMutablePointer(mutating: $0.baseAddress)) }
        } ?? posix_spawnp(&pid, tool, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw Failure(tool: tool, detail: "cannot start: \(String(cString: strerror(rc)))", timedOut: false) }
        return pid
    }

    /// Reads both pipes until both reach EOF (true) or the deadline passes (false).
    private static func drain(stdout: Int32, stderr: Int32, until deadline: Double, maxOutput: Int) -> ([UInt8], [UInt8], Bool) {
        var out: [UInt8] = [], err: [UInt8] = []
        var open = [stdout: true, stderr: true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.values.contains(true) {
            let left = deadline - monotonicSeconds()
            if left <= 0 { return (out, err, false) }
            var fds = open.filter(\.value).map { pollfd(fd: $0.key, events: Int16(POLLIN), revents: 0) }
            let rc = poll(&fds, nfds_t(fds.count), Int32(min(left, 1) * 1000) + 1)
            if rc < 0 && errno != EINTR { return (out, err, false) }
            for p in fds where p.revents != 0 {
                let n = read(p.fd, &buffer, buffer.count)
                if n <= 0 { open[p.fd] = false; continue }
                if p.fd == stdout {
                    if out.count < maxOutput { out += buffer[0..<n] }
                } else {
                    err += buffer[0..<n]
                    if err.count > 65536 { err.removeFirst(err.count - 8192) }
                }
            }
        }
        return (out, err, true)
    }

    /// The exit status, or nil when killed by a signal or still running at `deadline`.
    private static func waitForExit(_ pid: pid_t, until deadline: Double) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { break }
            if rc < 0 && errno != EINTR { return nil }
            if monotonicSeconds() > deadline { kill(-pid, SIGKILL); kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); return nil }
            usleep(2_000)
        }
        let signalled = (status & 0x7f) != 0
        return signalled ? nil : (status >> 8) & 0xff
    }

    private static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np` (not exported by Swift's Glibc
/// module): the child closes every descriptor from `from` up before it runs.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
