import SQLite

/// Reeldesk's numbered migrations (applied under `PRAGMA user_version`). Append, never edit.
public enum Schema {
    public static let migrations: [String] = [
        // 1: tasks and their event log.
        """
        CREATE TABLE tasks (
            id               INTEGER PRIMARY KEY,
            owner_id         INTEGER,                 -- accounts come later; NULL = team
            visibility       TEXT NOT NULL DEFAULT 'team',
            parent_task_id   INTEGER REFERENCES tasks(id),
            prompt           TEXT NOT NULL,
            model            TEXT NOT NULL,
            duration         INTEGER NOT NULL,
            aspect_ratio     TEXT NOT NULL,
            resolution       TEXT NOT NULL,
            seed             INTEGER,                 -- NULL = random
            audio            INTEGER NOT NULL,
            camera_fixed     INTEGER NOT NULL,
            first_frame_url  TEXT,                    -- typed by the user
            last_frame_url   TEXT,
            first_frame_file TEXT,                    -- uploaded, relative to the uploads dir
            last_frame_file  TEXT,
            status           TEXT NOT NULL,
            progress         INTEGER NOT NULL DEFAULT 0,
            error_message    TEXT,
            idempotency_key  TEXT NOT NULL UNIQUE,
            upstream_task_id TEXT,
            estimated_cost_usd REAL NOT NULL DEFAULT 0,
            estimated_seconds INTEGER,
            created_at       REAL NOT NULL,
            updated_at       REAL NOT NULL,
            submitted_at     REAL,
            completed_at     REAL,
            version          INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX tasks_status ON tasks(status) WHERE status IN ('queued','submitted','processing','downloading');
        CREATE TABLE events (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id    INTEGER REFERENCES tasks(id),
            kind       TEXT NOT NULL,
            data       TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        """,
        // 2: what the poller and the archive need; the poller lease; banners for everyone.
        """
        ALTER TABLE tasks ADD COLUMN next_check_at REAL;
        ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tasks ADD COLUMN last_progress_at REAL;
        ALTER TABLE tasks ADD COLUMN upstream_video_url TEXT;
        ALTER TABLE tasks ADD COLUMN upstream_expires_at REAL;
        ALTER TABLE tasks ADD COLUMN video_file TEXT;
        ALTER TABLE tasks ADD COLUMN poster_file TEXT;
        ALTER TABLE tasks ADD COLUMN video_width INTEGER;
        ALTER TABLE tasks ADD COLUMN video_height INTEGER;
        ALTER TABLE tasks ADD COLUMN video_seconds REAL;
        ALTER TABLE tasks ADD COLUMN video_fps REAL;
        ALTER TABLE tasks ADD COLUMN video_has_audio INTEGER;
        ALTER TABLE tasks ADD COLUMN video_bytes INTEGER;
        CREATE INDEX tasks_due ON tasks(next_check_at) WHERE status IN ('queued','submitted','processing','downloading');
        CREATE TABLE leases (
            name       TEXT PRIMARY KEY,
            holder     TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE TABLE alerts (
            kind       TEXT PRIMARY KEY,          -- 'auth' or 'balance'
            message    TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        """,
        // 3: lineage (how a task relates to its parent), seeds Reeldesk drew, one task per form.
        """
        ALTER TABLE tasks ADD COLUMN lineage TEXT;          -- 'retry', 'regenerate' or 'remix' (with parent_task_id)
        ALTER TABLE tasks ADD COLUMN seed_drawn INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX tasks_parent ON tasks(parent_task_id) WHERE parent_task_id IS NOT NULL;
        CREATE TABLE submissions (
            token      TEXT PRIMARY KEY,                -- the one-time token of a rendered form
            task_id    INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        """,
    ]

    /// Brings `db` to the newest schema.
    @discardableResult
    public static func migrate(_ db: Database) throws -> [Int] {
        try Migrator(steps: migrations).migrate(db)
    }
}
