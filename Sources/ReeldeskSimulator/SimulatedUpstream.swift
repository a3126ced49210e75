import FastCGI
import Foundation
import Logging
import ReeldeskSystem
import WebCore

/// What all simulator threads share.
package struct SimulatorContext: Sendable {
    package let config: Config
    package let settings: SimulatorSettings
    package let faults: SimulatorFaults
    package let logger: Logger
    package var filesDir: String { config.simulatorDir + "/files" }
    package var databasePath: String { config.simulatorDir + "/simulator.sqlite3" }
    package var baseURL: String { "http://127.0.0.1:\(config.simulatorPort)" }
}

/// The simulator's HTTP surface: the two upstream endpoints (CONTRACT.md §1–2) with their
/// documented shapes, the result files (which stop being served at `expires_at`), and two test
/// hooks: `POST /__sim/faults` and `GET /__sim/stats`.
package final class SimulatedUpstream: Responder {
    package let context: SimulatorContext
    private var storage: SimulatorStore?

    package init(context: SimulatorContext) { self.context = context }

    package func store() throws -> SimulatorStore {
        if let storage { return storage }
        let s = try SimulatorStore(path: context.databasePath)
        storage = s
        return s
    }

    package func respond(to request: Request) -> Response {
        do {
            let parts = request.path.split(separator: "/").map(String.init)
            switch (request.method, parts.count) {
            case (.post, 3) where parts == ["v1", "videos", "generations"]: return try submit(request)
            case (.get, 3) where parts[0] == "v1" && parts[1] == "tasks": return try status(request, id: parts[2])
            case (.get, 2) where parts[0] == "files": return try file(parts[1])
            case (.post, 2) where parts == ["__sim", "faults"]: return setFaults(request)
            case (.get, 2) where parts == ["__sim", "stats"]: return try stats(task: request.queryItems["task"])
            default: return failure(SimulatorFailure(status: 404, type: "not_found", message: "no such endpoint"))
            }
        } catch let f as SimulatorFailure {
            return failure(f)
        } catch is MalformedAnswer {
            return malformed()
        } catch {
            context.logger.error("simulator error", metadata: ["error": "\(error)"])
            return failure(SimulatorFailure(status: 500, type: "server_error", message: "internal error"))
        }
    }

    package func errorResponse(_ status: HTTPStatus, requestID: String, path: String) -> Response {
        failure(SimulatorFailure(status: status.code, type: "invalid_request_error", message: status.reason))
    }

    private func submit(_ request: Request) throws -> Response {
        try authorize(request)
        let accepted = try SimulatedRequest.validate(request.body).get()
        let key = request.headers["Idempotency-Key"]
        try injectFaults(prompt: accepted.prompt, key: key ?? accepted.prompt, submit: true)
        try leakKey(prompt: accepted.prompt, key: key ?? accepted.prompt)
        if SimulatorFaults.has("402", in: accepted.prompt) {
            throw SimulatorFailure(status: 402, type: "payment_required", message: "Insufficient balance; please top up")
        }
        let (id, _) = try store().create(accepted, idempotencyKey: key, now: Date().timeIntervalSince1970)
        return json(["code": 200, "data": [["status": "submitted", "task_id": id]]])
    }

    private func status(_ request: Request, id: String) throws -> Response {
        try authorize(request)
        try store().bump("status:" + id)
        guard let task = try store().find(id) else {
            throw SimulatorFailure(status: 400, type: "invalid_request_error", message: "Invalid task ID")
        }
        try injectFaults(prompt: task.request.prompt, key: id, submit: false)
        if SimulatorFaults.has("malformed", in: task.request.prompt), context.faults.consume("malformed", key: id, limit: 2) {
            return malformed()
        }
        return json(["code": 200, "data": SimulatorStatusView.object(task, context: context)])
    }

    private func file(_ name: String) throws -> Response {
        let id = name.hasSuffix(".mp4") ? String(name.dropLast(4)) : name
        guard let task = try store().find(id), let file = task.file, let expires = task.expiresAt else {
            throw SimulatorFailure(status: 404, type: "not_found", message: "no such file")
        }
        if SimulatorFaults.has("nofile", in: task.request.prompt) {
            throw SimulatorFailure(status: 500, type: "server_error", message: "storage unavailable")
        }
        if Double.random(in: 0..<1) < context.faults.current.fileNotFound {
            try store().bump("fault:file404")
            throw SimulatorFailure(status: 404, type: "not_found", message: "no such file")
        }
        // Compare with the whole second the status call reports, as a client would.
        guard Date().timeIntervalSince1970 < expires.rounded(.down) else {
            throw SimulatorFailure(status: 404, type: "not_found", message: "this link has expired")
        }
        guard let data = FileManager.default.contents(atPath: context.filesDir + "/" + file) else {
            throw SimulatorFailure(status: 404, type: "not_found", message: "file missing")
        }
        var h = HTTPHeaders()
        h.add("Content-Type", "video/mp4")
        return Response(status: .ok, headers: h, body: .bytes(Array(data)))
    }

    private func setFaults(_ request: Request) -> Response {
        guard let rates = SimulatorFaults.Rates.parse(String(decoding: request.body, as: UTF8.self)) else {
            return failure(SimulatorFailure(status: 400, type: "invalid_request_error", message: "faults: expected 429=0.3,500=0.2,…"))
        }
        context.faults.set(rates)
        context.logger.notice("simulator faults set", metadata: ["faults": "\(rates)"])
        return json(["ok": true])
    }

    /// Counters for tests; `?task=ID` adds how many status calls that task has had.
    private func stats(task: String?) throws -> Response {
        var d: [String: Any] = ["submissions": try store().counter("submissions"), "submit_calls": try store().counter("submit_calls"),
                                "pace_429": try store().counter("pace_429"), "calls": try store().counter("calls")]
        if let task { d["status_calls"] = try store().counter("status:" + task) }
        // How often each configured fault fired (prompt words are not counted).
        d["faults"] = try Dictionary(uniqueKeysWithValues: ["429", "500", "slow", "malformed", "402", "file404"].map { ($0, try store().counter("fault:" + $0)) })
        return json(d)
    }

    private func authorize(_ request: Request) throws {
        try store().bump("calls")
        if request.method == .post { try store().bump("submit_calls") }
        guard request.headers["Authorization"] == "Bearer \(context.config.simulatorKey)" else {
            throw SimulatorFailure(status: 401, type: "authentication_error", message: "Authentication failed; check your API key")
        }
    }

    /// Configured rates first, then magic words in the prompt.
    private func injectFaults(prompt: String, key: String, submit: Bool) throws {
        let rates = context.faults.current
        if !context.faults.withinPace(now: Date().timeIntervalSince1970) {
            try store().bump("pace_429")
            throw SimulatorFailure(status: 429, type: "rate_limit_error", message: "Too many requests; please retry later")
        }
        let randomSlow = Double.random(in: 0..<1) < rates.slow
        if randomSlow { try store().bump("fault:slow") }
        if randomSlow || SimulatorFaults.has("slow", in: prompt) { usleep(UInt32(rates.slowSeconds * 1_000_000)) }
        let random429 = Double.random(in: 0..<1) < rates.rateLimited
        if random429 { try store().bump("fault:429") }
        if random429 || (submit && SimulatorFaults.has("429", in: prompt) && context.faults.consume("429", key: key, limit: 3)) {
            throw SimulatorFailure(status: 429, type: "rate_limit_error", message: "Too many requests; please retry later")
        }
        let random500 = Double.random(in: 0..<1) < rates.serverError
        if random500 { try store().bump("fault:500") }
        if random500 || (!submit && SimulatorFaults.has("500", in: prompt) && context.faults.consume("500", key: key, limit: 3)) {
            throw SimulatorFailure(status: 500, type: "server_error", message: "Internal server error; please retry")
        }
        if submit && Double.random(in: 0..<1) < rates.noBalance {
            try store().bump("fault:402")
            throw SimulatorFailure(status: 402, type: "payment_required", message: "Insufficient balance; please top up")
        }
        if Double.random(in: 0..<1) < rates.malformed {
            try store().bump("fault:malformed")
            throw MalformedAnswer()
        }
    }

    /// Upstreams that echo credentials in error messages (seen in the wild): the portal must
    /// scrub them before storing, logging or showing anything.
    private func leakKey(prompt: String, key: String) throws {
        let secret = context.config.simulatorKey
        if SimulatorFaults.has("leak401", in: prompt) {
            throw SimulatorFailure(status: 401, type: "authentication_error", message: "Incorrect API key provided: \(secret). Check your key.")
        }
        if SimulatorFaults.has("leak400", in: prompt) {
            throw SimulatorFailure(status: 400, type: "invalid_request_error", message: "Bad request from Authorization: Bearer \(secret)")
        }
        if SimulatorFaults.has("leak500", in: prompt), context.faults.consume("leak500", key: key, limit: 3) {
            throw SimulatorFailure(status: 500, type: "server_error", message: "internal error while checking key=\(secret)")
        }
    }

    package struct MalformedAnswer: Error {}

    private func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return .json(Array(data))
    }

    private func malformed() -> Response { .json(Array(#"{"code":200,"data":{"id":"task_"#.utf8)) }

    private func failure(_ f: SimulatorFailure) -> Response {
        var r = Response.json(f.json, status: HTTPStatus(f.status))
        if f.status == 429 { r.headers.add("Retry-After", "1") }
        return r
    }
}

/// The status object for a simulated task: state by elapsed time, result once rendered.
package enum SimulatorStatusView {
    package static func object(_ t: SimulatorStore.Task, context: SimulatorContext) -> [String: Any] {
        let seconds = context.settings.seconds
        let now = Date().timeIntervalSince1970
        var d: [String: Any] = ["id": t.id, "created": Int(t.created), "estimated_time": Int(seconds.rounded(.up))]
        switch t.status {
        case "completed":
            d["status"] = "completed"
            d["progress"] = 100
            d["completed"] = Int(t.completed ?? now)
            d["actual_time"] = Int((t.completed ?? now) - t.created)
            // The documented shape: url as an array of strings.
            d["result"] = ["videos": [["url": ["\(context.baseURL)/files/\(t.id).mp4"], "expires_at": Int(t.expiresAt ?? now)]]]
        case "failed":
            d["status"] = "failed"
            d["progress"] = 0
            d["error"] = ["code": 400, "message": t.error ?? "generation failed", "type": "content_policy_violation"]
        default:
            let elapsed = now - t.created
            if SimulatorFaults.has("never", in: t.request.prompt) {
                d["status"] = "processing"
                d["progress"] = 50
            } else if elapsed < seconds * 0.15 {
                d["status"] = "pending"
                d["progress"] = 0
            } else {
                d["status"] = "processing"
                d["progress"] = min(99, max(1, Int(elapsed / seconds * 100)))
            }
        }
        return d
    }
}
