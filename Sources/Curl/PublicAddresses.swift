import CCurl
import Foundation

/// Resolves a URL's host the way libcurl will and tells whether every address is public.
enum PublicAddresses {
    /// The host of an http(s) URL (brackets of an IPv6 literal removed), or nil.
    static func host(of url: String) -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// True when `host` resolves and none of its addresses is loopback, private, link-local or
    /// reserved; a name that does not resolve is left to libcurl (it reports that itself).
    static func allPublic(_ host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return true }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let e = entry {
            guard let address = e.pointee.ai_addr, rd_is_private_sockaddr(address) == 0 else { return false }
            entry = e.pointee.ai_next
        }
        return true
    }
}
