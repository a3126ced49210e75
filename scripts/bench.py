#!/usr/bin/env python3
"""`make bench`: the performance targets of the portal, measured on the real stack (release
build, nginx, `reeldesk serve`, the simulator) in a temporary data dir, and printed as one table.
Every ratio compares figures measured in this same run. Usage:
    scripts/bench.py path/to/release/reeldesk [--quick] [--only P1,P2,...] [--perf]
--quick uses 100,000 instead of 1,000,000 tasks for the scale figures and shorter runs.
--only runs just the named parts (P1 P2 P3 P4 P5 MEM; P5 and MEM share the filled database).
--perf records the responder with `perf` during an extra P1 round of each page and prints the
hottest symbols (the full reports go to test-output/bench/)."""
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stacktest import client  # noqa: E402
from stacktest.client import Browser  # noqa: E402
from stacktest.stack import REPO, Stack, free_port, wait_for  # noqa: E402

if "-h" in sys.argv or "--help" in sys.argv:
    print(__doc__)
    sys.exit(0)
QUICK = "--quick" in sys.argv
PERF = "--perf" in sys.argv
ONLY = set(sys.argv[sys.argv.index("--only") + 1].upper().split(",")) if "--only" in sys.argv else None


def wanted(part):
    return ONLY is None or part in ONLY
SCALE = 100_000 if QUICK else 1_000_000
WRK_SECONDS = 5 if QUICK else 10
STREAMS = 1000 if QUICK else 5000
STREAM_SECONDS = 20 if QUICK else 60
ROWS = []  # (id, what, figure, target, met)


def row(key, what, figure, target="", met=None):
    ROWS.append((key, what, figure, target, met))
    mark = "" if met is None else ("  ok" if met else "  MISSED")
    print("  %-4s %-58s %s %s%s" % (key, what, figure, target, mark), flush=True)


