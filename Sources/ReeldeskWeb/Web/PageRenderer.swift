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

    package func render(_ template: String, title: String, _ page: some Encodable, request: RequestContext,
                        status: HTTPStatus = .ok, lastEventID: Int64? = nil) throws -> Response {
        try respond(request, status: status) { layout in try context.views.render(template, page, layout: layout) } layout: {
            self.layout(title: title, request: request, lastEventID: lastEventID)
        }
    }

    private func layout(title: String, request: RequestContext, lastEventID: Int64?) -> LayoutView {
        let viewer = request.viewer.account.map { a in
            LayoutView.Viewer(displayName: a.displayName, role: a.role.rawValue, isAdmin: a.role == .admin, canSubmit: a.role >= .member,
                              canSignOut: request.viewer.sessionID != nil)
        }
        let alerts = db.flatMap { try? SystemState(db: $0).alerts() } ?? []
        return LayoutView(
            pageTitle: title, csrfToken: context.csrf.token(forNonce: request.csrfNonce), simulated: context.config.isSimulated,
            requestID: request.requestID, lastEventID: lastEventID.map { String($0) }, viewerID: String(request.viewer.id),
            viewer: viewer, alerts: alerts, flash: FlashNotice.parse(request.request.cookies[FlashNotice.cookieName])?.message)
    }

    private func respond(_ request: RequestContext, status: HTTPStatus, render: (LayoutView) throws -> String,
                         layout: () -> LayoutView) throws -> Response {
        var response = Response.html(try render(layout()), status: status)
        // Shown once: this answer clears it (a value that names no notice too).
        if request.request.cookies[FlashNotice.cookieName] != nil {
            response.headers.add("Set-Cookie", FlashNotice.clearCookie(secure: context.config.isHTTPS))
        }
        if request.csrfNonceIsNew { response.headers.add("Set-Cookie", CSRF.setCookieHeader(request.csrfNonce, secure: context.config.isHTTPS)) }
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
