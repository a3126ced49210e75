import Foundation
import Logging

/// Parses environment values, recording a `ConfigError` per bad variable and returning defaults
/// so that all problems can be reported at once.
package struct EnvironmentReader {
    package let env: [String: String]
    package var errors: [ConfigError] = []

    package init(env: [String: String]) { self.env = env }

    private func raw(_ name: String) -> String? {
        guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    package mutating func string(_ name: String, default def: String) -> String { raw(name) ?? def }

    package mutating func integer(_ name: String, default def: Int, range: ClosedRange<Int>) -> Int {
        guard let v = raw(name) else { return def }
        guard let n = Int(v), range.contains(n) else {
            errors.append(ConfigError(variable: name, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got “\(v)”"))
            return def
        }
        return n
    }

    package mutating func number(_ name: String, default def: Double, range: ClosedRange<Double>) -> Double {
        guard let v = raw(name) else { return def }
        guard let n = Double(v), range.contains(n) else {
            errors.append(ConfigError(variable: name, reason: "must be a number from \(range.lowerBound) to \(range.upperBound), got “\(v)”"))
            return def
        }
        return n
    }

    /// A directory path, made absolute. It ends up in nginx's configuration and in shell
    /// scripts, so only plain path characters are accepted (no spaces, quotes, `;`, `$`, `#`…).
    package mutating func path(_ name: String, default def: String) -> String {
        let v = raw(name) ?? def
        let absolute = v.hasPrefix("/") ? v : FileManager.default.currentDirectoryPath + "/" + v
        let path = URL(fileURLWithPath: absolute).standardizedFileURL.path
        guard Self.isPlainPath(path) else {
            errors.append(ConfigError(variable: name, reason: "use only letters, digits and . _ - + @ / in the path, got “\(v.debugDescription.dropFirst().dropLast())”"))
            return def
        }
        return path
    }

    package static func isPlainPath(_ p: String) -> Bool {
        !p.isEmpty && p.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || "._-+@/".utf8.contains(b)
        }
    }

    /// `1/true/yes/on` or `0/false/no/off`.
    package mutating func flag(_ name: String, default def: Bool) -> Bool {
        guard let v = raw(name)?.lowercased() else { return def }
        switch v {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            errors.append(ConfigError(variable: name, reason: "must be 1 or 0 (true or false), got “\(v)”"))
            return def
        }
    }

    /// The address to listen on: an IPv4 or IPv6 literal, or `localhost`.
    package mutating func listenHost(_ name: String, default def: String) -> String {
        let v = raw(name) ?? def
        var v4 = in_addr(), v6 = in6_addr()
        if v == "localhost" || inet_pton(AF_INET, v, &v4) == 1 || inet_pton(AF_INET6, v, &v6) == 1 { return v }
        errors.append(ConfigError(variable: name, reason: "must be an IP address such as 127.0.0.1 (or localhost), got “\(v.debugDescription.dropFirst().dropLast())”"))
        return def
    }

    /// A Unix group name (`www-data`), or nil when unset.
    package mutating func groupName(_ name: String) -> String? {
        guard let v = raw(name) else { return nil }
        let ok = v.utf8.count <= 32 && v.utf8.allSatisfy { b in (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 95 || b == 45 }
        guard ok, getgrnam(v) != nil else {
            errors.append(ConfigError(variable: name, reason: "must name an existing group (e.g. www-data), got “\(v.debugDescription.dropFirst().dropLast())”"))
            return nil
        }
        return v
    }

    /// An HTTP header name (letters, digits, dashes), e.g. `X-Remote-User`; nil when unset.
    package mutating func headerName(_ name: String) -> String? {
        guard let v = raw(name), !v.isEmpty else { return nil }
        guard v.utf8.count <= 64, v.utf8.allSatisfy({ b in (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 45 }) else {
            errors.append(ConfigError(variable: name, reason: "must be a header name of letters, digits and dashes, e.g. X-Remote-User"))
            return nil
        }
        return v
    }

    package mutating func url(_ name: String, default def: String) -> String {
        let v = raw(name) ?? def
        guard let u = URL(string: v), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = u.host, !host.isEmpty else {
            errors.append(ConfigError(variable: name, reason: "must be an http:// or https:// URL with a host, got “\(v)”"))
            return def
        }
        return v
    }

    /// `REELDESK_WEBHOOK_URL` and its signing key `REELDESK_WEBHOOK_SECRET` (16+ printable
    /// characters, never echoed): both or neither.
    package mutating func webhook() -> (url: String, secret: String)? {
        let url = raw("REELDESK_WEBHOOK_URL")
        let secret = raw("REELDESK_WEBHOOK_SECRET")
        guard let url else {
            if secret != nil { errors.append(ConfigError(variable: "REELDESK_WEBHOOK_SECRET", reason: "set REELDESK_WEBHOOK_URL too, or neither")) }
            return nil
        }
        let checked = self.url("REELDESK_WEBHOOK_URL", default: url)
        guard let secret, secret.utf8.count >= 16, secret.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            errors.append(ConfigError(variable: "REELDESK_WEBHOOK_SECRET", reason: "required with REELDESK_WEBHOOK_URL: 16 or more printable characters, no spaces (receivers check the signature with it)"))
            return nil
        }
        return (checked, secret)
    }

    package mutating func logLevel(_ name: String, default def: Logger.Level) -> Logger.Level {
        guard let v = raw(name) else { return def }
        guard let level = Logger.Level(rawValue: v.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(ConfigError(variable: name, reason: "must be one of \(names), got “\(v)”"))
            return def
        }
        return level
    }

    /// `REELDESK_API_KEY` or `REELDESK_API_KEY_FILE` (not both). The value is never echoed.
    package mutating func apiKey() -> String? {
        let direct = raw("REELDESK_API_KEY")
        let file = raw("REELDESK_API_KEY_FILE")
        if direct != nil && file != nil {
            errors.append(ConfigError(variable: "REELDESK_API_KEY_FILE", reason: "set either REELDESK_API_KEY or REELDESK_API_KEY_FILE, not both"))
            return nil
        }
        if let direct { return validKey(direct, variable: "REELDESK_API_KEY") }
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            errors.append(ConfigError(variable: "REELDESK_API_KEY_FILE", reason: "cannot read \(file)"))
            return nil
        }
        return validKey(text.trimmingCharacters(in: .whitespacesAndNewlines), variable: "REELDESK_API_KEY_FILE")
    }

    private mutating func validKey(_ key: String, variable: String) -> String? {
        guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            errors.append(ConfigError(variable: variable, reason: "the key must be one line of printable ASCII without spaces"))
            return nil
        }
        return key
    }
}
