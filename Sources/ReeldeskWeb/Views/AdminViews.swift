/// The admin pages: the overview (upstream, spend, settings), accounts, and the audit log.
package struct AdminPageView: Encodable {
    package struct Upstream: Encodable {
        let simulated: Bool
        let url: String
        let alerts: [String]
        let lastFailure: Failure?
    }
    package struct Failure: Encodable { let id, url: String; let message: String?; let at: String }
    package struct SpendRow: Encodable {
        let name, spent, value, max: String
        let budget: String?
        let over: Bool
    }
    package struct Settings: Encodable {
        let teamBudget: String?
        let rateAudio, rateSilent, maxInFlight: String
        let visibilityOptions: [OptionView]
    }

    let upstream: Upstream
    let spendRows: [SpendRow]
    let teamSpent: String
    let teamBudgetText: String
    let settings: Settings
    let month: String
    let notice: String?
}

package struct AdminUsersPageView: Encodable {
    package struct User: Encodable {
        let id, name, displayName, role: String
        let disabled: Bool
        let budget: String?
        let spent, url: String
        let roles: [OptionView]
        let isSelf, ssoOnly: Bool
    }
    package struct ShownPassword: Encodable { let name, password: String }

    let users: [User]
    let roles: [OptionView]
    let notice: String?
    let shownPassword: ShownPassword?
}

package struct AuditPageView: Encodable {
    let entries: [AuditViews.Row]
    let hasEntries: Bool
    let actions: [OptionView]
    let actor, task, since, until: String?
    let csvURL: String
    let olderURL: String?
}

/// /account: who you are, and your API tokens.
package struct AccountPageView: Encodable {
    package struct Token: Encodable { let id, name, created, lastUsed, revokeURL: String }
    package struct NewToken: Encodable { let name, value: String }

    let name, displayName, role: String
    let tokens: [Token]
    let hasTokens: Bool
    let createURL: String
    let canMakeTokens: Bool
    /// Shown this once, right after it was made.
    let newToken: NewToken?
}

/// The sign-in page.
package struct LoginPageView: Encodable {
    let name: String
    let next: String
    let sso: Bool
    let error: String?
}

/// Every error page (pages/error).
package struct ErrorPageView: Encodable {
    let status, reason, message, hint: String
    let showRequestID = true
}
