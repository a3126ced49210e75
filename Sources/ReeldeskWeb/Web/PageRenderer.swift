import ReeldeskStore
import SQLite
import WebCore

/// Renders a page template inside the layout with what every page needs: the CSRF token (and
/// its cookie when new), the simulator badge, and the security headers.
package struct PageRenderer {
    package let context: AppContext
    /// For the banners everyone sees (bad key, no balance); nil on error pages.
    package var db: Database? = nil

    /// Content-Security-Policy: our own scripts and styles only; images may come from anywhere
    /// (frame URLs are typed by people); no framing.
    package static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob: http: https:; media-src 'self'; style-src 'self'; script-src 'self'; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    package func render(_ template: String, title: String, _ page: [String: Any], request: RequestContext,
                status: HTTPStatus = .ok, lastEventID: Int64? = nil) throws -> Response {
        let (nonce, isNew) = (request.csrfNonce, request.csrfNonceIsNew)
        var d = page
        d.merge(PortalURLs.layout) { mine, _ in mine }
        d["page_title"] = title
        d["csrf_token"] = context.csrf.token(forNonce: nonce)
        d["simulated"] = context.config.isSimulated
        d["request_id"] = request.requestID
        d["last_event_id"] = lastEventID.map { String($0) } ?? ""
        d["viewer_id"] = String(request.viewer.id)
        if let account = request.viewer.account {
            d["viewer"] = [
                "display_name": account.displayName, "role": account.role.rawValue, "is_admin": account.role == .admin,
                "can_submit": account.role >= .member, "can_sign_out": request.viewer.sessionID != nil,
            ] as [String: Any]
        }
        if let db, let alerts = try? SystemState(db: db).alerts(), !alerts.isEmpty { d["alerts"] = alerts }
        let flash = request.request.cookies[FlashNotice.cookieName]
        if let notice = FlashNotice.parse(flash) { d["flash"] = notice.message }
        var response = Response.html(try context.views.render(template, d), status: status)
        // Shown once: this answer clears it (a value that names no notice too).
        if flash != nil { response.headers.add("Set-Cookie", FlashNotice.clearCookie(secure: context.config.isHTTPS)) }
        if isNew { response.headers.add("Set-Cookie", CSRF.setCookieHeader(nonce, secure: context.config.isHTTPS)) }
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    package static func addSecurityHeaders(_ h: inout HTTPHeaders) {
        h.set("Cache-Control", "no-store")
        h.set("X-Content-Type-Options", "nosniff")
        h.set("Referrer-Policy", "same-origin")
        h.set("X-Frame-Options", "DENY")
        h.set("Content-Security-Policy", contentSecurityPolicy)
    }
}
