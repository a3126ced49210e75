import WebCore

/// Cross-site request forgery protection by double submit: a random token lives in an HttpOnly,
/// SameSite=Lax cookie and is repeated in every form; a POST must carry both, equal.
/// (Accounts will bind it to the session; the check stays here.)
enum CSRF {
    static let cookieName = "rd_csrf"
    static let fieldName = "csrf_token"

    /// The browser's token, or a fresh one (then `isNew` so the caller sets the cookie).
    static func token(for request: Request) -> (token: String, isNew: Bool) {
        if let t = request.cookies[cookieName], isWellFormed(t) { return (t, false) }
        return (newToken(), true)
    }

    static func setCookieHeader(_ token: String, secure: Bool) -> String {
        Cookies.setCookie(name: cookieName, value: token, maxAge: 60 * 60 * 24 * 30, secure: secure, httpOnly: true, sameSite: "Lax")
    }

    /// True when the form's token matches the cookie (constant-time comparison).
    static func verify(request: Request, form: FormData) -> Bool {
        guard let cookie = request.cookies[cookieName], isWellFormed(cookie), let field = form[fieldName] else { return false }
        let a = Array(cookie.utf8), b = Array(field.utf8)
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// 256 random bits from the system CSPRNG, as hex.
    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(rng.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    static func isWellFormed(_ t: String) -> Bool {
        t.utf8.count == 64 && t.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
