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
        // 4: accounts, sessions, login throttling, the audit log, settings, owners and spend.
        """
        CREATE TABLE users (
            id                 INTEGER PRIMARY KEY,
            name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name       TEXT NOT NULL,
            role               TEXT NOT NULL CHECK (role IN ('admin','member','viewer')),
            disabled           INTEGER NOT NULL DEFAULT 0,
            password_hash      TEXT,                 -- NULL: signs in only through the trusted header
            monthly_budget_usd REAL,                 -- NULL: no personal budget
            created_at         REAL NOT NULL,
            updated_at         REAL NOT NULL
        );
        CREATE TABLE sessions (
            id           INTEGER PRIMARY KEY,
            token_hash   TEXT NOT NULL UNIQUE,       -- SHA-256 of the cookie's value; the value is never stored
            user_id      INTEGER NOT NULL REFERENCES users(id),
            created_at   REAL NOT NULL,
            last_seen_at REAL NOT NULL,
            expires_at   REAL NOT NULL
        );
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE login_failures (
            account TEXT NOT NULL,
            address TEXT NOT NULL,
            at      REAL NOT NULL
        );
        CREATE INDEX login_failures_account ON login_failures(account, at);
        CREATE INDEX login_failures_address ON login_failures(address, at);
        CREATE TABLE audit (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            at          REAL NOT NULL,
            actor_id    INTEGER,
            actor_name  TEXT,                        -- kept as it was then (accounts can be renamed later)
            action      TEXT NOT NULL,               -- a code such as 'task.submit'; words are rendered at the edge
            task_id     INTEGER,
            subject     TEXT,                        -- the account or setting acted on
            params_hash TEXT,
            cost_usd    REAL,
            detail      TEXT,                        -- JSON of codes and values, never sentences
            address     TEXT
        );
        CREATE INDEX audit_at ON audit(at);
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TABLE settings (
            key        TEXT PRIMARY KEY,
            value      TEXT NOT NULL,
            updated_at REAL NOT NULL
        );
        ALTER TABLE tasks ADD COLUMN final_cost_usd REAL;
        CREATE INDEX tasks_owner ON tasks(owner_id, id);
        CREATE INDEX tasks_visibility ON tasks(visibility, id);
        CREATE INDEX tasks_completed_at ON tasks(completed_at) WHERE status = 'completed';
        """,
        // 5: spend as a ledger, one row per month and owner, added to when a task completes: a
        // budget check or the form's "spent this month" reads one row instead of summing every
        // completed task (slow at 1,000,000), and deleting a video does not refund what it cost.
        """
        CREATE TABLE spend (
            month    TEXT NOT NULL,                -- 'YYYY-MM' of completion, UTC
            owner_id INTEGER NOT NULL DEFAULT 0,   -- 0: tasks from before accounts
            usd      REAL NOT NULL,
            tasks    INTEGER NOT NULL,
            PRIMARY KEY (month, owner_id)
        );
        INSERT INTO spend (month, owner_id, usd, tasks)
            SELECT strftime('%Y-%m', completed_at, 'unixepoch'), COALESCE(owner_id, 0),
                   SUM(COALESCE(final_cost_usd, estimated_cost_usd)), COUNT(*)
            FROM tasks WHERE status = 'completed' AND completed_at IS NOT NULL GROUP BY 1, 2;
        """,
        // 6: full-text search over prompts and the error texts of tasks that ended in error. The
        // trigram tokenizer finds any substring of 3+ characters in any script (Chinese has no
        // spaces to split words at); shorter terms are matched by `instr` (TaskSearch). Triggers
        // keep the index in the same transaction as the row, and write only when the indexed
        // text changes: a progress update, or the passing note of a download being retried on a
        // full disk, touches no index page (that write must fit where nothing else does).
        """
        CREATE VIEW task_search_source AS
            SELECT id, prompt, CASE WHEN status IN ('failed', 'timed_out', 'expired') THEN error_message END AS error_message FROM tasks;
        CREATE VIRTUAL TABLE task_search USING fts5(prompt, error_message, content='task_search_source', content_rowid='id', tokenize='trigram');
        CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
            INSERT INTO task_search (rowid, prompt, error_message)
            VALUES (new.id, new.prompt, CASE WHEN new.status IN ('failed', 'timed_out', 'expired') THEN new.error_message END);
        END;
        CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
            INSERT INTO task_search (task_search, rowid, prompt, error_message)
            VALUES ('delete', old.id, old.prompt, CASE WHEN old.status IN ('failed', 'timed_out', 'expired') THEN old.error_message END);
        END;
        CREATE TRIGGER task_search_update AFTER UPDATE OF prompt, error_message, status ON tasks
            WHEN old.prompt IS NOT new.prompt
              OR (CASE WHEN old.status IN ('failed', 'timed_out', 'expired') THEN old.error_message END)
                 IS NOT (CASE WHEN new.status IN ('failed', 'timed_out', 'expired') THEN new.error_message END) BEGIN
            INSERT INTO task_search (task_search, rowid, prompt, error_message)
            VALUES ('delete', old.id, old.prompt, CASE WHEN old.status IN ('failed', 'timed_out', 'expired') THEN old.error_message END);
            INSERT INTO task_search (rowid, prompt, error_message)
            VALUES (new.id, new.prompt, CASE WHEN new.status IN ('failed', 'timed_out', 'expired') THEN new.error_message END);
        END;
        INSERT INTO task_search (task_search) VALUES ('rebuild');
        CREATE INDEX tasks_created_at ON tasks(created_at);
        """,
        // 7: tags (a JSON array on the task, the one place they are written; `task_tags` is its
        // index for filtering, kept by triggers) and each person's favourites.
        """
        ALTER TABLE tasks ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE task_tags (
            task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            tag     TEXT NOT NULL,
            PRIMARY KEY (task_id, tag)
        );
        CREATE INDEX task_tags_by_tag ON task_tags(tag, task_id);
        CREATE TRIGGER task_tags_update AFTER UPDATE OF tags ON tasks WHEN old.tags IS NOT new.tags BEGIN
            DELETE FROM task_tags WHERE task_id = new.id;
            INSERT OR IGNORE INTO task_tags (task_id, tag) SELECT new.id, value FROM json_each(new.tags);
        END;
        CREATE TABLE favourites (
            user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            task_id    INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            PRIMARY KEY (user_id, task_id)
        );
        CREATE INDEX favourites_by_task ON favourites(task_id);
        """,
        // 8: personal API tokens for scripts (only their SHA-256 is kept, like sessions).
        """
        CREATE TABLE api_tokens (
            id           INTEGER PRIMARY KEY,
            user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name         TEXT NOT NULL,
            token_hash   TEXT NOT NULL UNIQUE,
            created_at   REAL NOT NULL,
            last_used_at REAL,
            revoked_at   REAL
        );
        CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
        """,
        // 9: the webhook outbox: a row per finished task, written in the transaction that ends
        // it, delivered (and retried) by the poller process.
        """
        CREATE TABLE webhook_outbox (
            id              INTEGER PRIMARY KEY,
            task_id         INTEGER NOT NULL,
            status          TEXT NOT NULL,
            created_at      REAL NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            claimed_until   REAL,
            delivered_at    REAL,
            gave_up_at      REAL,
            last_status     INTEGER,
            last_error      TEXT
        );
        CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
        """,
        // 10: an id that ever reached a URL, the audit log, an event or a webhook is never given
        // out again. Without AUTOINCREMENT SQLite reuses the id of the newest row once it is
        // deleted (delete task 16, the next task is 16 again). The tables are rebuilt with
        // AUTOINCREMENT, every row keeping its id (the search index is keyed by those ids and
        // stays valid); the tasks counter starts above every task id the audit log, the event
        // log and the webhook outbox ever named, so an id reused before this step is not
        // reused once more. (The Migrator runs steps with foreign keys off, as SQLite's own
        // table-rebuild procedure asks, and checks them before committing.)
        """
        DROP VIEW task_search_source;
        CREATE TABLE tasks_rebuilt (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_id         INTEGER,
            visibility       TEXT NOT NULL DEFAULT 'team',
            parent_task_id   INTEGER REFERENCES tasks(id),
            prompt           TEXT NOT NULL,
            model            TEXT NOT NULL,
            duration         INTEGER NOT NULL,
            aspect_ratio     TEXT NOT NULL,
            resolution       TEXT NOT NULL,
            seed             INTEGER,
            audio            INTEGER NOT NULL,
            camera_fixed     INTEGER NOT NULL,
            first_frame_url  TEXT,
            last_frame_url   TEXT,
            first_frame_file TEXT,
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
            version          INTEGER NOT NULL DEFAULT 1,
            next_check_at    REAL,
            attempts         INTEGER NOT NULL DEFAULT 0,
            last_progress_at REAL,
            upstream_video_url TEXT,
            upstream_expires_at REAL,
            video_file       TEXT,
            poster_file      TEXT,
            video_width      INTEGER,
            video_height     INTEGER,
            video_seconds    REAL,
            video_fps        REAL,
            video_has_audio  INTEGER,
            video_bytes      INTEGER,
            lineage          TEXT,
            seed_drawn       INTEGER NOT NULL DEFAULT 0,
            final_cost_usd   REAL,
            tags             TEXT NOT NULL DEFAULT '[]'
        );
        INSERT INTO tasks_rebuilt SELECT * FROM tasks;
        DROP TABLE tasks;
        ALTER TABLE tasks_rebuilt RENAME TO tasks;
        CREATE INDEX tasks_status ON tasks(status) WHERE status IN ('queued','submitted','processing','downloading');
        CREATE INDEX tasks_due ON tasks(next_check_at) WHERE status IN ('queued','submitted','processing','downloading');
        CREATE INDEX tasks_parent ON tasks(parent_task_id) WHERE parent_task_id IS NOT NULL;
        CREATE INDEX tasks_owner ON tasks(owner_id, id);
        CREATE INDEX tasks_visibility ON tasks(visibility, id);
        CREATE INDEX tasks_completed_at ON tasks(completed_at) WHERE status = 'completed';
        CREATE INDEX tasks_created_at ON tasks(created_at);
        CREATE VIEW task_search_source AS
            SELECT id, prompt, CASE WHEN status IN ('failed', 'timed_out', 'expired') THEN error_message END AS error_message FROM tasks;
        CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
            INSERT INTO task_search (rowid, prompt, error_message)
            VALUES (new.id, new.prompt, CASE WHEN new.status IN ('failed', 'timed_out', 'expired') THEN new.error_message END);
        END;
        CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
            INSERT INTO task_search (task_search, rowid, prompt, error_message)
            VALUES ('delete', old.id, old.prompt, CASE WHEN old.status IN ('failed', 'timed_out', 'expired') THEN old.error_message END);
        END;
        CREATE TRIGGER task_search_update AFTER UPDATE OF prompt, error_message, status ON tasks
            WHEN old.prompt IS NOT new.prompt
              OR (CASE WHEN old.status IN ('failed', 'timed_out', 'expired') THEN old.error_message END)
                 IS NOT (CASE WHEN new.status IN ('failed', 'timed_out', 'expired') THEN new.error_message END) BEGIN
            INSERT INTO task_search (task_search, rowid, prompt, error_message)
            VALUES ('delete', old.id, old.prompt, CASE WHEN old.status IN ('failed', 'timed_out', 'expired') THEN old.error_message END);
            INSERT INTO task_search (rowid, prompt, error_message)
            VALUES (new.id, new.prompt, CASE WHEN new.status IN ('failed', 'timed_out', 'expired') THEN new.error_message END);
        END;
        CREATE TRIGGER task_tags_update AFTER UPDATE OF tags ON tasks WHEN old.tags IS NOT new.tags BEGIN
            DELETE FROM task_tags WHERE task_id = new.id;
            INSERT OR IGNORE INTO task_tags (task_id, tag) SELECT new.id, value FROM json_each(new.tags);
        END;
        INSERT INTO sqlite_sequence (name, seq) SELECT 'tasks', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'tasks');
        UPDATE sqlite_sequence SET seq = MAX(seq,
            (SELECT COALESCE(MAX(task_id), 0) FROM audit),
            (SELECT COALESCE(MAX(task_id), 0) FROM events),
            (SELECT COALESCE(MAX(task_id), 0) FROM webhook_outbox),
            (SELECT COALESCE(MAX(task_id), 0) FROM submissions)) WHERE name = 'tasks';

        CREATE TABLE users_rebuilt (
            id                 INTEGER PRIMARY KEY AUTOINCREMENT,
            name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name       TEXT NOT NULL,
            role               TEXT NOT NULL CHECK (role IN ('admin','member','viewer')),
            disabled           INTEGER NOT NULL DEFAULT 0,
            password_hash      TEXT,
            monthly_budget_usd REAL,
            created_at         REAL NOT NULL,
            updated_at         REAL NOT NULL
        );
        INSERT INTO users_rebuilt SELECT * FROM users;
        DROP TABLE users;
        ALTER TABLE users_rebuilt RENAME TO users;

        CREATE TABLE api_tokens_rebuilt (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name         TEXT NOT NULL,
            token_hash   TEXT NOT NULL UNIQUE,
            created_at   REAL NOT NULL,
            last_used_at REAL,
            revoked_at   REAL
        );
        INSERT INTO api_tokens_rebuilt SELECT * FROM api_tokens;
        DROP TABLE api_tokens;
        ALTER TABLE api_tokens_rebuilt RENAME TO api_tokens;
        CREATE INDEX api_tokens_by_user ON api_tokens(user_id);

        CREATE TABLE webhook_outbox_rebuilt (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id         INTEGER NOT NULL,
            status          TEXT NOT NULL,
            created_at      REAL NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            claimed_until   REAL,
            delivered_at    REAL,
            gave_up_at      REAL,
            last_status     INTEGER,
            last_error      TEXT
        );
        INSERT INTO webhook_outbox_rebuilt SELECT * FROM webhook_outbox;
        DROP TABLE webhook_outbox;
        ALTER TABLE webhook_outbox_rebuilt RENAME TO webhook_outbox;
        CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
        """,
        // 11: a form's one-time token is kept under the account that sent it
        // (`SubmissionToken.key`): another account's use of the same token is a new key and
        // never finds this task. Tokens already used are scoped to their task's owner.
        """
        UPDATE submissions SET token = COALESCE((SELECT owner_id FROM tasks WHERE tasks.id = submissions.task_id), 0) || ':' || token
            WHERE instr(token, ':') = 0;
        """,
    ]

    /// Brings `db` to the newest schema.
    @discardableResult
    public static func migrate(_ db: Database) throws -> [Int] {
        try Migrator(steps: migrations).migrate(db)
    }
}
