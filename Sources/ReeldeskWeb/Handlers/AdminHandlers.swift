import Foundation
import ReeldeskDomain
import ReeldeskStore
import SQLite
import WebCore

/// Admin pages: the upstream's state, spend per person this month, team settings and budget,
/// accounts, and the audit log with its CSV export. Every change is audited with the admin's
/// name (in the same transaction as the change).
package struct AdminHandlers {
    package let context: AppContext
    package let db: Database
    package let pages: PageRenderer


    /// GET /admin.
    package func overview(_ request: RequestContext, notice: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let settings = try TeamSettings.load(db, config: context.config)
        let spending = Spending(db: db)
        let rows = try spending.perUser()
        let top = max(rows.map(\.spent).max() ?? 0, rows.compactMap(\.budget).max() ?? 0, 0.01)
        let teamSpent = try spending.spent(owner: nil)
        let lastFailure = try db.prepare("SELECT id, error_message, updated_at FROM tasks WHERE status = 'failed' ORDER BY updated_at DESC LIMIT 1")
            .first { AdminPageView.Failure(id: String($0.int(0)), url: Route.task(id: $0.int(0)).path, message: $0.optionalText(1), at: Formatting.utc($0.double(2))) }
        let page = AdminPageView(
            upstream: .init(simulated: context.config.isSimulated, url: context.config.effectiveUpstreamURL, alerts: try SystemState(db: db).alerts(),
                            lastFailure: lastFailure),
            spendRows: rows.map { r in
                .init(name: r.name, spent: Formatting.usd(r.spent), value: String(format: "%.4f", r.spent), max: String(format: "%.4f", top),
                      budget: r.budget.map(Formatting.usd), over: r.budget.map { r.spent > $0 } ?? false)
            },
            teamSpent: Formatting.usd(teamSpent),
            teamBudgetText: settings.teamMonthlyBudgetUSD.map(Formatting.usd) ?? "none",
            settings: .init(teamBudget: settings.teamMonthlyBudgetUSD.map { String(format: "%.2f", $0) },
                            rateAudio: String(settings.ratePerMillionWithAudio), rateSilent: String(settings.ratePerMillionSilent),
                            maxInFlight: String(settings.maxInFlightPerUser),
                            visibilityOptions: Visibility.allCases.map { OptionView(value: $0.rawValue, selected: $0 == settings.defaultVisibility) }),
            month: Formatting.utc(Spending.monthStart(Date().timeIntervalSince1970)).prefix(7).description,
            notice: notice)
        return try pages.render("pages/admin", title: "Admin", page, request: request, status: status)
    }

    /// POST /admin/settings: default visibility, rates, in-flight cap, team budget.
    package func saveSettings(_ request: RequestContext) throws -> Response {
        let form = try decode(request)
        let old = try TeamSettings.load(db, config: context.config)
        var new = old
        var problems: [String] = []
        if let v = form["default_visibility"] {
            if let vis = Visibility(rawValue: v) { new.defaultVisibility = vis } else { problems.append("Default visibility must be private or team.") }
        }
        func rate(_ field: String, _ label: String) -> Double? {
            guard let raw = form[field]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let d = Double(raw), d.isFinite, d >= 0, d <= 1000 else { problems.append("\(label) must be a number from 0 to 1000."); return nil }
            return d
        }
        if let r = rate("rate_audio", "The rate with audio") { new.ratePerMillionWithAudio = r }
        if let r = rate("rate_silent", "The rate without audio") { new.ratePerMillionSilent = r }
        if let raw = form["max_in_flight"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            if let n = Int(raw), (1...1000).contains(n) { new.maxInFlightPerUser = n } else { problems.append("Tasks in flight per person must be a whole number from 1 to 1000.") }
        }
        switch Self.budget(form["team_budget"]) {
        case .some(.some(let b)): new.teamMonthlyBudgetUSD = b
        case .some(.none): new.teamMonthlyBudgetUSD = nil
        case .none: problems.append("The team budget must be empty (none) or an amount from 0 to 1,000,000 dollars.")
        }
        guard problems.isEmpty else { return try overview(request, notice: problems.joined(separator: " "), status: .unprocessableContent) }
        try new.save(replacing: old, db: db, by: request.actor)
        return Response.redirect(to: Route.admin.path).with(.settingsSaved, secure: context.config.isHTTPS)
    }

    /// GET /admin/users.
    package func users(_ request: RequestContext, notice: String? = nil, shownPassword: (name: String, password: String)? = nil,
               status: HTTPStatus = .ok) throws -> Response {
        let spending = Spending(db: db)
        let accounts = try AccountStore(db: db).list()
        let page = AdminUsersPageView(
            users: try accounts.map { a in
                .init(id: String(a.id), name: a.name, displayName: a.displayName, role: a.role.rawValue, disabled: a.disabled,
                      budget: a.monthlyBudgetUSD.map { String(format: "%.2f", $0) }, spent: Formatting.usd(try spending.spent(owner: a.id)),
                      url: Route.updateUser(id: a.id).path, roles: Role.assignable.map { OptionView(value: $0.rawValue, selected: $0 == a.role) },
                      isSelf: a.id == request.viewer.id, ssoOnly: a.passwordHash == nil)
            },
            roles: Role.assignable.map { OptionView(value: $0.rawValue, selected: $0 == .member) },
            notice: notice, shownPassword: shownPassword.map { .init(name: $0.name, password: $0.password) })
        var r = try pages.render("pages/admin_users", title: "Accounts", page, request: request, status: status)
        if shownPassword != nil { r.headers.set("Cache-Control", "no-store") }
        return r
    }

    /// POST /admin/users: a new account. An empty password field makes a random one, shown once.
    package func addUser(_ request: RequestContext) throws -> Response {
        let form = try decode(request)
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let role = form["role"].flatMap(Role.init(rawValue:)), Role.assignable.contains(role) else {
            return try users(request, notice: "Choose a role: admin, member or viewer.", status: .unprocessableContent)
        }
        var password = form["password"] ?? ""
        let generated = password.isEmpty
        if generated { password = Passwords.random() }
        do {
            try AccountStore.checkPassword(password)
            try AccountStore(db: db).add(name: name, displayName: form["display_name"], role: role,
                                         passwordHash: try PasswordHasher().hash(password), by: request.actor)
        } catch let p as AccountProblem {
            return try users(request, notice: p.message(name: name), status: .unprocessableContent)
        }
        return try users(request, notice: "Account \(name) added.", shownPassword: generated ? (name, password) : nil)
    }

    /// POST /admin/users/{id}: `action` = role, budget, disable, enable or reset (password).
    package func updateUser(_ request: RequestContext, id: Int64) throws -> Response {
        let form = try decode(request)
        let store = AccountStore(db: db)
        guard let account = try store.find(id: id) else { throw HTTPError(.notFound, "There is no account \(id).") }
        let saved: FlashNotice
        do {
            switch form["action"] ?? "" {
            case "role":
                guard let role = form["role"].flatMap(Role.init(rawValue:)), Role.assignable.contains(role) else {
                    return try users(request, notice: "Choose a role: admin, member or viewer.", status: .unprocessableContent)
                }
                try store.setRole(role, for: id, by: request.actor)
                saved = .roleSaved
            case "budget":
                guard let budget = Self.budget(form["budget"]) else {
                    return try users(request, notice: "A budget is empty (none) or an amount from 0 to 1,000,000 dollars.", status: .unprocessableContent)
                }
                try store.setBudget(budget, for: id, by: request.actor)
                saved = .budgetSaved
            case "disable":
                try store.setDisabled(true, for: id, by: request.actor)
                saved = .accountDisabled
            case "enable":
                try store.setDisabled(false, for: id, by: request.actor)
                saved = .accountEnabled
            case "reset":
                let password = Passwords.random()
                try store.setPasswordHash(try PasswordHasher().hash(password), for: id, by: request.actor)
                context.hub.notify()
                return try users(request, notice: "New password for \(account.name); their sessions ended.", shownPassword: (account.name, password))
            default:
                throw HTTPError(.badRequest, "Unknown account action.")
            }
        } catch let p as AccountProblem {
            return try users(request, notice: p.message(name: account.name), status: .unprocessableContent)
        }
        context.hub.notify()
        return Response.redirect(to: Route.adminUsers.path).with(saved, secure: context.config.isHTTPS)
    }

    /// GET /admin/audit?actor=&action=&task=&since=YYYY-MM-DD&until=YYYY-MM-DD&before=ID.
    package func audit(_ request: RequestContext) throws -> Response {
        let q = request.queryItems
        let asked = try AuditQuery.parse(q)
        let (filter, before) = (asked.filter, asked.before)
        let rows = try AuditLog(db: db).entries(filter, before: before, limit: 101)
        let shown = rows.prefix(100)
        var older: String?
        if rows.count > 100, let last = shown.last {
            var items = q.fields.filter { $0.name != "before" }.map { ($0.name, $0.value) }
            items.append(("before", String(last.id)))
            older = Route.audit.path + "?" + items.map { "\(URLEncodedForm.encode($0.0))=\(URLEncodedForm.encode($0.1))" }.joined(separator: "&")
        }
        let page = AuditPageView(
            entries: shown.map(AuditViews.Row.init), hasEntries: !shown.isEmpty,
            actions: AuditAction.allCases.map { OptionView(value: $0.rawValue, selected: $0.rawValue == filter.action) },
            // A day field shows only a day: anything else was not used as one either.
            actor: filter.actor, task: filter.taskID.map(String.init), since: asked.since, until: asked.until,
            csvURL: Route.auditCSV.path + (request.query.isEmpty ? "" : "?" + request.query), olderURL: older)
        return try pages.render("pages/admin_audit", title: "Audit log", page, request: request)
    }

    /// GET /admin/audit.csv: the filtered log as CSV (UTF-8 with a BOM, so spreadsheets read
    /// Chinese prompts and names correctly), newest first.
    package func auditCSV(_ request: RequestContext) throws -> Response {
        let filter = try AuditQuery.parse(request.queryItems).filter
        let rows = try AuditLog(db: db).entries(filter, limit: 1_000_000)
        var h = HTTPHeaders()
        h.add("Content-Type", "text/csv; charset=utf-8")
        h.add("Content-Disposition", "attachment; filename=\"reeldesk-audit.csv\"")
        h.add("Cache-Control", "no-store")
        return Response(status: .ok, headers: h, body: .bytes(AuditCSV.encode(rows, prompts: try prompts(for: rows))))
    }

    /// The prompts of the tasks the rows name (still existing ones), for the CSV.
    private func prompts(for rows: [AuditEntry]) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        let stmt = try db.prepare("SELECT prompt FROM tasks WHERE id = ?")
        for id in Set(rows.compactMap(\.taskID)) {
            if let p = try stmt.bind(id).first({ $0.text(0) }) { out[id] = p }
        }
        return out
    }

    private func decode(_ request: RequestContext) throws -> FormData { request.form }

    /// `.some(nil)` for empty (no budget), `.some(amount)`, or nil when invalid.
    package static func budget(_ raw: String?) -> Double?? {
        let s = (raw ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "$", with: "")
        if s.isEmpty { return .some(nil) }
        guard let d = Double(s), d.isFinite, d >= 0, d <= 1_000_000 else { return nil }
        return .some(d)
    }
}

extension AccountProblem {
    package func message(name: String) -> String {
        switch self {
        case .invalidName: "An account name (to sign in) is 1–32 characters from A–Z, a–z, digits, dots, dashes and underscores, starting with a letter or digit. A name in another script (王小明) goes in the display name."
        case .nameTaken: "There is already an account called \(name)."
        case .notFound: "There is no such account."
        case .passwordTooShort: "Passwords need at least \(AccountStore.minPasswordLength) characters."
        case .passwordTooLong: "Passwords may be at most \(PasswordHasher.maxPasswordBytes) bytes."
        case .lastAdmin: "\(name) is the last enabled admin; make someone else an admin first."
        }
    }
}
