import ReeldeskDomain
import ReeldeskStore
import WebCore

/// A one-time notice for the page a redirect lands on ("Settings saved."): set as a short-lived
/// cookie with the redirect, shown once by the next page (announced to screen readers with
/// role="status") and cleared in the same answer. The cookie holds a code and at most a number,
/// never words, so nothing a client sends can put text on a page.
package enum FlashNotice: Equatable {
    case settingsSaved
    case roleSaved, budgetSaved, accountDisabled, accountEnabled
    case taskDeleted(Int64)
    case tokenRevoked

    package static let cookieName = "rd_notice"

    /// The cookie's value: `code` or `code.N`.
    package var code: String {
        switch self {
        case .settingsSaved: "settings"
        case .roleSaved: "role"
        case .budgetSaved: "budget"
        case .accountDisabled: "disabled"
        case .accountEnabled: "enabled"
        case .taskDeleted(let id): "deleted.\(id)"
        case .tokenRevoked: "token"
        }
    }

    /// The notice a cookie value names; nil for anything else.
    package static func parse(_ raw: String?) -> FlashNotice? {
        guard let raw, raw.utf8.count <= 40 else { return nil }
        switch raw {
        case "settings": return .settingsSaved
        case "role": return .roleSaved
        case "budget": return .budgetSaved
        case "disabled": return .accountDisabled
        case "enabled": return .accountEnabled
        case "token": return .tokenRevoked
        default:
            guard raw.hasPrefix("deleted."), let id = Int64(raw.dropFirst(8)), id > 0 else { return nil }
            return .taskDeleted(id)
        }
    }

    /// What the page says.
    package var message: String {
        switch self {
        case .settingsSaved: "Settings saved."
        case .roleSaved: "Role saved."
        case .budgetSaved: "Budget saved."
        case .accountDisabled: "Account disabled: its sessions, live updates and API tokens ended."
        case .accountEnabled: "Account enabled. Its old API tokens stay revoked; it can make new ones."
        case .taskDeleted(let id): "Task \(id) was deleted, with its video, poster and uploaded frames."
        case .tokenRevoked: "Token revoked: scripts using it are refused from now on."
        }
    }

    package func setCookie(secure: Bool) -> String {
        Cookies.setCookie(name: Self.cookieName, value: code, maxAge: 60, secure: secure, httpOnly: true, sameSite: "Lax")
    }

    package static func clearCookie(secure: Bool) -> String {
        Cookies.setCookie(name: cookieName, value: "", maxAge: 0, secure: secure, httpOnly: true, sameSite: "Lax")
    }
}

extension Response {
    /// This redirect, with a notice for the page it lands on.
    package func with(_ notice: FlashNotice, secure: Bool) -> Response {
        var r = self
        r.headers.add("Set-Cookie", notice.setCookie(secure: secure))
        return r
    }
}
