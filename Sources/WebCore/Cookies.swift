/// Cookie header parsing and `Set-Cookie` building (RFC 6265).
public enum Cookies {
    /// Parses `a=1; b=2`. Pairs without `=` or with an empty name are skipped; the first of
    /// duplicate names wins (browsers send the most specific path first).
    public static func parse(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in header.split(separator: ";") {
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<eq].trimmingSpaces()
            var value = pair[pair.index(after: eq)...].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            if name.isEmpty || result[name] != nil { continue }
            result[name] = value
        }
        return result
    }

    /// A `Set-Cookie` value with safe defaults: HttpOnly, SameSite=Lax, Path=/.
    public static func setCookie(name: String, value: String, maxAge: Int? = nil, secure: Bool = false,
                                 httpOnly: Bool = true, sameSite: String = "Lax") -> String {
        var parts = ["\(name)=\(value)", "Path=/", "SameSite=\(sameSite)"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}
