import Foundation
import ReeldeskStore
import SQLite
import WebCore

/// Signing in and out. An unknown name, a wrong password and a disabled account get the same
/// page after the same work (one Argon2 verification), so the page tells nobody which names
/// exist. Guessing is throttled per account and per address (`LoginThrottle`).
package struct AuthHandlers {
    package let context: AppContext
    package let db: Database
    package let pages: PageRenderer

    package static let wrongCredentials = "That name and password do not match an account that can sign in."
    package static let throttled = "Too many sign-in attempts. Wait a minute, then try again."

    /// GET /login.
    package func form(_ request: RequestContext) throws -> Response {
        let next = Self.safeNext(request.queryItems["next"])
        if request.viewer.isSignedIn { return .redirect(to: next) }
        return try render(request, name: "", next: next, error: nil, status: .ok)
    }

    /// POST /login: a new session (rotated: the browser's old one, if any, ends), then back to
    /// where the person was going.
    package func login(_ request: RequestContext) throws -> Response {
        let form = request.form
        let name = String((form["name"] ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let password = form["password"] ?? ""
        let next = Self.safeNext(form["next"])
        let address = request.remoteAddress
        let throttle = LoginThrottle(db: db)
        let audit = AuditLog(db: db)
        let attempt = Actor(id: nil, name: Self.loggable(name), address: address)

        if try throttle.isThrottled(account: name, address: address) {
            try audit.record(.loginThrottled, by: attempt, subject: Self.loggable(name))
            return try render(request, name: name, next: next, error: Self.throttled, status: .tooManyRequests)
        }
        let hasher = PasswordHasher()
        let account = Account.isValidName(name) ? try AccountStore(db: db).find(name: name) : nil
        var matches = false
        do {
            if let account, let hash = account.passwordHash, password.utf8.count <= PasswordHasher.maxPasswordBytes {
                matches = try hasher.verify(password, against: hash)
            } else {
                _ = try hasher.verify(String(password.prefix(PasswordHasher.maxPasswordBytes)), against: PasswordHasher.decoy)
            }
        } catch is PasswordHasher.Busy {
            throw HTTPError(.serviceUnavailable, "Many people are signing in at once. Try again in a few seconds.")
        }
        guard let account, matches, !account.disabled else {
            try db.writeTransaction {
                try throttle.recordFailure(account: name, address: address)
                try audit.record(.loginFailed, by: attempt, subject: Self.loggable(name))
            }
            context.logger.notice("sign-in refused", metadata: ["rid": "\(request.requestID)", "account": "\(Self.loggable(name))"])
            return try render(request, name: name, next: next, error: Self.wrongCredentials, status: .unauthorized)
        }
        let actor = Actor(id: account.id, name: account.name, address: address)
        let sessions = context.auth.sessions(db)
        // A new hash is made before the transaction: it waits for the hash gate, and the
        // write lock must not wait with it.
        let rehashed = account.passwordHash.flatMap { hasher.needsRehash($0) ? try? hasher.hash(password) : nil }
        let token: String = try db.writeTransaction {
            if let old = request.viewer.sessionID { try sessions.end(old) }
            if let rehashed {
                try AccountStore(db: db).setPasswordHash(rehashed, for: account.id, by: actor, audited: false)
            }
            let made = try sessions.create(userID: account.id)
            try throttle.clear(account: name)
            try audit.record(.login, by: actor)
            return made.token
        }
        context.hub.notify()
        var r = Response.redirect(to: next)
        r.headers.add("Set-Cookie", context.auth.cookie.set(token))
        // A notice left for the browser's previous account is not for this one.
        r.headers.add("Set-Cookie", FlashNotice.clearCookie(secure: context.config.isHTTPS))
        return r
    }

    /// POST /logout: the session ends server-side (its open event streams close) and the
    /// cookie is cleared.
    package func logout(_ request: RequestContext) throws -> Response {
        if let session = request.viewer.sessionID {
            try db.writeTransaction {
                try context.auth.sessions(db).end(session)
                try AuditLog(db: db).record(.logout, by: request.actor)
            }
            context.hub.notify()
        }
        var r = Response.redirect(to: Route.loginForm.path)
        r.headers.add("Set-Cookie", context.auth.cookie.clear())
        return r
    }

    private func render(_ request: RequestContext, name: String, next: String, error: String?, status: HTTPStatus) throws -> Response {
        let page = LoginPageView(name: name, next: next, sso: context.config.trustedUserHeader != nil, error: error)
        return try pages.render("pages/login", title: "Sign in", page, request: request, status: status)
    }

    /// Where to go after signing in: a path on this site only (never `//host` or a scheme).
    package static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.utf8.count <= 512,
              raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" }) else { return "/" }
        return raw
    }

    /// `/login?next=/tasks/4`.
    package static func loginPath(next raw: Request) -> String {
        let target = raw.path + (raw.query.isEmpty ? "" : "?" + raw.query)
        return Route.loginForm.path + (target == "/" ? "" : "?next=" + URLEncodedForm.encode(target))
    }

    /// A typed name as the audit log keeps it: printable, at most 64 characters.
    package static func loggable(_ name: String) -> String {
        String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64).map(Character.init))
    }
}
