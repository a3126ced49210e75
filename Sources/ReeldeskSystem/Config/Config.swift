import Foundation
import Logging

/// Reeldesk's settings, read once from `REELDESK_*` environment variables and validated at boot.
/// The README's configuration table lists the same variables; keep them in step.
public struct Config: Sendable {
    public var host: String
    public var port: Int
    public var dataDir: String
    public var workers: Int
    /// The upstream key; nil means "use the built-in simulator". Never logged or rendered.
    public var apiKey: String?
    public var upstreamURL: String
    public var publicURL: String
    public var logLevel: Logger.Level
    public var maxBodyBytes: Int
    public var maxStreams: Int
    /// Seconds between `: ping` comments on idle event streams.
    public var ssePingSeconds: Double
    /// Events a reconnecting stream may be behind and still get an exact replay.
    public var sseMaxReplay: Int
    public var templatesDir: String
    public var simulatorPort: Int
    /// The key the simulator accepts, and the one the portal sends when no API key is set.
    /// (The simulator's other settings are its own: `SimulatorSettings`.)
    public var simulatorKey: String
    /// Whether the upstream can reach `publicURL` (and so fetch uploaded frames).
    public var publicURLIsReachable: Bool
    public var polling: PollingSettings
    /// Whether video (and image) URLs may point at loopback, private or link-local addresses.
    /// Off by default; the simulator's own links are always allowed.
    public var allowPrivateAddresses: Bool
    /// How long ffmpeg/ffprobe may run before they are killed.
    public var toolTimeoutSeconds: Double
    /// The group that may connect to the socket and read media (nginx's, e.g. www-data); nil
    /// means only the service user (nginx workers run as that user, as `make run` does).
    public var socketGroup: String?
    /// How long a page request waits for SQLite's write lock before answering 503.
    public var requestBusySeconds: Double
    /// Tasks one person may have queued or running at once (an admin can change it in settings).
    public var maxInFlightPerUser = 4
    /// The header a fronting auth proxy sets to the signed-in user's name (nil: off).
    public var trustedUserHeader: String?
    /// How long a session lasts at most, and without any request.
    public var sessionLifetimeSeconds: Double = 14 * 86_400
    public var sessionIdleSeconds: Double = 3 * 86_400
    /// How long a signed link to an uploaded frame works (long enough for the upstream to fetch it).
    public var uploadLinkSeconds: Double = 7200
    /// Where finished tasks are posted (signed with `webhookSecret`), if anywhere.
    public var webhookURL: String?
    public var webhookSecret: String?

    /// Cookies get `Secure` (and the `__Host-` prefix) when the portal is served over HTTPS.
    public var isHTTPS: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// True when no API key is configured and the portal talks to the simulator.
    public var isSimulated: Bool { apiKey == nil }

    /// The stream cap actually used by the responder and by nginx (`make run` derives nginx's
    /// `worker_connections` from it): REELDESK_MAX_STREAMS, lowered when the hard descriptor
    /// limit cannot hold two per stream (nginx's browser and responder connections) plus 1024.
    public var effectiveMaxStreams: Int {
        var lim = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lim) == 0, lim.rlim_max < rlim_t(Int.max) else { return maxStreams }
        return min(maxStreams, max(16, (Int(lim.rlim_max) - 1024) / 2))
    }

    public var databasePath: String { dataDir + "/reeldesk.sqlite3" }
    public var socketPath: String { dataDir + "/reeldesk.sock" }
    /// Where the poller process wakes the event hub in `serve`.
    public var hubWakePath: String { dataDir + "/hub.wake" }
    /// Where `serve` wakes the poller process (a task was created or retried).
    public var pollerWakePath: String { dataDir + "/poller.wake" }
    /// The server's signing secret (CSRF tokens), made on first start.
    public var secretPath: String { dataDir + "/secret.key" }
    public var mediaDir: String { dataDir + "/media" }
    public var uploadsDir: String { dataDir + "/uploads" }
    /// Files being checked (typed image URLs): never served by nginx.
    public var scratchDir: String { dataDir + "/tmp" }

    /// The upstream base URL actually used: the simulator's when no key is set.
    public var effectiveUpstreamURL: String { isSimulated ? "http://127.0.0.1:\(simulatorPort)" : upstreamURL }
    /// The key actually sent upstream: the real one, or the simulator's.
    public var effectiveAPIKey: String { apiKey ?? simulatorKey }
    public var simulatorDir: String { dataDir + "/simulator" }
    public var simulatorSocketPath: String { simulatorDir + "/simulator.sock" }
}

