"""Stack tests of the hardening issue (runs wherever it is cloned and survives hostile input):
mode-0700 checkouts, refused starts, hostile FastCGI records, memory floods, forged CSRF, leaked
keys, a client that never reads, a locked database, hung tools. Real processes throughout."""
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from urllib.parse import urlencode

from . import fcgi_client
from . import client
from .client import Browser, EventStream
from .generation_tests import FOX, create, task_row, wait_status
from .images import png
from .registry import test
from .secrets import SECRET_KEY
from .stack import Stack, free_port, port_open, wait_for, database


def restart_serve(stack, env_changes):
    """Restarts `reeldesk serve` with `env_changes` (None removes a variable)."""
    stack.serve.send_signal(signal.SIGTERM)
    stack.serve.wait(10)
    for k, v in env_changes.items():
        if v is None:
            stack.env.pop(k, None)
        else:
            stack.env[k] = v
    stack.start_serve()


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


@test
def runs_from_a_mode_0700_checkout_with_its_data_dir_in_another(stack):
    assert os.stat(stack.checkout).st_mode & 0o777 == 0o700, "the checkout copy is not private"
    assert os.stat(stack.data_dir).st_mode & 0o777 == 0o700, "the data dir is not private"
    common = os.path.commonpath([stack.checkout, stack.data_dir])
    assert common not in (stack.checkout, stack.data_dir), "the data dir must be outside the checkout (and the other way round)"
    b = Browser(stack.port)
    assert b.get("/").status == 200
    css = b.get("/static/css/reeldesk.css")
    assert css.status == 200 and b"{" in css.body, css.status
    s = EventStream(stack.port)
    assert s.status == 200
    s.close()
    task_id = create(b, prompt="a private checkout", resolution="480p", duration="4")
    wait_status(stack, task_id, ("completed",), 60)
    video = b.get("/tasks/%d/video" % task_id)
    assert video.status == 200 and video.body[4:8] == b"ftyp", (video.status, video.body[:16])
    sock_mode = os.stat(stack.socket_path).st_mode & 0o777
    db_mode = os.stat(os.path.join(stack.data_dir, "reeldesk.sqlite3")).st_mode & 0o777
    assert sock_mode == 0o600 and db_mode == 0o600, (oct(sock_mode), oct(db_mode))
    print("    checkout %s and data dir %s (both 0700): page, static file, stream and video 200; socket and db 0600"
          % (stack.checkout, stack.data_dir))


