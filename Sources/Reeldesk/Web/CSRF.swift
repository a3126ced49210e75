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
        return (RandomHex.make(bytes: 32), true)
    }

    static func setCookieHeader(_ token: String, secure: Bool) -> String {
        Cookies.setCookie(name: cookieName, value: token, maxAge: 60 * 60 * 24 * 30, secure: secure, httpOnly: true, sameSite: "Lax")
    }

    /// Throws 403 unless the form's token matches the cookie.
    static func require(request: Request, form: FormData) throws {
        guard verify(request: request, form: form) else {
            throw HTTPError(.forbidden, "The form's security token is missing or does not match.")
        }
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

    static func isWellFormed(_ t: String) -> Bool {
        t.utf8.count == 64 && t.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

/// Unguessable identifiers from the system CSPRNG (`getrandom` on Linux), as lowercase hex.
enum RandomHex {
    static func make(bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        var out = ""
        for _ in 0..<bytes {
            let b = UInt8.random(in: 0...255, using: &rng)
            out += b < 16 ? "0" + String(b, radix: 16) : String(b, radix: 16)
        }
        return out
    }
}
