import Foundation
import WebCore

/// Cross-site request forgery protection. Each browser gets a random nonce in an HttpOnly,
/// SameSite=Lax cookie; forms carry HMAC-SHA256(server secret, nonce). An attacker who can plant
/// a cookie still cannot make a matching token without the secret kept in the data dir.
/// Signed in with a password, tokens are bound to the session instead (HMAC of the session's
/// hash), so a token from before a login, or from another session, is refused.
///
/// A POST passes `precheck` (cheap: origin, content type, cookie) before its body is decoded,
/// and `require` (the token) after.
struct CSRF: Sendable {
    static let cookieName = "rd_csrf"
    static let fieldName = "csrf_token"

    let secret: [UInt8]
    /// The portal's own origin (`scheme://host[:port]` of REELDESK_PUBLIC_URL).
    let publicOrigin: String
    /// The session cookie's name: a POST must carry it or the nonce cookie.
    let sessionCookieName: String

    /// The browser's nonce, or a fresh one (then `isNew` so the caller sets the cookie).
    func nonce(for request: Request) -> (nonce: String, isNew: Bool) {
        if let t = request.cookies[Self.cookieName], Self.isWellFormed(t) { return (t, false) }
        return (RandomHex.make(bytes: 32), true)
    }

    /// The token forms carry for `nonce`.
    func token(forNonce nonce: String) -> String {
        SHA256.hex(SHA256.hmac(key: secret, message: Array("csrf:\(nonce)".utf8)))
    }

    static func setCookieHeader(_ nonce: String, secure: Bool) -> String {
        Cookies.setCookie(name: cookieName, value: nonce, maxAge: 60 * 60 * 24 * 30, secure: secure, httpOnly: true, sameSite: "Lax")
    }

    /// Refuses, before any decoding, a POST from another site (by `Origin`, else by
    /// `Sec-Fetch-Site`), a body that is not a form, and a browser without a nonce cookie.
    func precheck(_ request: Request) throws {
        if let origin = request.headers["Origin"] {
            guard isOwnOrigin(origin, host: request.headers["Host"]) else {
                throw HTTPError(.forbidden, "This form was sent from another site (\(origin.prefix(100))).")
            }
        } else if let site = request.headers["Sec-Fetch-Site"], site != "same-origin", site != "none" {
            throw HTTPError(.forbidden, "This form was sent from another site.")
        }
        let type = request.mediaType
        guard type == "application/x-www-form-urlencoded" || type == "multipart/form-data" || (type.isEmpty && request.body.isEmpty) else {
            throw HTTPError(.unsupportedMediaType, "Forms must be sent as application/x-www-form-urlencoded or multipart/form-data.")
        }
        let cookies = request.cookies
        let hasNonce = cookies[Self.cookieName].map(Self.isWellFormed) ?? false
        guard hasNonce || cookies[sessionCookieName] != nil else {
            throw HTTPError(.forbidden, "The form's security token is missing or does not match.")
        }
    }

    /// Throws 403 unless the form's token is the HMAC of this request's nonce (`RequestContext`).
    func require(nonce: String, form: FormData) throws {
        guard verify(nonce: nonce, form: form) else {
            throw HTTPError(.forbidden, "The form's security token is missing or does not match.")
        }
    }

    /// True when the form's token matches the nonce (constant-time comparison).
    func verify(nonce: String, form: FormData) -> Bool {
        guard let field = form[Self.fieldName] else { return false }
        return SHA256.constantTimeEquals(token(forNonce: nonce), field)
    }

    /// The public URL's origin, or the origin the browser addressed (`Host`, any scheme).
    func isOwnOrigin(_ origin: String, host: String?) -> Bool {
        let o = origin.lowercased()
        if o == publicOrigin.lowercased() { return true }
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        return o == "http://\(host)" || o == "https://\(host)"
    }

    static func isWellFormed(_ t: String) -> Bool { RandomHex.isHex(t, length: 64) }

    /// `scheme://host[:port]` of a URL.
    static func origin(of url: String) -> String {
        guard let u = URLComponents(string: url), let scheme = u.scheme, let host = u.host else { return "" }
        return "\(scheme)://\(host)" + (u.port.map { ":\($0)" } ?? "")
    }
}

/// Unguessable identifiers from the system CSPRNG (`getrandom` on Linux), as lowercase hex.
enum RandomHex {
    static func make(bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return SHA256.hex((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// True for exactly `length` lowercase hex digits (the shape `make` produces).
    static func isHex<S: StringProtocol>(_ s: S, length: Int) -> Bool {
        s.utf8.count == length && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

/// The server's signing secret: 32 random bytes in `secret.key` in the data dir (mode 0600),
/// made on first start and kept, so tokens survive restarts.
enum ServerSecret {
    static func loadOrCreate(path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "\(path) is not a 32-byte secret; delete it to make a new one") }
            return Array(data)
        }
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes), attributes: [.posixPermissions: 0o600]),
              rename(tmp, path) == 0 else {
            throw ConfigError(variable: "REELDESK_DATA_DIR", reason: "cannot write \(path)")
        }
        return bytes
    }
}
