#!/usr/bin/env python3
"""History search at scale: fills a fresh stack with N generated tasks (default 100,000; English
and Chinese prompts, every status, resolution, ratio, audio setting, three owners, 90 days), then
times the history page with a search and two filters, 100 requests each, as the responder logs
them ("at the server") and as a client through nginx sees them, and checks each first page
against the same query run directly in SQLite.

usage: scripts/library_bench.py path/to/reeldesk [--tasks N]   (make library-bench)"""
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stacktest.client import Browser  # noqa: E402
from stacktest.stack import Stack  # noqa: E402

EN = ["fox", "harbour", "snow", "neon city", "forest", "dawn", "rain", "desert", "ocean", "golden hour", "owl", "lighthouse",
      "train", "market", "mountain", "river", "bicycle", "storm", "garden", "robot"]
ZH = ["狐狸", "雪地", "港口", "霓虹", "森林", "黎明", "下雨", "沙漠", "海洋", "黄金时刻", "猫头鹰", "灯塔"]
STATUSES = ["completed"] * 7 + ["failed", "cancelled", "expired"]
RATIOS = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"]


def fill(db_path, count, owners, seed=7):
    rnd = random.Random(seed)
    now = time.time()
    with sqlite3.connect(db_path, timeout=60) as db:
        db.execute("PRAGMA journal_mode=WAL")

        def rows():
            for i in range(count):
                if i % 3 == 0:
                    prompt = "一只%s在%s，电影感 %d" % (rnd.choice(ZH), rnd.choice(ZH), i)
                else:
                    prompt = "a %s by the %s at %s, shot %d" % (rnd.choice(EN), rnd.choice(EN), rnd.choice(EN), i)
                created = now - 90 * 86400 + i * (90 * 86400 / count)
                status = rnd.choice(STATUSES)
                yield (rnd.choice(owners), "team", prompt, "doubao-seedance-1-5-pro", rnd.choice([4, 5, 6, 8, 10, 12]), rnd.choice(RATIOS),
                       rnd.choice(["480p", "720p", "1080p"]), rnd.randrange(2 ** 32), rnd.choice([0, 1]), 0, status,
                       100 if status == "completed" else 0, "gen-%d" % i, created, created + 60, created + 5,
                       created + 60 if status == "completed" else None, "The prompt was rejected by content moderation" if status == "failed" else None)
        db.executemany("""INSERT INTO tasks (owner_id, visibility, prompt, model, duration, aspect_ratio, resolution, seed, audio, camera_fixed,
                          status, progress, idempotency_key, created_at, updated_at, submitted_at, completed_at, error_message)
                          VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows())


def expected(db_path, words, filters):
    """The first page's ids by a plain scan: every word a case-insensitive substring."""
    where, values = [], []
    for w in words:
        where.append("instr(lower(prompt || ' ' || COALESCE(error_message, '')), lower(?)) > 0")
        values.append(w)
    for column, value in filters:
        where.append("%s = ?" % column)
        values.append(value)
    with sqlite3.connect(db_path) as db:
        return [r[0] for r in db.execute("SELECT id FROM tasks WHERE %s ORDER BY id DESC LIMIT 50" % " AND ".join(where), values)]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else ".build/release/reeldesk"
    count = int(sys.argv[sys.argv.index("--tasks") + 1]) if "--tasks" in sys.argv else 100_000
    stack = Stack(binary, {"REELDESK_LOG_LEVEL": "info", "REELDESK_SIM_KEY": "bench-key"})
    stack.start()
    db_path = os.path.join(stack.data_dir, "reeldesk.sqlite3")
    try:
        with sqlite3.connect(db_path) as db:
            owners = [r[0] for r in db.execute("SELECT id FROM users")]
        t0 = time.time()
        fill(db_path, count, owners)
        with sqlite3.connect(db_path) as db:
            indexed = db.execute("SELECT COUNT(*) FROM task_search").fetchone()[0]
        print("filled %d tasks (index: %d rows) in %.1f s; database %.0f MB" % (
            count, indexed, time.time() - t0, os.path.getsize(db_path) / 1e6), flush=True)
        b = Browser(stack.port)
        cases = [
            ("English word + status + resolution", "q=fox&status=completed&resolution=720p", ["fox"], [("status", "completed"), ("resolution", "720p")]),
            ("Chinese word (2 chars) + audio + ratio", "q=%s&audio=on&ratio=16%%3A9" % quote("狐狸"), ["狐狸"], [("audio", 1), ("aspect_ratio", "16:9")]),
            ("Chinese phrase (4 chars) + status", "q=%s&status=completed" % quote("黄金时刻"), ["黄金时刻"], [("status", "completed")]),
            ("phrase + resolution + ratio", "q=%s&resolution=1080p&ratio=9%%3A16" % quote('"golden hour"'), ["golden hour"], [("resolution", "1080p"), ("aspect_ratio", "9:16")]),
            ("rare word + status", "q=lighthouse+robot&status=failed", ["lighthouse", "robot"], [("status", "failed")]),
            ("worst case: absent 2-char word (a scan)", "q=%s" % quote("鲸鱼"), ["鲸鱼"], []),
            ("absent 3-char word (the index)", "q=%s" % quote("鲸鱼群"), ["鲸鱼群"], []),
            ("no search (plain history)", "", [], []),
        ]
        print("%-40s %7s %14s %14s  %s" % ("history page (first 50 rows)", "rows", "server p50/p99", "client p50/p99", "right tasks"))
        for name, query, words, filters in cases:
            path = "/tasks" + ("?" + query if query else "")
            serve_log = [p for p in stack.logs if "serve" in os.path.basename(p)][-1]
            offset = os.path.getsize(serve_log)
            client_ms = []
            page = None
            for _ in range(100):
                t = time.perf_counter()
                page = b.get(path)
                client_ms.append((time.perf_counter() - t) * 1000)
                assert page.status == 200, (path, page.status)
            time.sleep(0.3)
            with open(serve_log, errors="replace") as f:
                f.seek(offset)
                server_ms = [float(m) for m in re.findall(r"ms=([0-9.]+) path=/tasks ", f.read())][-100:]
            shown = [int(x) for x in re.findall(r'<(?:tr|li class="card") data-task-id="(\d+)"', page.text)]
            right = expected(db_path, words, filters) if words or filters else None
            ok = "yes" if right is None or shown == right else "NO (%d vs %d)" % (len(shown), len(right))
            s = sorted(server_ms)
            c = sorted(client_ms)
            print("%-40s %7s %6.1f /%6.1f %6.1f /%6.1f  %s" % (
                name, len(shown), statistics.median(s), s[int(0.99 * (len(s) - 1))], statistics.median(c), c[98], ok), flush=True)
    finally:
        stack.cleanup()


if __name__ == "__main__":
    main()
