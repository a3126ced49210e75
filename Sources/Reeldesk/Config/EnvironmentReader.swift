import Foundation
import Logging

/// Parses environment values, recording a `ConfigError` per bad variable and returning defaults
/// so that all problems can be reported at once.
struct EnvironmentReader {
    let env: [String: String]
    var errors: [ConfigError] = []

    private func raw(_ name: String) -> String? {
        guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    mutating func string(_ name: String, default def: String) -> String { raw(name) ?? def }

    mutating func integer(_ name: String, default def: Int, range: ClosedRange<Int>) -> Int {
        guard let v = raw(name) else { return def }
        guard let n = Int(v), range.contains(n) else {
            errors.append(ConfigError(variable: name, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got “\(v)”"))
            return def
        }
        return n
    }

    mutating func number(_ name: String, default def: Double, range: ClosedRange<Double>) -> Double {
        guard let v = raw(name) else { return def }
        guard let n = Double(v), range.contains(n) else {
            errors.append(ConfigError(variable: name, reason: "must be a number from \(range.lowerBound) to \(range.upperBound), got “\(v)”"))
            return def
        }
        return n
    }

    mutating func path(_ name: String, default def: String) -> String {
        let v = raw(name) ?? def
        let absolute = v.hasPrefix("/") ? v : FileManager.default.currentDirectoryPath + "/" + v
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    mutating func url(_ name: String, default def: String) -> String {
        let v = raw(name) ?? def
        guard let u = URL(string: v), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = u.host, !host.isEmpty else {
            errors.append(ConfigError(variable: name, reason: "must be an http:// or https:// URL with a host, got “\(v)”"))
            return def
        }
        return v
    }

    mutating func logLevel(_ name: String, default def: Logger.Level) -> Logger.Level {
        guard let v = raw(name) else { return def }
        guard let level = Logger.Level(rawValue: v.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(ConfigError(variable: name, reason: "must be one of \(names), got “\(v)”"))
            return def
        }
        return level
    }

    /// `REELDESK_API_KEY` or `REELDESK_API_KEY_FILE` (not both). The value is never echoed.
    mutating func apiKey() -> String? {
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