def wrk(url, cookie=None, seconds=WRK_SECONDS, connections=32):
    args = ["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--latency"]
    if cookie:
        args += ["-H", "Cookie: " + cookie]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for p in ("50", "99"):
        m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)" % p, out)
        lat[p] = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat["50"], lat["99"], int(non2xx.group(1)) if non2xx else 0


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def fill(db_path, count, template, owner):
    """Adds `count` completed tasks copied from `template` (sharing its video and poster), with
    distinct prompts, seeds and times, in one transaction."""
    cols = [c for c in template.keys() if c not in ("id",)]
    now = time.time()
    words = ["fox", "harbour", "snow", "neon", "forest", "city", "dawn", "rain", "desert", "ocean", "狐狸", "雪"]
    with sqlite3.connect(db_path, timeout=60) as db:
        db.execute("PRAGMA journal_mode=WAL")
        start = db.execute("SELECT COALESCE(MAX(id), 0) FROM tasks").fetchone()[0]

        def rows():
            for i in range(count):
                r = dict(template)
                r["prompt"] = "bench %d: a %s at %s, shot %d" % (start + i, words[i % 12], words[(i // 12) % 12], i)
                r["seed"] = i
                r["idempotency_key"] = "bench-%d-%d" % (start, i)
                r["created_at"] = r["updated_at"] = r["completed_at"] = now - (count - i)
                r["owner_id"] = owner
                r["visibility"] = "team"
                r["parent_task_id"] = None
                yield tuple(r[c] for c in cols)
        db.executemany("INSERT INTO tasks (%s) VALUES (%s)" % (", ".join(cols), ", ".join("?" * len(cols))), rows())
        # The spend ledger, as completing them through the portal would have written it.
        db.execute("""INSERT INTO spend (month, owner_id, usd, tasks)
                      SELECT strftime('%Y-%m', completed_at, 'unixepoch'), owner_id, SUM(COALESCE(final_cost_usd, estimated_cost_usd)), COUNT(*)
                      FROM tasks WHERE id > ? GROUP BY 1, 2 HAVING 1
                      ON CONFLICT(month, owner_id) DO UPDATE SET usd = usd + excluded.usd, tasks = tasks + excluded.tasks""", (start,))


def task_template(db_path, task_id):
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone())


def create(b, **fields):
    base = {"prompt": "bench seed video", "duration": "4", "aspect_ratio": "16:9", "resolution": "480p", "seed": "", "audio": "on",
            "model": "doubao-seedance-1-5-pro"}
    r = b.post_form("/tasks", dict(base, **fields))
    assert r.status == 303, (r.status, r.text[:300])
    return int(r.headers["Location"].rsplit("/", 1)[1])


def wait_completed(db_path, task_id, seconds=120):
    def done():
        with sqlite3.connect(db_path, timeout=10) as db:
            return db.execute("SELECT status FROM tasks WHERE id = ?", (task_id,)).fetchone()[0] == "completed"
    wait_for(done, seconds, "task %d to complete" % task_id)


def sequential_ms(b, path, n=200):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = b.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status == 200, (path, r.status)
    return statistics.median(times), sorted(times)[int(0.99 * (n - 1))]


class BareResponder:
    """The C baseline on its own socket, answering with the bytes of `body`."""

    def __init__(self, stack, name, body, threads):
        self.path = os.path.join(stack.data_dir, "bare-%s.sock" % name)
        self.body = os.path.join(stack.data_dir, "bare-%s.html" % name)
        with open(self.body, "wb") as f:
            f.write(body)
        self.proc = subprocess.Popen([BARE, self.path, self.body, str(threads)])
        wait_for(lambda: os.path.exists(self.path), 5, "the C responder's socket")

    def stop(self):
        self.proc.kill()  # libfcgi's accept loop does not end on SIGTERM
        self.proc.wait(5)


def build_c(name, *libs):
    """Compiles bench/NAME.c into a temporary folder; returns the binary's path."""
    out = os.path.join(tempfile.mkdtemp(prefix="rdbench-c-"), name)
    subprocess.run(["cc", "-O2", "-o", out, os.path.join(REPO, "bench", name + ".c"), *libs], check=True)
    return out


def extra_nginx(stack, port, media_dir):
    """A second server in the same nginx: the C responders and the media folder served directly."""
    return """
server {
    # Logged like the portal's own server, so nginx does the same work for both.
    listen 127.0.0.1:%d;
    location = /c/tasks { include fastcgi_params; fastcgi_pass unix:%s/bare-tasks.sock; }
    location = /c/home { include fastcgi_params; fastcgi_pass unix:%s/bare-home.sock; }
    location /direct-media/ { alias %s/; }
}
""" % (port, stack.data_dir, stack.data_dir, media_dir)


def read_stream_results(path):
    """One dict per stream that stayed open: event id → when it was first seen (unix seconds)."""
    with open(path) as f:
        return [{int(i): float(t) for i, t in (pair.split(":") for pair in line.split())} for line in f]


def main():
    global BARE
    binary = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else os.path.join(REPO, ".build/release/reeldesk")
    BARE = build_c("bare_responder", "-lfcgi", "-lpthread")
    bench_port = free_port()
    env = {
        # Production pacing for the upstream (5 calls/s, polls every 5-15 s), fast simulated renders.
        "REELDESK_SIM_SECONDS": "2", "REELDESK_UPSTREAM_RPS": "5", "REELDESK_POLL_FIRST_SECONDS": "3",
        "REELDESK_POLL_MIN_SECONDS": "5", "REELDESK_POLL_MAX_SECONDS": "15", "REELDESK_BACKOFF_CAP_SECONDS": "30",
        "REELDESK_UPSTREAM_TIMEOUT_SECONDS": "10", "REELDESK_STALL_MINUTES": "20", "REELDESK_WORKERS": "32",
        "REELDESK_LOG_LEVEL": os.environ.get("RD_BENCH_LOG_LEVEL", "warning"), "REELDESK_MAX_STREAMS": str(STREAMS + 500), "REELDESK_MAX_BODY_MB": "64",
    }
    stack = Stack(binary, env)
    stack.extra_nginx_conf = lambda s: extra_nginx(s, bench_port, os.path.join(s.data_dir, "media"))
    stack.start()
    db_path = os.path.join(stack.data_dir, "reeldesk.sqlite3")
    cookie = client.COOKIES[stack.port]
    b = Browser(stack.port)
    owner = 0
    with sqlite3.connect(db_path) as db:
        owner = db.execute("SELECT id FROM users WHERE name = 'tester'").fetchone()[0]
    print("Reeldesk bench: %s, %d cores, %s; release build; stack on 127.0.0.1:%d" % (
        os.uname().machine, os.cpu_count(), open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": ") if "model name" in open("/proc/cpuinfo").read() else "?",
        stack.port), flush=True)
    try:
        # One real video (and a 1080p one for P4), then 100 tasks in all.
        first = create(b)
        big = create(b, resolution="1080p", prompt="bench 1080p video")
        wait_completed(db_path, first)
        wait_completed(db_path, big)
        template = task_template(db_path, first)
        fill(db_path, 98, template, owner)
        serve_pid = stack.serve.pid

        # P1: pages versus the bare C responder with the same bytes.
        tasks_page = b.get("/tasks").body
        home_page = b.get("/").body
        assert tasks_page.count(b'<li class="card" data-task-id=') == 50, "the history (grid, the default) shows 50 cards"
        # The baseline is the minimal libfcgi responder (one FCGX_Accept_r loop, the figure the
        # issue measured); the same code on 8 threads is shown beside it for reference.
        for path, name, label, body in (("/tasks", "tasks", "history (grid), 50 cards", tasks_page), ("/", "home", "home (form + 10 rows)", home_page)):
            if not wanted("P1"):
                break
            # Two alternating rounds, best of each: this VM's neighbours move single runs by ±30 %.
            rounds = {"rd": [], 1: [], 8: []}
            for _ in range(2):
                rd = wrk(stack.base + path, cookie)
                assert rd[3] == 0, "non-2xx answers from %s" % path
                rounds["rd"].append(rd)
                for threads in (1, 8):
                    bare = BareResponder(stack, name, body, threads)
                    try:
                        rounds[threads].append(wrk("http://127.0.0.1:%d/c/%s" % (bench_port, name))[0])
                    finally:
                        bare.stop()
            rd = max(rounds["rd"], key=lambda r: r[0])
            c1, c8 = max(rounds[1]), max(rounds[8])
            ratio = rd[0] / c1
            row("P1", "%s %s (%d KB) signed in: req/s, p50/p99 ms" % (path, label, len(body) // 1024),
                "%.0f vs C %.0f = %.2f× (C on 8 threads %.0f = %.2f×); p50 %.1f p99 %.1f"
                % (rd[0], c1, ratio, c8, rd[0] / c8, rd[1], rd[2]), "≥ 0.75× C", ratio >= 0.75)
            if PERF:
                profile(stack, serve_pid, path, name, cookie)

        # P4: an archived 1080p video through X-Accel-Redirect versus nginx serving the file. The
        # simulator's clips are tiny (flat colours); a real 1080p clip is megabytes, so the archived
        # file is replaced by an 8 s 1080p encode at 20 Mbit/s.
        big_row = task_template(db_path, big)
        if wanted("P4"):
            p4(stack, db_path, big, big_row, bench_port, cookie)
        if wanted("P2"):
            # P2: thousands of open streams while 100 task updates are committed.
            p2(stack, db_path, cookie, serve_pid, b)
        if wanted("P5") or wanted("MEM"):
            p5_and_memory(stack, db_path, b, template, owner, cookie)
        if wanted("P3"):
            # P3: 200 tasks in flight against an upstream that allows 600 calls a minute.
            p3(stack, db_path, b)
    finally:
        stack.cleanup()
        shutil.rmtree(os.path.dirname(BARE), ignore_errors=True)
    missed = [r for r in ROWS if r[4] is False]
    print("\n| | measure | figure | target | |\n|---|---|---|---|---|")
    for key, what, figure, target, met in ROWS:
        print("| %s | %s | %s | %s | %s |" % (key, what, figure, target, "" if met is None else ("met" if met else "**missed**")))
    print("\n%d targets met, %d missed" % (sum(1 for r in ROWS if r[4]), len(missed)))


def profile(stack, serve_pid, path, name, cookie):
    """An extra wrk round under `perf record`; prints the hottest symbols of the responder."""
    out_dir = os.path.join(REPO, "test-output", "bench")
    os.makedirs(out_dir, exist_ok=True)
    data = os.path.join(out_dir, "perf-%s.data" % name)
    rec = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", data, "-p", str(serve_pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    wrk(stack.base + path, cookie)
    rec.send_signal(2)
    rec.wait(30)
    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio", "--percent-limit", "0.7", "-g", "none",
                             "--sort", "symbol"], capture_output=True, text=True).stdout
    with open(os.path.join(out_dir, "perf-%s.txt" % name), "w") as f:
        f.write(report)
    lines = [re.sub(r"(\s+-)+\s*$", "", l) for l in report.splitlines() if l.strip() and not l.startswith("#")]
    print("  perf %s: hottest symbols (self)\n    " % path + "\n    ".join(lines[:25]), flush=True)