/// How the poller paces its work (CONTRACT.md §3). Tests shorten these.
public struct PollingSettings: Sendable {
    public var firstPollSeconds: Double
    public var minIntervalSeconds: Double
    public var maxIntervalSeconds: Double
    public var stallSeconds: Double
    public var backoffCapSeconds: Double
    public var requestsPerSecond: Double
    public var timeoutSeconds: Double
    public var maxVideoBytes: Int64
    /// Worker threads that submit, poll and archive in parallel (one slow call or download
    /// does not hold up the rest).
    public var threads: Int
}

/// A configuration problem, naming the variable and why it is wrong.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let variable: String
    public let reason: String
    public var description: String { "\(variable): \(reason)" }

    package init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }
}

extension Config {
    /// Reads and validates the environment; collects every problem, not just the first.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigErrors) -> Config {
        var reader = EnvironmentReader(env: env)
        let host = reader.listenHost("REELDESK_HOST", default: "127.0.0.1")
        let port = reader.integer("REELDESK_PORT", default: 8080, range: 1...65535)
        let dataDir = reader.path("REELDESK_DATA_DIR", default: "./var")
        let workers = reader.integer("REELDESK_WORKERS", default: 32, range: 1...1024)
        let apiKey = reader.apiKey()
        let upstream = reader.url("REELDESK_UPSTREAM_URL", default: "https://xcompute.us")
        let publicURL = reader.url("REELDESK_PUBLIC_URL", default: "http://\(host):\(port)")
        let level = reader.logLevel("REELDESK_LOG_LEVEL", default: .info)
        let maxBodyMB = reader.integer("REELDESK_MAX_BODY_MB", default: 64, range: 1...1024)
        let maxStreams = reader.integer("REELDESK_MAX_STREAMS", default: 10_000, range: 1...100_000)
        let ping = reader.number("REELDESK_SSE_PING_SECONDS", default: 15, range: 0.1...300)
        let maxReplay = reader.integer("REELDESK_SSE_MAX_REPLAY", default: 5000, range: 1...1_000_000)
        let templates = reader.path("REELDESK_TEMPLATES_DIR", default: "./templates")
        let simPort = reader.integer("REELDESK_SIM_PORT", default: port + 1 <= 65535 ? port + 1 : 8081, range: 1...65535)
        let simKey = reader.string("REELDESK_SIM_KEY", default: "reeldesk-simulator")
        let pollFirst = reader.number("REELDESK_POLL_FIRST_SECONDS", default: 5, range: 0.1...600)
        let pollMin = reader.number("REELDESK_POLL_MIN_SECONDS", default: 5, range: 0.1...600)
        let pollMax = reader.number("REELDESK_POLL_MAX_SECONDS", default: 15, range: 0.1...3600)
        let stall = reader.number("REELDESK_STALL_MINUTES", default: 20, range: 0.05...1440)
        let backoffCap = reader.number("REELDESK_BACKOFF_CAP_SECONDS", default: 300, range: 0.5...3600)
        let rps = reader.number("REELDESK_UPSTREAM_RPS", default: 5, range: 0.1...100)
        let timeout = reader.number("REELDESK_UPSTREAM_TIMEOUT_SECONDS", default: 30, range: 0.5...600)
        let maxVideoMB = reader.integer("REELDESK_MAX_VIDEO_MB", default: 500, range: 1...10_000)
        let pollerThreads = reader.integer("REELDESK_POLLER_THREADS", default: 4, range: 1...32)
        let allowPrivate = reader.flag("REELDESK_ALLOW_PRIVATE_ADDRESSES", default: false)
        let toolTimeout = reader.number("REELDESK_TOOL_TIMEOUT_SECONDS", default: 120, range: 1...3600)
        let socketGroup = reader.groupName("REELDESK_SOCKET_GROUP")
        let dbBusy = reader.number("REELDESK_DB_BUSY_SECONDS", default: 2, range: 0.1...60)
        let inFlight = reader.integer("REELDESK_MAX_IN_FLIGHT", default: 4, range: 1...10_000)
        let trustedHeader = reader.headerName("REELDESK_TRUSTED_USER_HEADER")
        let sessionDays = reader.number("REELDESK_SESSION_DAYS", default: 14, range: 0.01...365)
        let idleDays = reader.number("REELDESK_SESSION_IDLE_DAYS", default: 3, range: 0.01...365)
        let uploadLink = reader.number("REELDESK_UPLOAD_LINK_SECONDS", default: 7200, range: 5...(86_400 * 7))
        let webhook = reader.webhook()
        if pollMin > pollMax {
            reader.errors.append(ConfigError(variable: "REELDESK_POLL_MIN_SECONDS", reason: "must not exceed REELDESK_POLL_MAX_SECONDS"))
        }
        if !reader.errors.isEmpty { throw ConfigErrors(errors: reader.errors) }
        var config = Config(host: host, port: port, dataDir: dataDir, workers: workers, apiKey: apiKey,
                      upstreamURL: upstream.trimmingSuffix("/"), publicURL: publicURL.trimmingSuffix("/"),
                      logLevel: level, maxBodyBytes: maxBodyMB << 20, maxStreams: maxStreams, ssePingSeconds: ping, sseMaxReplay: maxReplay, templatesDir: templates,
                      simulatorPort: simPort, simulatorKey: simKey,
                      publicURLIsReachable: PublicAddress.isPublic(publicURL),
                      polling: PollingSettings(firstPollSeconds: pollFirst, minIntervalSeconds: pollMin, maxIntervalSeconds: pollMax,
                                               stallSeconds: stall * 60, backoffCapSeconds: backoffCap, requestsPerSecond: rps,
                                               timeoutSeconds: timeout, maxVideoBytes: Int64(maxVideoMB) << 20,
                                               threads: pollerThreads),
                      allowPrivateAddresses: allowPrivate, toolTimeoutSeconds: toolTimeout, socketGroup: socketGroup,
                      requestBusySeconds: dbBusy)
        config.maxInFlightPerUser = inFlight
        config.trustedUserHeader = trustedHeader
        config.sessionLifetimeSeconds = sessionDays * 86_400
        config.sessionIdleSeconds = min(idleDays, sessionDays) * 86_400
        config.uploadLinkSeconds = uploadLink
        config.webhookURL = webhook?.url
        config.webhookSecret = webhook?.secret
        return config
    }

    /// The settings as `NAME=value` lines for scripts (secrets left out).
    public var shellExports: String {
        [
            "REELDESK_HOST=\(host)", "REELDESK_PORT=\(port)", "REELDESK_DATA_DIR=\(dataDir)",
            "REELDESK_SOCKET=\(socketPath)", "REELDESK_MAX_BODY_MB=\(maxBodyBytes >> 20)",
            "REELDESK_PUBLIC_URL=\(publicURL)", "REELDESK_SIMULATED=\(isSimulated ? 1 : 0)",
            "REELDESK_SIM_PORT=\(simulatorPort)", "REELDESK_SIM_SOCKET=\(simulatorSocketPath)",
            "REELDESK_MAX_STREAMS=\(effectiveMaxStreams)", "REELDESK_SOCKET_GROUP=\(socketGroup ?? "")",
        ].joined(separator: "\n")
    }
}

/// Every problem found in the environment.
public struct ConfigErrors: Error, CustomStringConvertible, Sendable {
    public let errors: [ConfigError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }

    package init(errors: [ConfigError]) {
        self.errors = errors
    }
}

extension String {
    package func trimmingSuffix(_ suffix: String) -> String {
        var s = self
        while s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        return s
    }
}
