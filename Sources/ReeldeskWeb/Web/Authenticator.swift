import ReeldeskStore
import ReeldeskSystem
import SQLite
import WebCore

/// The session cookie: `__Host-rd_session` over HTTPS (Secure, Path=/, no Domain: bound to this
/// host), `rd_session` over plain HTTP, where browsers refuse the prefix. HttpOnly, SameSite=Lax.
package struct SessionCookie: Sendable {
    package let secure: Bool
    package let lifetime: Double

    package var name: String { secure ? "__Host-rd_session" : "rd_session" }

    package func set(_ token: String) -> String {
        Cookies.setCookie(name: name, value: token, maxAge: Int(lifetime), secure: secure, httpOnly: true, sameSite: "Lax")
    }

    package func clear() -> String {
        Cookies.setCookie(name: name, value: "", maxAge: 0, secure: secure, httpOnly: true, sameSite: "Lax")
    }

    package init(secure: Bool, lifetime: Double) {
        self.secure = secure
        self.lifetime = lifetime
    }
}

/// Who is asking: the account named by the trusted header (when a fronting auth proxy is
/// configured), else the account of a live session cookie, else nobody.
package struct Authenticator {
    package let config: Config
    package let cookie: SessionCookie

    /// The viewer and the value their form tokens are bound to (nil: the browser's nonce cookie).
    /// A database that cannot answer is a 503, never a silent sign-out (a page would show the
    /// sign-in form to someone signed in, and an API client would read 401 and drop its token).
    package func identify(_ raw: Request, db: Database?) throws(HTTPError) -> (viewer: Viewer, csrfBinding: String?) {
        guard let db else { return (.anonymous, nil) }
        do {
            return try lookUp(raw, db: db)
        } catch {
            throw HTTPError(.serviceUnavailable, "Reeldesk cannot check who you are right now. Try again in a moment.", detail: "identify: \(error)")
        }
    }

    private func lookUp(_ raw: Request, db: Database) throws -> (viewer: Viewer, csrfBinding: String?) {
        // Scripts: a personal token, on the JSON API only (a page never takes one).
        if raw.path.hasPrefix("/api/"), let value = raw.headers["Authorization"] {
            guard value.hasPrefix("Bearer "), let account = try APITokens(db: db).resolve(String(value.dropFirst(7))) else {
                return (.anonymous, nil)
            }
            return (Viewer(account: account, sessionID: nil, byToken: true), nil)
        }
        if let header = config.trustedUserHeader {
            // Behind the proxy the header is the only way in: it is set (and overwritten) by nginx.
            guard let name = raw.headers[header], Account.isValidName(name),
                  let account = try AccountStore(db: db).find(name: name), !account.disabled else { return (.anonymous, nil) }
            return (Viewer(account: account, sessionID: nil), nil)
        }
        guard let token = raw.cookies[cookie.name], let signedIn = try sessions(db).resolve(token) else { return (.anonymous, nil) }
        return (Viewer(account: signedIn.account, sessionID: signedIn.sessionID), "session:" + SessionStore.hash(token))
    }

    package func sessions(_ db: Database) -> SessionStore {
        SessionStore(db: db, lifetime: config.sessionLifetimeSeconds, idle: config.sessionIdleSeconds)
    }
}