def p4(stack, db_path, big, big_row, bench_port, cookie):
    video_path = os.path.join(stack.data_dir, "media", big_row["video_file"])
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24", "-t", "8", "-c:v", "libx264",
                    "-preset", "ultrafast", "-b:v", "20M", "-pix_fmt", "yuv420p", video_path + ".tmp.mp4"], check=True)
    os.replace(video_path + ".tmp.mp4", video_path)
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE tasks SET video_bytes = ? WHERE id = ?", (os.path.getsize(video_path), big))
    big_row = task_template(db_path, big)
    accels, directs = [], []
    for _ in range(3):  # alternating rounds, median of each
        accels.append(wrk(stack.base + "/tasks/%d/video" % big, cookie, connections=8, seconds=5)[0])
        directs.append(wrk("http://127.0.0.1:%d/direct-media/%s" % (bench_port, big_row["video_file"]), connections=8, seconds=5)[0])
    accel, direct = (statistics.median(accels),), (statistics.median(directs),)
    ratio = accel[0] / direct[0]
    req = urllib.request.Request(stack.base + "/tasks/%d/video" % big, headers={"Cookie": cookie, "Range": "bytes=100-199"})
    with urllib.request.urlopen(req) as r:
        ranged = (r.status, len(r.read()))
    row("P4", "1080p video (%d KB) via X-Accel vs direct: req/s" % (big_row["video_bytes"] // 1024),
        "%.0f vs %.0f = %.2f×; Range → %d (%d bytes)" % (accel[0], direct[0], ratio, ranged[0], ranged[1]), "≥ 0.9×, 206",
        ratio >= 0.9 and ranged == (206, 100))


def p5_and_memory(stack, db_path, b, template, owner, cookie):
    # P5: boot and the history page at scale.
    at_100 = sequential_ms(b, "/tasks")
    fill(db_path, SCALE - 100, template, owner)
    with sqlite3.connect(db_path) as db:
        total = db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
    stack.serve.terminate()
    stack.serve.wait(10)
    started = time.perf_counter()
    stack.serve = subprocess.Popen([stack.binary, "serve"], env=stack.env, cwd=stack.checkout,
                                   stdout=open(os.path.join(stack.data_dir, "serve-bench.log"), "w"), stderr=subprocess.STDOUT)
    boot_ms = None
    while time.perf_counter() - started < 10:
        try:
            with urllib.request.urlopen(stack.base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    boot_ms = (time.perf_counter() - started) * 1000
                    break
        except Exception:
            time.sleep(0.002)
    row("P5", "serve start → first answer with %s tasks" % format(total, ","), "%.0f ms" % boot_ms, "< 200 ms", boot_ms < 200)
    at_scale = sequential_ms(b, "/tasks")
    deep = sequential_ms(b, "/tasks?before=%d" % (total // 2))
    row("P5", "/tasks median/p99 ms at 100 vs %s tasks (and a deep page)" % format(total, ","),
        "%.1f/%.1f vs %.1f/%.1f (deep %.1f/%.1f)" % (at_100 + at_scale + deep), "as fast", at_scale[0] <= at_100[0] * 1.5 + 1)

    # Memory: RSS after 1,000 history views and after 100,000 (the fresh process of P5).
    serve_pid = stack.serve.pid
    views = 0
    while views < 1000:
        views += wrk(stack.base + "/tasks", cookie, seconds=1)[0]
    rss_1k = rss_kb(serve_pid)
    while views < 100_000:
        views += wrk(stack.base + "/tasks", cookie, seconds=10)[0] * 10
    rss_100k = rss_kb(serve_pid)
    growth = rss_100k / rss_1k
    row("MEM", "responder RSS after 1,000 vs %s history views" % format(int(views), ","),
        "%.1f MB vs %.1f MB (%+.0f %%)" % (rss_1k / 1024, rss_100k / 1024, (growth - 1) * 100), "within 10 %", growth <= 1.10)


def p2(stack, db_path, cookie, serve_pid, b):
    with sqlite3.connect(db_path) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM tasks ORDER BY id DESC LIMIT 10")]
    commit_times = {}
    # The streams are held by a small C client (bench/sse_clients.c): in Python, reading the
    # bursts took more of the 2 shared cores than the server took to send them.
    out_path = os.path.join(stack.data_dir, "streams.txt")
    clients = subprocess.Popen([build_c("sse_clients"), str(stack.port), str(STREAMS), str(STREAM_SECONDS), cookie, out_path],
                               stdout=subprocess.PIPE, text=True)
    if clients.stdout.readline().strip() != "ready":
        raise SystemExit("the stream client did not start")
    wait_for(lambda: json.loads(b.get("/healthz").body).get("streams", 0) >= STREAMS, 60, "all streams open")
    page_times = []
    stop = threading.Event()

    def pages():
        reader = Browser(stack.port, login=None)
        reader.cookies = dict(b.cookies)
        while not stop.is_set():
            t0 = time.perf_counter()
            reader.get("/tasks")
            page_times.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.1)
    pager = threading.Thread(target=pages)
    pager.start()
    wake = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    interval = (STREAM_SECONDS - 10) / 100
    for i in range(100):
        task = ids[i % len(ids)]
        with sqlite3.connect(db_path, timeout=10) as db:
            db.execute("UPDATE tasks SET version = version + 1, updated_at = ? WHERE id = ?", (time.time(), task))
            v = db.execute("SELECT version FROM tasks WHERE id = ?", (task,)).fetchone()[0]
            cur = db.execute("INSERT INTO events (task_id, kind, data, created_at) VALUES (?, 'task.updated', ?, ?)",
                             (task, json.dumps({"id": task, "version": v, "owner": None, "visibility": "team"}), time.time()))
            event_id = cur.lastrowid
        commit_times[event_id] = time.time()
        try:
            wake.sendto(b"", os.path.join(stack.data_dir, "hub.wake"))
        except OSError:
            pass
        time.sleep(interval)
    rss = rss_kb(serve_pid)
    clients.wait(STREAM_SECONDS + 60)
    results = read_stream_results(out_path)
    stop.set()
    pager.join(10)
    latencies = []
    complete = 0
    for seen in results:
        got = [eid for eid in commit_times if eid in seen]
        if len(got) == len(commit_times):
            complete += 1
        latencies += [(seen[eid] - commit_times[eid]) * 1000 for eid in got]
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("inf")
    page_p99 = sorted(page_times)[int(0.99 * (len(page_times) - 1))] if page_times else float("inf")
    row("P2", "%d streams × 100 updates: streams that got all 100" % STREAMS, "%d of %d" % (complete, len(results)), "all", complete == STREAMS)
    row("P2", "commit → client latency p50 / p99", "%.0f / %.0f ms" % (latencies[len(latencies) // 2] if latencies else -1, p99), "p99 < 250 ms", p99 < 250)
    row("P2", "responder RSS with the streams open", "%d MB" % (rss // 1024), "< 150 MB", rss < 150 * 1024)
    row("P2", "/tasks meanwhile: p50 / p99 (%d requests)" % len(page_times),
        "%.1f / %.1f ms" % (statistics.median(page_times), page_p99), "p99 < 50 ms", page_p99 < 50)


def p3(stack, db_path, b):
    req = urllib.request.Request(stack.sim_base + "/__sim/faults", data=b"rpm=600", method="POST")
    urllib.request.urlopen(req, timeout=10).read()

    def stats():
        with urllib.request.urlopen(stack.sim_base + "/__sim/stats", timeout=10) as r:
            return json.loads(r.read())
    ids = [create(b, prompt="in flight %d [sim:never]" % i) for i in range(200)]
    before = stats()
    t0 = time.time()
    time.sleep(60 if not QUICK else 20)
    after = stats()
    minutes = (time.time() - t0) / 60
    calls = after["calls"] - before["calls"]
    paced = after["pace_429"] - before["pace_429"]
    row("P3", "200 tasks in flight, upstream limit 600/min: calls/task/min", "%.2f (%d calls in %.1f min)" % (calls / 200 / minutes, calls, minutes),
        "", None)
    row("P3", "429s from the upstream's pace limit", "%d" % paced, "0", paced == 0)
    with sqlite3.connect(db_path, timeout=10) as db:
        db.execute("UPDATE tasks SET status = 'cancelled', next_check_at = NULL WHERE id IN (%s)" % ",".join(map(str, ids)))


if __name__ == "__main__":
    main()
