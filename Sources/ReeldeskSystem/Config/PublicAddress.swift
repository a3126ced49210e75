import Foundation

/// Whether a URL's host can be reached from the internet (so the upstream can fetch uploads).
package enum PublicAddress {
    package static func isPublic(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return false }
        if host == "localhost" || host.hasSuffix(".local") || host.hasSuffix(".internal") || host == "::1" || host == "[::1]" { return false }
        let octets = host.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return host.contains(".") }
        switch (octets[0], octets[1]) {
        case (127, _), (10, _), (0, _), (169, 254), (192, 168): return false
        case (172, 16...31): return false
        case (100, 64...127): return false
        default: return true
        }
    }
}
