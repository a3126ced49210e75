import Foundation
import ReeldeskStore
import SQLite
import WebCore

/// /account: who you are, and your API tokens (made here, shown once, revoked here).
package struct AccountHandlers {
    package let context: AppContext
    package let db: Database
    package let pages: PageRenderer

    package func show(_ request: RequestContext, newToken: (name: String, value: String)? = nil, status: HTTPStatus = .ok) throws -> Response {
        guard let account = request.viewer.account else { throw HTTPError(.unauthorized, "Sign in first.") }
        let tokens = try APITokens(db: db).live(userID: account.id).map { t in
            AccountPageView.Token(id: String(t.id), name: t.name, created: Formatting.utc(t.createdAt),
                                  lastUsed: t.lastUsedAt.map(Formatting.utc) ?? "never", revokeURL: Route.revokeToken(id: t.id).path)
        }
        let page = AccountPageView(
            name: account.name, displayName: account.displayName, role: account.role.rawValue, tokens: tokens, hasTokens: !tokens.isEmpty,
            createURL: Route.createToken.path, canMakeTokens: tokens.count < APITokens.maxPerAccount,
            newToken: newToken.map { .init(name: $0.name, value: $0.value) })
        return try pages.render("pages/account", title: "Your account", page, request: request, status: status)
    }

    /// POST /account/tokens: a new token, shown on the page this once.
    package func createToken(_ request: RequestContext) throws -> Response {
        let form = request.form
        guard let account = request.viewer.account else { throw HTTPError(.unauthorized, "Sign in first.") }
        let name = String((form["name"] ?? "").trimmingCharacters(in: .whitespaces).prefix(60))
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw HTTPError(.unprocessableContent, "Name the token (what will use it), up to 60 characters.")
        }
        let tokens = APITokens(db: db)
        guard try tokens.live(userID: account.id).count < APITokens.maxPerAccount else {
            throw HTTPError(.unprocessableContent, "You have \(APITokens.maxPerAccount) tokens; revoke one first.")
        }
        let made = try db.writeTransaction {
            let made = try tokens.create(userID: account.id, name: name)
            try AuditLog(db: db).record(.tokenCreate, by: request.actor, taskID: nil, detail: ["token": String(made.id)])
            return made
        }
        return try show(request, newToken: (name, made.token))
    }

    /// POST /account/tokens/{id}/revoke: one of your own tokens.
    package func revokeToken(_ request: RequestContext, id: Int64) throws -> Response {
        guard let account = request.viewer.account else { throw HTTPError(.unauthorized, "Sign in first.") }
        let revoked = try db.writeTransaction {
            let revoked = try APITokens(db: db).revoke(id: id, userID: account.id)
            if revoked { try AuditLog(db: db).record(.tokenRevoke, by: request.actor, taskID: nil, detail: ["token": String(id)]) }
            return revoked
        }
        guard revoked else { throw HTTPError(.notFound, "You have no token \(id).") }
        return Response.redirect(to: Route.account.path).with(.tokenRevoked, secure: context.config.isHTTPS)
    }
}
