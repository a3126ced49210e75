import Foundation
import Hashing
import ReeldeskDomain
import WebCore

/// Cross-site request forgery protection. Each browser gets a random nonce in an HttpOnly,
/// SameSite=Lax cookie; forms carry HMAC-SHA256(server secret, nonce). An attacker who can plant
/// a cookie still cannot make a matching token without the secret kept in the data dir.
/// Signed in with a password, tokens are bound to the session instead (HMAC of the session's
/// hash), so a token from before a login, or from another session, is refused.
///
/// A POST passes `precheck` (cheap: origin, content type, cookie) before its body is decoded,
/// and `require` (the token) after.
package struct CSRF: Sendable {
    package static let cookieName = "rd_csrf"
    package static let fieldName = "csrf_token"

    package let secret: [UInt8]
    /// The portal's own origin (`scheme://host[:port]` of REELDESK_PUBLIC_URL).
    package let publicOrigin: String
    /// The session cookie's name: a POST must carry it or the nonce cookie.
    package let sessionCookieName: String

    /// The browser's nonce, or a fresh one (then `isNew` so the caller sets the cookie).
    package func nonce(for request: Request) -> (nonce: String, isNew: Bool) {
        if let t = request.cookies[Self.cookieName], Self.isWellFormed(t) { return (t, false) }
        return (RandomHex.make(bytes: 32), true)
    }

    /// The token forms carry for `nonce`.
    package func token(forNonce nonce: String) -> String {
        SHA256.hex(SHA256.hmac(key: secret, message: Array("csrf:\(nonce)".utf8)))
    }

    package static func setCookieHeader(_ nonce: String, secure: Bool) -> String {
        Cookies.setCookie(name: cookieName, value: nonce, maxAge: 60 * 60 * 24 * 30, secure: secure, httpOnly: true, sameSite: "Lax")
    }

    /// Refuses, before any decoding, a POST from another site (by `Origin`, else by
    /// `Sec-Fetch-Site`), a body that is not a form, and a browser without a nonce cookie.
    package func precheck(_ request: Request) throws {
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
    package func require(nonce: String, form: FormData) throws {
        guard verify(nonce: nonce, form: form) else {
            throw HTTPError(.forbidden, "The form's security token is missing or does not match.")
        }
    }

    /// True when the form's token matches the nonce (constant-time comparison).
    package func verify(nonce: String, form: FormData) -> Bool {
        guard let field = form[Self.fieldName] else { return false }
        return SHA256.constantTimeEquals(token(forNonce: nonce), field)
    }

    /// The public URL's origin, or the origin the browser addressed (`Host`, any scheme).
    package func isOwnOrigin(_ origin: String, host: String?) -> Bool {
        let o = origin.lowercased()
        if o == publicOrigin.lowercased() { return true }
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        return o == "http://\(host)" || o == "https://\(host)"
    }

    package static func isWellFormed(_ t: String) -> Bool { RandomHex.isHex(t, length: 64) }

    /// `scheme://host[:port]` of a URL.
    package static func origin(of url: String) -> String {
        guard let u = URLComponents(string: url), let scheme = u.scheme, let host = u.host else { return "" }
        return "\(scheme)://\(host)" + (u.port.map { ":\($0)" } ?? "")
    }

    package init(secret: [UInt8], publicOrigin: String, sessionCookieName: String) {
        self.secret = secret
        self.publicOrigin = publicOrigin
        self.sessionCookieName = sessionCookieName
    }
}

