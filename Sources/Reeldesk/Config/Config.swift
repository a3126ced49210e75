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
    public var templatesDir: String
    public var simulatorPort: Int
    public var simulatorSeconds: Double

    /// True when no API key is configured and the portal talks to the simulator.
    public var isSimulated: Bool { apiKey == nil }

    public var databasePath: String { dataDir + "/reeldesk.sqlite3" }
    public var socketPath: String { dataDir + "/reeldesk.sock" }
    public var mediaDir: String { dataDir + "/media" }
    public var uploadsDir: String { dataDir + "/uploads" }

    /// The upstream base URL actually used: the simulator's when no key is set.
    public var effectiveUpstreamURL: String { isSimulated ? "http://127.0.0.1:\(simulatorPort)" : upstreamURL }
}

/// A configuration problem, naming the variable and why it is wrong.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let variable: String
    public let reason: String
    public var description: String { "\(variable): \(reason)" }
}

extension Config {
    /// Reads and validates the environment; collects every problem, not just the first.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigErrors) -> Config {
        var reader = EnvironmentReader(env: env)
        let host = reader.string("REELDESK_HOST", default: "127.0.0.1")
        let port = reader.integer("REELDESK_PORT", default: 8080, range: 1...65535)
        let dataDir = reader.path("REELDESK_DATA_DIR", default: "./var")
        let workers = reader.integer("REELDESK_WORKERS", default: 32, range: 1...1024)
        let apiKey = reader.apiKey()
        let upstream = reader.url("REELDESK_UPSTREAM_URL", default: "https://xcompute.us")
        let publicURL = reader.url("REELDESK_PUBLIC_URL", default: "http://\(host):\(port)")
        let level = reader.logLevel("REELDESK_LOG_LEVEL", default: .info)
        let maxBodyMB = reader.integer("REELDESK_MAX_BODY_MB", default: 64, range: 1...1024)
        let maxStreams = reader.integer("REELDESK_MAX_STREAMS", default: 10_000, range: 1...100_000)
        let templates = reader.path("REELDESK_TEMPLATES_DIR", default: "./templates")
        let simPort = reader.integer("REELDESK_SIM_PORT", default: port + 1 <= 65535 ? port + 1 : 8081, range: 1...65535)
        let simSeconds = reader.number("REELDESK_SIM_SECONDS", default: 30, range: 0.1...3600)
        if !reader.errors.isEmpty { throw ConfigErrors(errors: reader.errors) }
        return Config(host: host, port: port, dataDir: dataDir, workers: workers, apiKey: apiKey,
                      upstreamURL: upstream.trimmingSuffix("/"), publicURL: publicURL.trimmingSuffix("/"),
                      logLevel: level, maxBodyBytes: maxBodyMB << 20, maxStreams: maxStreams, templatesDir: templates,
                      simulatorPort: simPort, simulatorSeconds: simSeconds)
    }

    /// The settings as `NAME=value` lines for scripts (secrets left out).
    public var shellExports: String {
        [
            "REELDESK_HOST=\(host)", "REELDESK_PORT=\(port)", "REELDESK_DATA_DIR=\(dataDir)",
            "REELDESK_SOCKET=\(socketPath)", "REELDESK_MAX_BODY_MB=\(maxBodyBytes >> 20)",
            "REELDESK_PUBLIC_URL=\(publicURL)", "REELDESK_SIMULATED=\(isSimulated ? 1 : 0)",
            "REELDESK_SIM_PORT=\(simulatorPort)",
        ].joined(separator: "\n")
    }
}

/// Every problem found in the environment.
public struct ConfigErrors: Error, CustomStringConvertible, Sendable {
    public let errors: [ConfigError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var s = self
        while s.hasSuffix(suffix) { s.removeLast(suffix.count) }
        return s
    }
}
