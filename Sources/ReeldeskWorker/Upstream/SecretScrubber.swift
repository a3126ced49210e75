import Foundation

/// Removes credentials from text that came from the upstream (error messages, bodies) before it
/// is stored, logged or shown: the API key itself and any run of 8+ of its characters (upstreams
/// echo keys whole or masked like `sk-abc…wxyz`), `Bearer …` values, `key=…`-style pairs, and
/// long opaque tokens. Also drops provider request ids, which mean nothing to people.
public struct SecretScrubber: Sendable {
    private let secrets: [[UInt8]]
    package static let placeholder = "[redacted]"
    package static let minimumFragment = 8

    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.utf8.count >= Self.minimumFragment }.map { Array($0.utf8) }
    }

    /// `text` without anything that looks like a credential, at most 500 characters.
    public func scrub(_ text: String) -> String {
        var s = text
        for secret in secrets { s = Self.removeFragments(of: secret, from: s) }
        for (pattern, template) in Self.patterns {
            s = s.replacingOccurrences(of: pattern, with: template, options: [.regularExpression, .caseInsensitive])
        }
        return String(s.prefix(500))
    }

    /// True when `text` carries something `scrub` would remove (such text is refused where it
    /// cannot be altered, e.g. a URL).
    public func containsSecret(_ text: String) -> Bool { scrub(text) != String(text.prefix(500)) }

    package static let patterns: [(String, String)] = [
        // Provider request ids: noise for people.
        (#"\s*[\(\[]?(request[ _-]?id|trace[ _-]?id)\s*[:=]\s*[A-Za-z0-9_\-]+[\)\]]?"#, ""),
        (#"\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]+"#, "$1 \(placeholder)"),
        (#"\b(api[ _-]?key|access[ _-]?key|secret|token|password|passwd|authorization|auth)(["']?\s*[:=]\s*["']?)[^\s"',;&]+"#,
         "$1$2\(placeholder)"),
        (#"\b(sk|pk|rk|ak)[-_][A-Za-z0-9_\-]{8,}"#, placeholder),
        // 32+ characters of key alphabet with both letters and digits: an opaque token.
        (#"(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}"#, placeholder),
    ]

    /// Replaces every run of `minimumFragment` or more bytes that also occurs in `secret`.
    package static func removeFragments(of secret: [UInt8], from text: String) -> String {
        let t = Array(text.utf8)
        guard t.count >= minimumFragment else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var i = 0
        while i < t.count {
            let run = longestRun(in: t, at: i, of: secret)
            if run >= minimumFragment {
                out += Array(placeholder.utf8)
                i += run
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The longest prefix of `t[i...]` that occurs somewhere in `secret`.
    private static func longestRun(in t: [UInt8], at i: Int, of secret: [UInt8]) -> Int {
        var best = 0
        for start in secret.indices where secret[start] == t[i] {
            var n = 0
            while i + n < t.count, start + n < secret.count, t[i + n] == secret[start + n] { n += 1 }
            best = max(best, n)
        }
        return best
    }
}