def run_script(stack, env_changes, timeout=30, path=None):
    """Runs scripts/run.sh from the private checkout in its own session; returns the result and
    whether any process of that session is left."""
    env = dict(stack.env)
    for k, v in env_changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    if path is not None:
        env["PATH"] = path
    p = subprocess.Popen([os.path.join(stack.checkout, "scripts", "run.sh"), stack.binary], cwd=stack.checkout, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    out, err = p.communicate(timeout=timeout)
    time.sleep(0.3)
    try:
        os.killpg(p.pid, 0)
        left = True
    except ProcessLookupError:
        left = False
    return p.returncode, out, err, left


def fresh_env(**extra):
    data = tempfile.mkdtemp(prefix="rdrefuse-")
    env = {"REELDESK_DATA_DIR": data, "REELDESK_PORT": str(free_port()), "REELDESK_SIM_PORT": str(free_port())}
    env.update(extra)
    return env


def path_without(*tools):
    """A PATH with every program of /usr/bin, /bin, /usr/sbin but `tools`."""
    d = tempfile.mkdtemp(prefix="rdpath-")
    for src in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        if not os.path.isdir(src):
            continue
        for name in os.listdir(src):
            if name in tools or os.path.exists(os.path.join(d, name)):
                continue
            os.symlink(os.path.join(src, name), os.path.join(d, name))
    return d


@test
def refused_starts_say_one_line_exit_nonzero_and_leave_nothing_running(stack):
    not_a_dir = tempfile.mkstemp(prefix="rdfile-")[1]
    cases = [
        ("busy port", fresh_env(REELDESK_PORT=str(stack.port)), None, "already in use"),
        ("second start on a data dir", fresh_env(REELDESK_DATA_DIR=stack.data_dir), None, "already running"),
        ("unwritable data dir", fresh_env(REELDESK_DATA_DIR=not_a_dir + "/data"), None, "REELDESK_DATA_DIR"),
        ("missing ffmpeg and nginx", fresh_env(), path_without("ffmpeg", "ffprobe", "nginx"), "not found on PATH"),
        ("a command in a setting", fresh_env(REELDESK_DATA_DIR="/tmp/$(touch /tmp/rd-pwned)"), None, "REELDESK_DATA_DIR"),
    ]
    for name, env, path, expected in cases:
        code, out, err, left = run_script(stack, env, path=path)
        lines = [l for l in err.splitlines() if l.strip()]
        assert code != 0, "%s: exit 0 (%r)" % (name, out + err)
        assert len(lines) == 1 and expected in lines[0], "%s: %r" % (name, err)
        assert "Reeldesk is up" not in out, name
        assert not left, "%s: processes left running" % name
        print("    %-28s exit %d: %s" % (name, code, lines[0][:110]))
    assert not os.path.exists("/tmp/rd-pwned"), "a setting's value was executed"
    assert Browser(stack.port).get("/healthz").status == 200, "the running stack was disturbed"


@test
def run_sh_stops_everything_and_fails_when_a_child_dies(stack):
    env = fresh_env()
    full = dict(stack.env, **env)
    p = subprocess.Popen([os.path.join(stack.checkout, "scripts", "run.sh"), stack.binary], cwd=stack.checkout, env=full,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for(lambda: port_open(int(env["REELDESK_PORT"])), 30, "make run's nginx")
        assert Browser(int(env["REELDESK_PORT"])).get("/healthz").status == 200
        serve = subprocess.run(["pgrep", "-s", str(p.pid), "-f", "reeldesk serve"], capture_output=True, text=True).stdout.split()
        assert len(serve) == 1, serve
        os.kill(int(serve[0]), signal.SIGKILL)
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    time.sleep(0.3)
    assert p.returncode != 0, "run.sh exited 0 after reeldesk serve died"
    # Zombies are dead already (an orphan waits for init to reap it): only live ones count.
    ps = subprocess.run(["ps", "-o", "pid,stat,cmd", "--no-headers", "-g", str(p.pid)], capture_output=True, text=True).stdout
    left = [l for l in ps.splitlines() if l.split()[1][0] != "Z"]
    assert not left, "processes left after run.sh ended:\n" + "\n".join(left)
    assert not port_open(int(env["REELDESK_PORT"])), "nginx still listens"
    print("    serve killed: run.sh exit %d, nginx and simulator stopped (%s)" % (p.returncode, err.strip().splitlines()[-1]))


@test
def hostile_fastcgi_records_get_400_and_the_socket_refuses_other_users(stack):
    base = fcgi_client.BASE_PARAMS
    results = {}
    for value in ("-1", "abc", "99999999999"):
        status, _ = fcgi_client.request(stack.socket_path, base + [("CONTENT_LENGTH", value)])
        results[value] = status
    status, _ = fcgi_client.request(stack.socket_path, base + [("CONTENT_LENGTH", "1"), ("CONTENT_LENGTH", "1")], body=b"x")
    results["duplicated"] = status
    status, _ = fcgi_client.request(stack.socket_path, [("REQUEST_METHOD", "GET"), ("DOCUMENT_URI", "/a\nforged"), ("QUERY_STRING", "")])
    results["newline in path"] = status
    status, _ = fcgi_client.request(stack.socket_path, base + [("CONTENT_LENGTH", "10")], body=b"abc")
    results["short body"] = status
    assert all(s == 400 for s in results.values()), results
    assert fcgi_client.request(stack.socket_path, base)[0] == 200, "a normal request right after"
    assert Browser(stack.port).get("/").status == 200, "the server stopped serving"
    assert stack.serve.poll() is None, "serve died"
    print("    direct FastCGI: %s; then /healthz 200" % results)
    if os.getuid() == 0:
        code = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "python3", "-c",
                               "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry:\n s.connect(sys.argv[1]); print('connected')\n"
                               "except PermissionError:\n print('refused'); sys.exit(3)", stack.socket_path],
                              capture_output=True, text=True)
        assert code.returncode == 3 and "refused" in code.stdout, (code.returncode, code.stdout, code.stderr)
        print("    as nobody: connect() refused (Permission denied)")


