import Curl
import Foundation
import Hashing
import Logging
import ReeldeskStore
import ReeldeskSystem
import SQLite

/// Posts a JSON summary of each finished task to `REELDESK_WEBHOOK_URL`, from the outbox rows
/// `TaskStore.update` writes when a task ends. Signed: `X-Reeldesk-Signature: sha256=HEX`, the
/// HMAC-SHA256 of `TIMESTAMP.BODY` under `REELDESK_WEBHOOK_SECRET`, with the timestamp in
/// `X-Reeldesk-Timestamp` and the delivery id (the same on every retry) in
/// `X-Reeldesk-Delivery`. Retried with backoff (2 s doubling, at most an hour apart) until a 2xx
/// or `maxAttempts`; a private or loopback address is refused like an image URL.
package struct WebhookSender {
    package let config: Config
    package let db: Database
    package let logger: Logger
    /// The request body for a delivery (the web edge's JSON of the task).
    package let body: @Sendable (_ delivery: Int64, _ task: TaskRecord) throws -> [UInt8]

    package static let maxAttempts = 8
    package static let timeoutMs = 10_000

    /// Delivers what is due; returns how many rows it tried. Without a webhook, news is marked
    /// as not sent: setting one up later does not replay every task ever finished.
    @discardableResult
    package func deliverDue(now: Double = Date().timeIntervalSince1970) throws -> Int {
        guard let url = config.webhookURL, let secret = config.webhookSecret else {
            // A read first: an idle portal must not take the write lock every second for nothing.
            let pending = try db.prepare("SELECT 1 FROM webhook_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL LIMIT 1")
                .first { _ in true } ?? false
            if pending {
                try db.prepare("UPDATE webhook_outbox SET gave_up_at = ?, last_error = 'no webhook configured' WHERE delivered_at IS NULL AND gave_up_at IS NULL")
                    .bind(now).run()
            }
            return 0
        }
        let due = try db.prepare("""
            SELECT id, task_id, attempts FROM webhook_outbox
            WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
            ORDER BY id LIMIT 20
            """).bind(now, now).map { (id: $0.int(0), task: $0.int(1), attempts: Int($0.int(2))) }
        for row in due {
            // One sender per row, even with an old poller still finishing next to a new one.
            try db.prepare("UPDATE webhook_outbox SET claimed_until = ? WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ?)")
                .bind(now + 60, row.id, now).run()
            guard db.changes == 1 else { continue }
            guard let task = try TaskStore(db: db).find(row.task) else {
                try finish(row.id, gaveUp: true, status: nil, error: "task deleted before delivery", now: now)
                continue
            }
            try send(row.id, task: task, attempts: row.attempts, url: url, secret: secret, now: now)
        }
        return due.count
    }

    private func send(_ id: Int64, task: TaskRecord, attempts: Int, url: String, secret: String, now: Double) throws {
        let body = try body(id, task)
        let timestamp = String(Int(now))
        let signature = SHA256.hex(SHA256.hmac(key: Array(secret.utf8), message: Array((timestamp + ".").utf8) + body))
        let headers = ["Content-Type: application/json", "User-Agent: Reeldesk-Webhook/1", "X-Reeldesk-Event: task.finished",
                       "X-Reeldesk-Delivery: \(id)", "X-Reeldesk-Timestamp: \(timestamp)", "X-Reeldesk-Signature: sha256=\(signature)"]
        var problem: String
        var status: Int?
        do {
            let r = try Curl.request(method: "POST", url: url, headers: headers, body: body, timeoutMs: Self.timeoutMs, maxBytes: 64 * 1024,
                                     publicOnly: !(config.isSimulated || config.allowPrivateAddresses))
            if (200..<300).contains(r.status) {
                try finish(id, gaveUp: false, status: r.status, error: nil, now: now)
                logger.info("webhook delivered", metadata: ["task": "\(task.id)", "delivery": "\(id)", "status": "\(r.status)"])
                return
            }
            status = r.status
            problem = "HTTP \(r.status)"
        } catch let e as CurlError where e.isRefusedAddress {
            try finish(id, gaveUp: true, status: nil, error: "refused: a private or local address (REELDESK_ALLOW_PRIVATE_ADDRESSES allows it)", now: now)
            logger.warning("webhook refused: private address", metadata: ["delivery": "\(id)"])
            return
        } catch {
            problem = "\(error)"
        }
        let tries = attempts + 1
        if tries >= Self.maxAttempts {
            try finish(id, gaveUp: true, status: status, error: problem, now: now)
            logger.warning("webhook given up", metadata: ["task": "\(task.id)", "delivery": "\(id)", "tries": "\(tries)", "error": "\(problem)"])
        } else {
            let next = now + min(3600, 2 * pow(2, Double(tries - 1)))
            try db.prepare("UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, claimed_until = NULL, last_status = ?, last_error = ? WHERE id = ?")
                .bind(tries, next, status.map { Int64($0) }, String(problem.prefix(300)), id).run()
            logger.notice("webhook failed; will retry", metadata: ["task": "\(task.id)", "delivery": "\(id)", "tries": "\(tries)", "error": "\(problem)"])
        }
    }

    private func finish(_ id: Int64, gaveUp: Bool, status: Int?, error: String?, now: Double) throws {
        try db.prepare("""
            UPDATE webhook_outbox SET \(gaveUp ? "gave_up_at" : "delivered_at") = ?, attempts = attempts + 1, claimed_until = NULL,
                last_status = ?, last_error = ? WHERE id = ?
            """).bind(now, status.map { Int64($0) }, error, id).run()
    }

    package init(config: Config, db: Database, logger: Logger, body: @escaping @Sendable (_ delivery: Int64, _ task: TaskRecord) throws -> [UInt8]) {
        self.config = config
        self.db = db
        self.logger = logger
        self.body = body
    }
}
