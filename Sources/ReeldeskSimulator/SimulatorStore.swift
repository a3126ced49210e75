import Foundation
import ReeldeskDomain
import SQLite

/// The simulator's own database: the tasks it accepted, so it survives restarts like a real
/// service and can say how many submissions it saw.
package struct SimulatorStore {
    package let db: Database

    package static let migrations = [
        """
        CREATE TABLE sim_tasks (
            id TEXT PRIMARY KEY,
            idempotency_key TEXT UNIQUE,
            prompt TEXT NOT NULL,
            duration INTEGER NOT NULL,
            aspect_ratio TEXT NOT NULL,
            resolution TEXT NOT NULL,
            seed INTEGER NOT NULL,
            audio INTEGER NOT NULL,
            first_url TEXT,
            last_url TEXT,
            created REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            error TEXT,
            file TEXT,
            completed REAL,
            expires_at REAL
        );
        CREATE TABLE sim_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """,
    ]

    package struct Task {
        package let id: String
        package let request: SimulatedRequest
        package let created: Double
        package let status: String
        package let error: String?
        package let file: String?
        package let completed: Double?
        package let expiresAt: Double?
    }

    package init(path: String) throws {
        db = try Database(path: path)
        try Migrator(steps: Self.migrations).migrate(db)
    }

    /// Stores a new task, or returns the one already stored under `idempotencyKey`.
    package func create(_ r: SimulatedRequest, idempotencyKey: String?, now: Double) throws -> (id: String, isNew: Bool) {
        try db.writeTransaction {
            if let key = idempotencyKey {
                if let existing = try db.prepare("SELECT id FROM sim_tasks WHERE idempotency_key = ?").bind(key).first({ $0.text(0) }) {
                    return (existing, false)
                }
            }
            let id = "task_" + Self.ulidLike()
            try db.prepare("""
                INSERT INTO sim_tasks (id, idempotency_key, prompt, duration, aspect_ratio, resolution, seed, audio, first_url, last_url, created)
                VALUES (?,?,?,?,?,?,?,?,?,?,?)
                """).bind(id, idempotencyKey, r.prompt, r.duration, r.aspectRatio.rawValue, r.resolution.rawValue,
                          r.seed == -1 ? Int64.random(in: 0...4_294_967_295) : r.seed, r.audio,
                          r.firstFrameURL, r.lastFrameURL, now).run()
            try bump("submissions")
            return (id, true)
        }
    }

    package func bump(_ name: String) throws {
        try db.prepare("INSERT INTO sim_counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1").bind(name).run()
    }

    package func counter(_ name: String) throws -> Int64 {
        try db.prepare("SELECT value FROM sim_counters WHERE name = ?").bind(name).first { $0.int(0) } ?? 0
    }

    package func find(_ id: String) throws -> Task? {
        try db.prepare("""
            SELECT id, prompt, duration, aspect_ratio, resolution, seed, audio, first_url, last_url, created, status, error, file, completed, expires_at
            FROM sim_tasks WHERE id = ?
            """).bind(id).first(Self.task)
    }

    /// Pending tasks whose time is up, oldest first.
    /// Tasks due for rendering, oldest first. `[sim:never]` tasks are left out here (not after
    /// the LIMIT), so twenty of them cannot starve every other task.
    package func ripe(now: Double, seconds: Double) throws -> [Task] {
        try db.prepare("""
            SELECT id, prompt, duration, aspect_ratio, resolution, seed, audio, first_url, last_url, created, status, error, file, completed, expires_at
            FROM sim_tasks WHERE status = 'pending' AND created + ? <= ? AND instr(prompt, '[sim:never]') = 0
            ORDER BY created LIMIT 20
            """).bind(seconds, now).map(Self.task)
    }

    package func finish(_ id: String, file: String, now: Double, expiry: Double) throws {
        try db.prepare("UPDATE sim_tasks SET status = 'completed', file = ?, completed = ?, expires_at = ? WHERE id = ?")
            .bind(file, now, now + expiry, id).run()
    }

    package func fail(_ id: String, error: String) throws {
        try db.prepare("UPDATE sim_tasks SET status = 'failed', error = ? WHERE id = ?").bind(error, id).run()
    }

    private static func task(_ row: Row) -> Task {
        let request = SimulatedRequest(
            prompt: row.text(1), duration: Int(row.int(2)), aspectRatio: AspectRatio(rawValue: row.text(3)) ?? .wide,
            resolution: Resolution(rawValue: row.text(4)) ?? .p720, seed: row.int(5), audio: row.bool(6), cameraFixed: false,
            firstFrameURL: row.optionalText(7), lastFrameURL: row.optionalText(8))
        return Task(id: row.text(0), request: request, created: row.double(9), status: row.text(10), error: row.optionalText(11),
                    file: row.optionalText(12), completed: row.isNull(13) ? nil : row.double(13), expiresAt: row.isNull(14) ? nil : row.double(14))
    }

    /// 26 Crockford base-32 characters, like the upstream's ULID task ids.
    package static func ulidLike() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        return String((0..<26).map { _ in alphabet[Int.random(in: 0..<32)] })
    }
}