def rss_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


@test
def a_63mb_field_flood_is_refused_with_bounded_memory_and_forged_csrf_or_origin_get_403(stack):
    big = Stack(stack.binary, {"REELDESK_MAX_BODY_MB": "64", "REELDESK_SIM_KEY": SECRET_KEY}, checkout=stack.checkout).start()
    try:
        b = Browser(big.port)
        token = b.csrf()
        pid = big.serve.pid
        body = b"a&" * (63 * 1024 * 1024 // 2)
        before = rss_kb(pid, "VmRSS")
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")  # resets VmHWM to the current RSS
        r = b.request("POST", "/tasks", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        peak = rss_kb(pid, "VmHWM")
        growth_mb = (peak - before) / 1024
        assert r.status in (400, 413), r.status
        assert growth_mb < 130, "peak RSS grew by %.0f MB for a 63 MB body" % growth_mb
        print("    63 MB a&a&…: %d, peak RSS growth %.0f MB (before %.0f MB)" % (r.status, growth_mb, before / 1024))
        # An attacker-chosen pair (cookie = field), the old double-submit's hole.
        chosen = "a" * 64
        attacker = Browser(big.port)
        attacker.cookies["rd_csrf"] = chosen
        r = attacker.request("POST", "/tasks", body=urlencode(dict(FOX, csrf_token=chosen)).encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 403, r.status
        r = b.request("POST", "/tasks", body=urlencode(dict(FOX, csrf_token=token)).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"})
        assert r.status == 403, r.status
        r = b.request("POST", "/tasks", body=urlencode(dict(FOX, csrf_token=token)).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": big.base})
        assert r.status == 303, r.status
        with database(os.path.join(big.data_dir, "reeldesk.sqlite3")) as db:
            assert db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] == 1
        print("    attacker-chosen CSRF pair 403, foreign Origin 403, own Origin 303; 1 task stored")
    finally:
        big.cleanup()


@test
def the_api_key_echoed_by_the_upstream_reaches_no_page_event_log_or_row(stack):
    b = Browser(stack.port)
    stream = EventStream(stack.port)
    ids = {word: create(b, prompt="leak test %s [sim:%s]" % (word, word), resolution="480p", duration="4")
           for word in ("leak401", "leak400", "leak500", "leakfail")}
    for word in ("leak401", "leak400", "leakfail"):
        wait_status(stack, ids[word], ("failed",), 60)
    wait_status(stack, ids["leak500"], ("completed",), 90)
    pages = [b.get("/tasks/%d" % i) for i in ids.values()] + [b.get("/tasks"), b.get("/")]
    events = stream.events(10_000, 2)
    stream.close()
    key = SECRET_KEY.encode()
    for p in pages:
        assert key not in p.body, "the key is on a page"
    assert events and all(SECRET_KEY not in e["data"] for e in events)
    assert key not in stack.log_text().encode(), "the key is in a log"
    db_path = os.path.join(stack.data_dir, "reeldesk.sqlite3")
    with database(db_path) as db:
        dump = "\n".join(db.iterdump())
    assert SECRET_KEY not in dump, "the key is in the database"
    for suffix in ("", "-wal"):
        if os.path.exists(db_path + suffix):
            with open(db_path + suffix, "rb") as f:
                assert key not in f.read(), "the key is in the database file" + suffix
    messages = {w: task_row(stack, i)["error_message"] for w, i in ids.items()}
    assert "[redacted]" in messages["leak401"] and "[redacted]" in messages["leakfail"], messages
    print("    401/400/500/failed echoes: key in no page (%d), event (%d), log, row; stored: %s"
          % (len(pages), len(events), messages["leak401"][:90]))
    # The 401 set the "bad key" banner; an accepted submit clears it for the tests after this.
    wait_status(stack, create(b, prompt="clear the banner", resolution="480p", duration="4"), ("submitted", "processing", "downloading", "completed"), 30)


@test
def one_client_that_never_reads_a_4900_event_replay_does_not_delay_other_streams(stack):
    b = Browser(stack.port)
    # A replay it would receive: 20,000 updates of a team task (~14 MB of events, far beyond
    # every socket buffer on the way), written at once as another process could.
    subject = create(b, prompt="replayed many times [sim:never]", resolution="480p", duration="4")
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3"), timeout=10) as db:
        start = db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        facts = db.execute("SELECT data FROM events WHERE task_id = ? ORDER BY id DESC LIMIT 1", (subject,)).fetchone()[0]
        db.executemany("INSERT INTO events (task_id, kind, data, created_at) VALUES (?, 'task.updated', ?, ?)",
                       [(subject, facts, time.time()) for _ in range(20_000)])
    # The hub reads them once for the streams already live; measure from when it has.
    probe = EventStream(stack.port)
    marker = create(b, prompt="caught up [sim:never]", resolution="480p", duration="4")
    deadline = time.time() + 60
    while not any('"id":%d' % marker in e["data"].replace(" ", "") for e in probe.events(1_000_000, 0.2) if e.get("event") == "task.created"):
        assert time.time() < deadline, "the hub never caught up"
    probe.close()
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", stack.port))
    # Signed in (a signed-out client gets a 401 and is no stream at all).
    stalled.sendall(("GET /events HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: %d\r\nCookie: %s\r\n\r\n"
                     % (start, client.COOKIES[stack.port])).encode())
    time.sleep(1.5)  # let the hub fill every buffer between it and the stalled client
    others = [EventStream(stack.port) for _ in range(5)]
    latencies = []
    try:
        for i in range(20):
            t0 = time.time()
            task_id = create(b, prompt="latency probe %d [sim:never]" % i, resolution="480p", duration="4")
            for s in others:
                deadline = t0 + 5
                while True:
                    found = [e for e in s.events(10_000, 0.005) if e.get("event") == "task.created" and '"id":%d' % task_id in e["data"].replace(" ", "")]
                    if found:
                        break
                    assert time.time() < deadline, "task %d never reached a stream" % task_id
                latencies.append(time.time() - t0)
        streams = json.loads(Browser(stack.port).get("/healthz").text)["streams"]
        assert streams >= 6, "the stalled client is no stream (%d streams)" % streams
    finally:
        for s in others:
            s.close()
        stalled.close()
    worst = p99(latencies) * 1000
    assert worst < 250, "p99 %.0f ms with a stalled client" % worst
    print("    a stalled 20,000-event replay: 20 events × 5 streams, POST→event p50 %.0f ms, p99 %.0f ms"
          % (statistics.median(latencies) * 1000, worst))


@test
def a_hung_ffprobe_is_killed_at_its_timeout_while_other_tasks_complete(stack):
    fake_dir = tempfile.mkdtemp(prefix="rdfake-")
    marker = os.path.join(fake_dir, "hung-once")
    with open(os.path.join(fake_dir, "ffprobe"), "w") as f:
        # The first call hangs (sleep 601 in its own process), the rest are the real ffprobe.
        f.write("#!/bin/sh\nif mkdir %s 2>/dev/null; then sleep 601; fi\nexec /usr/bin/ffprobe \"$@\"\n" % marker)
    os.chmod(os.path.join(fake_dir, "ffprobe"), 0o755)
    restart_serve(stack, {"PATH": fake_dir + ":" + os.environ["PATH"], "REELDESK_TOOL_TIMEOUT_SECONDS": "4"})
    try:
        b = Browser(stack.port)
        ids = [create(b, prompt="hung tool %d" % i, resolution="480p", duration="4") for i in range(3)]
        try:
            rows = [wait_status(stack, i, ("completed",), 120) for i in ids]
        except AssertionError:
            raise AssertionError("not all completed: %s" % [(i, task_row(stack, i)["status"], task_row(stack, i)["error_message"]) for i in ids])
        done = sorted(r["completed_at"] for r in rows)
        assert os.path.isdir(marker), "the fake ffprobe was never called"
        hung_at = os.stat(marker).st_mtime
        # Killed at its deadline (4 s), not left to sleep its 601 s.
        wait_for(lambda: not subprocess.run(["pgrep", "-f", "sleep 601"], capture_output=True).stdout, 10, "the hung ffprobe to be killed")
        log = stack.log_text()
        assert "did not finish within its time limit" in log, "no timeout in the log"
        meanwhile = [t for t in done if t < hung_at + 4]
        assert meanwhile, "no task completed while ffprobe hung (hung at %.1f, completions %s)" % (hung_at, done)
        print("    an ffprobe hung: killed after 4 s; %d task(s) completed meanwhile; 3/3 completed within %.1f s of the hang"
              % (len(meanwhile), done[-1] - hung_at))
    finally:
        restart_serve(stack, {"PATH": os.environ["PATH"], "REELDESK_TOOL_TIMEOUT_SECONDS": None})


@test
def control_characters_are_refused_and_cannot_forge_log_lines(stack):
    b = Browser(stack.port)
    r = b.post_form("/tasks", dict(FOX, prompt="a fox\x00 DROP TABLE"))
    assert r.status == 422 and "Prompt" in r.text and "control character" in r.text, (r.status, r.text[:300])
    r = b.post_form("/tasks", dict(FOX, prompt="line one\r\nline two\tand a tab"))
    assert r.status == 303, r.status
    task_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert task_row(stack, task_id)["prompt"] == "line one\nline two\tand a tab"
    r = b.get("/tasks/1%0AFORGED-LINE")
    assert r.status in (400, 404), r.status
    for line in stack.log_text().splitlines():
        assert not line.startswith("FORGED-LINE"), "a log line was forged"
    print("    NUL in the prompt → 422 naming Prompt; CRLF stored as LF; %%0A path → %d, no forged log line" % r.status)


@test
def a_header_only_image_is_refused_after_a_full_decode(stack):
    real = png(6000, 6000)
    fake = real[:33]  # signature + IHDR: "6000×6000" by its header, no pixels at all
    b = Browser(stack.port)
    r = b.post_multipart("/tasks", FOX, {"first_frame": ("huge.png", "image/png", fake)})
    assert r.status == 422 and "could not be read as an image" in r.text, (r.status, r.text[:400])
    assert not [f for f in os.listdir(os.path.join(stack.data_dir, "uploads")) if f.endswith(".part")]
    print("    33-byte '6000×6000 PNG' → 422 after ffmpeg's decode; no file kept")


@test
def every_response_says_nosniff_once_and_nginx_hides_its_version(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="headers", resolution="480p", duration="4")
    wait_status(stack, task_id, ("completed",), 60)
    for path in ("/", "/healthz", "/static/css/reeldesk.css", "/tasks/%d/video" % task_id, "/no-such-page"):
        r = b.get(path)
        nosniff = r.headers.get_all("X-Content-Type-Options") or []
        assert nosniff == ["nosniff"], (path, nosniff)
        assert r.headers.get("Server") == "nginx", (path, r.headers.get("Server"))
        assert len(r.headers.get_all("Cache-Control") or []) <= 1, (path, r.headers.get_all("Cache-Control"))
        assert len(r.headers.get_all("Accept-Ranges") or []) <= 1, (path, r.headers.get_all("Accept-Ranges"))
    print("    /, /healthz, static, video, 404: one nosniff each, Server: nginx (no version)")


@test
def video_links_to_private_addresses_are_refused_unless_allowed(stack):
    # A real key (not the simulator's default) makes the portal treat the simulator as a real
    # upstream: its loopback video links must then be refused.
    restart_serve(stack, {"REELDESK_API_KEY": SECRET_KEY, "REELDESK_UPSTREAM_URL": stack.sim_base})
    try:
        b = Browser(stack.port)
        task_id = create(b, prompt="a loopback link", resolution="480p", duration="4")
        row = wait_status(stack, task_id, ("failed",), 60)
        assert "private or local address" in row["error_message"], row["error_message"]
        assert not os.path.exists(os.path.join(stack.data_dir, "media", str(task_id), "video.mp4"))
        print("    loopback video link with a real key: failed, nothing fetched (%s)" % row["error_message"][:60])
    finally:
        restart_serve(stack, {"REELDESK_API_KEY": None, "REELDESK_UPSTREAM_URL": None})


@test
def make_run_works_for_an_ordinary_user_from_their_private_home(stack):
    """run.sh as `nobody` (when the tests run as root) from a mode-0700 folder that user owns,
    data dir inside it: nginx (not root, so its workers are that user) serves pages and statics."""
    if os.getuid() != 0:
        print("    skipped: needs root to become another user (this run is already an ordinary user's)")
        return
    home = tempfile.mkdtemp(prefix="rdnobody-")
    try:
        for part in ("templates", "Public", "nginx", "scripts"):
            subprocess.run(["cp", "-a", os.path.join(stack.checkout, part), home], check=True)
        os.makedirs(os.path.join(home, ".build"))
        subprocess.run(["cp", stack.binary, os.path.join(home, ".build", "reeldesk")], check=True)
        subprocess.run(["chown", "-R", "nobody:nogroup", home], check=True)
        os.chmod(home, 0o700)
        port, sim_port = free_port(), free_port()
        env = {k: v for k, v in stack.env.items() if not k.startswith("REELDESK_")}
        env.update({"HOME": home, "REELDESK_DATA_DIR": home + "/var", "REELDESK_PORT": str(port), "REELDESK_SIM_PORT": str(sim_port),
                    "REELDESK_TEMPLATES_DIR": home + "/templates"})
        p = subprocess.Popen(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                              home + "/scripts/run.sh", home + "/.build/reeldesk"], cwd=home, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(p.stdout), daemon=True)
        reader.start()
        try:
            wait_for(lambda: any("Reeldesk is up" in l for l in lines), 30, "make run as nobody to say it is up")
            # The first start printed the admin's password, once, and it signs in.
            printed = [l for l in lines if "created the account admin with password" in l]
            assert len(printed) == 1, lines
            password = re.search(r"with password (\S+)", printed[0]).group(1)
            assert Browser(port, login=None).get("/").status == 303, "signed out, the home page sends you to sign in"
            b = Browser(port, login=("admin", password))
            assert b.get("/").status == 200
            assert b.get("/admin").status == 200
            assert b.get("/static/css/reeldesk.css").status == 200
            s = EventStream(port, cookie=b.session_cookie())
            assert s.status == 200
            s.close()
            for root, _, files in os.walk(home + "/var"):
                for name in files:
                    if name.endswith((".log", ".err")) or name in ("access.log", "error.log"):
                        with open(os.path.join(root, name), errors="replace") as f:
                            assert password not in f.read(), "the first password reached " + name
            os.killpg(p.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
            p.wait(20)
            reader.join(5)
            out = "".join(lines)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        assert p.returncode == 0 and "Reeldesk is up" in out and "Reeldesk stopped." in out, (p.returncode, [l for l in out.splitlines() if "reeldesk:" not in l and " info " not in l])
        print("    as nobody from its 0700 folder: first-start admin password printed once and signs in; page, static file and stream 200; Ctrl-C → exit 0")
    finally:
        subprocess.run(["rm", "-rf", home])
