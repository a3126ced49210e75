import Foundation
import ReeldeskStore

/// The audit log as people read it: one table row per entry, and the CSV export.
package enum AuditViews {
    /// Words for each action code.
    package static func label(_ action: String) -> String {
        switch AuditAction(rawValue: action) {
        case .login: "signed in"
        case .logout: "signed out"
        case .loginFailed: "sign-in failed"
        case .loginThrottled: "sign-in throttled"
        case .taskSubmit: "submitted"
        case .taskRemix: "remixed"
        case .taskRegenerate: "regenerated"
        case .taskRetry: "retried"
        case .taskCancel: "cancelled"
        case .taskDelete: "deleted"
        case .taskVisibility: "changed visibility"
        case .taskTags: "changed tags"
        case .tokenCreate: "made an API token"
        case .tokenRevoke: "revoked an API token"
        case .submitRefused: "submission refused"
        case .userAdd: "added account"
        case .userRole: "changed role"
        case .userDisable: "disabled account"
        case .userEnable: "enabled account"
        case .userPassword: "reset password"
        case .budgetSet: "set budget"
        case .settingSet: "changed setting"
        case nil: action
        }
    }

    /// One entry of the log's table.
    package struct Row: Encodable {
        let id, at, atISO: String
        let actor: String?
        let action, label: String
        let subject, address, detail, cost, hash: String?
        let task, taskURL: String?

        package init(_ e: AuditEntry) {
            id = String(e.id)
            at = Formatting.utc(e.at)
            atISO = Formatting.iso(e.at)
            actor = e.actorName
            action = e.action
            label = AuditViews.label(e.action)
            subject = e.subject
            address = e.address
            detail = e.detail
            cost = e.costUSD.map(Formatting.usd)
            hash = e.paramsHash.map { String($0.prefix(12)) }
            task = e.taskID.map { String($0) }
            taskURL = e.taskID.map { Route.task(id: $0).path }
        }
    }
}

/// RFC 4180 CSV of audit entries: UTF-8 with a byte-order mark (spreadsheets then read Chinese
/// text correctly), CRLF line ends, every field quoted. Cells that a spreadsheet would run as a
/// formula (starting with = + - @ or a tab) get a leading apostrophe.
package enum AuditCSV {
    package static let columns = ["id", "time_utc", "actor", "action", "task_id", "subject", "prompt", "params_sha256", "cost_usd", "detail", "address"]

    package static func encode(_ rows: [AuditEntry], prompts: [Int64: String]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out += Array((columns.map(quote).joined(separator: ",") + "\r\n").utf8)
        for e in rows {
            let cells = [
                String(e.id), Formatting.iso(e.at), e.actorName ?? "", e.action, e.taskID.map(String.init) ?? "", e.subject ?? "",
                e.taskID.flatMap { prompts[$0] } ?? "", e.paramsHash ?? "", e.costUSD.map { String(format: "%.4f", $0) } ?? "",
                e.detail ?? "", e.address ?? "",
            ]
            out += Array((cells.map(quote).joined(separator: ",") + "\r\n").utf8)
        }
        return out
    }

    package static func quote(_ s: String) -> String {
        var v = s
        if let first = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { v = "'" + v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
