"""Stack tests of the foundation (issue: Reeldesk runs): every route through nginx."""
import os
import resource
import statistics
import subprocess
import time

from .client import Browser, EventStream
from .images import png
from .registry import test
from .stack import wait_for, database



def task_count(stack):
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        return db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]


def visible_task_count(stack, name="tester"):
    """Tasks the member `name` sees in the history: the team's and their own, a retried attempt
    folded under its latest."""
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        return db.execute("SELECT COUNT(*) FROM tasks t WHERE (visibility = 'team' OR owner_id = (SELECT id FROM users WHERE name = ?)) "
                          "AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.parent_task_id = t.id AND r.lineage = 'retry')",
                          (name,)).fetchone()[0]


# 480p and 4 s keep the simulator's renders of these tasks cheap.
VALID = {"prompt": "a red fox running through snow", "duration": "4", "aspect_ratio": "9:16",
         "resolution": "480p", "seed": "", "audio": "on", "model": "doubao-seedance-1-5-pro"}


@test
def home_serves_the_form(stack):
    b = Browser(stack.port)
    r = b.get("/")
    assert r.status == 200, r.status
    for name in ["prompt", "model", "duration", "aspect_ratio", "resolution", "seed", "audio", "camerafixed",
                 "first_frame_url", "last_frame_url", "first_frame", "last_frame", "csrf_token"]:
        assert 'name="%s"' % name in r.text, "form lacks field " + name
    assert "Simulated upstream" in r.text
    # The simulator fetches the portal's own links: no warning about a loopback address here
    # (with a real key it is shown: findings_tests).
    assert "which is not a public address" not in r.text, "a warning that is not true in simulator mode"
    # Signed in, forms are bound to the session; the nonce cookie is for signed-out forms.
    assert "rd_session" in b.cookies
    anon = Browser(stack.port, login=None)
    r = anon.get("/login")
    assert r.status == 200 and "rd_csrf" in anon.cookies and "HttpOnly" in r.headers.get("Set-Cookie")


@test
def static_files_come_from_nginx_with_cache_headers(stack):
    r = Browser(stack.port).get("/static/css/reeldesk.css")
    assert r.status == 200 and "Cache-Control" in r.headers and "max-age" in r.headers["Cache-Control"], r.headers
    assert Browser(stack.port).get("/static/js/reeldesk.js").status == 200


@test
def healthz_reports_database_and_version(stack):
    import json
    r = Browser(stack.port).get("/healthz")
    body = json.loads(r.text)
    assert r.status == 200 and body["database"] == "ok" and body["version"], r.text


@test
def unknown_path_is_404_and_wrong_method_is_405(stack):
    b = Browser(stack.port)
    r = b.get("/no/such/page")
    assert r.status == 404 and "Page not found" in r.text, r.status
    r = b.request("DELETE", "/tasks")
    assert r.status == 405 and "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"], (r.status, r.headers)
    assert b.get("/tasks/999999").status == 404


@test
def post_without_csrf_token_is_403_and_stores_nothing(stack):
    before = task_count(stack)
    b = Browser(stack.port)
    b.get("/")
    r = b.post_form("/tasks", VALID, with_token=False)
    assert r.status == 403, r.status
    r = b.post_form("/tasks", list(VALID.items()) + [("csrf_token", "0" * 64)], with_token=False)
    assert r.status == 403, r.status
    assert task_count(stack) == before


@test
def invalid_form_is_422_with_every_error_and_values_kept(stack):
    before = task_count(stack)
    b = Browser(stack.port)
    fields = dict(VALID, duration="13", seed="-2", aspect_ratio="5:4", prompt="keep <this> prompt",
                  first_frame_url="https://example.com/a.png")
    r = b.post_multipart("/tasks", fields, {
        "first_frame": ("a.png", "image/png", png(640, 360)),   # both URL and file for one role
        "last_frame": ("tiny.png", "image/png", png(20, 20)),    # a 20-pixel image
    })
    assert r.status == 422, r.status
    for message in ["Duration must be a whole number from 4 to 12", "Seed must be a whole number from -1 to 4294967295",
                    "Aspect ratio must be one of", "not both", "20×20 pixels"]:
        assert message in r.text, "missing error: " + message
    assert "keep &lt;this&gt; prompt" in r.text, "prompt not kept (or not escaped)"
    assert 'value="13"' in r.text and 'value="-2"' in r.text
    assert task_count(stack) == before


@test
def empty_prompt_is_422(stack):
    r = Browser(stack.port).post_form("/tasks", dict(VALID, prompt="   "))
    assert r.status == 422 and "Prompt is required" in r.text


@test
def valid_post_creates_a_task_and_redirects(stack):
    before = task_count(stack)
    b = Browser(stack.port)
    r = b.post_form("/tasks", VALID)
    assert r.status == 303, r.status
    location = r.headers["Location"]
    assert location.startswith("/tasks/"), location
    assert task_count(stack) == before + 1
    page = b.get(location)
    assert page.status == 200 and "a red fox running through snow" in page.text and "496×864" in page.text
    history = b.get("/tasks")
    assert history.status == 200 and location in history.text


@test
def upload_with_a_real_image_is_stored(stack):
    b = Browser(stack.port)
    r = b.post_multipart("/tasks", dict(VALID, prompt="from a first frame"),
                         {"first_frame": ("frame.png", "image/png", png(640, 360))})
    assert r.status == 303, (r.status, r.text[:500])
    uploads = os.listdir(os.path.join(stack.data_dir, "uploads"))
    assert any(name.endswith(".png") for name in uploads), uploads
    assert "uploaded image" in b.get(r.headers["Location"]).text


@test
def body_over_the_limit_is_413_from_the_app(stack):
    before = task_count(stack)
    b = Browser(stack.port)
    big = png(2, 2) + b"\0" * (2 * 1024 * 1024 + 100)
    r = b.post_multipart("/tasks", VALID, {"first_frame": ("big.png", "image/png", big)})
    assert r.status == 413, r.status
    assert "larger than 2 MB" in r.text, r.text[:300]
    assert task_count(stack) == before


@test
def history_paginates_newest_first(stack):
    b = Browser(stack.port)
    # The moderation word makes the simulator fail these at once instead of rendering 50 clips.
    for i in range(55 - visible_task_count(stack)):
        assert b.post_form("/tasks", dict(VALID, prompt="bulk %d [sim:moderation]" % i)).status == 303
    first = b.get("/tasks")
    assert first.text.count('<li class="card" data-task-id=') == 50
    assert "?before=" in first.text
    import re
    older = re.search(r'href="(/tasks\?before=\d+)"', first.text).group(1)
    second = b.get(older)
    assert second.status == 200 and second.text.count('<li class="card" data-task-id=') == 5 and "Newest" in second.text
    # The list view pages the same way, and keeps its view in the links.
    listed = b.get("/tasks?view=list")
    assert listed.text.count("<tr data-task-id=") == 50 and re.search(r'href="/tasks\?view=list&amp;before=\d+"', listed.text)


def event_ids_after(stack, after):
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        return [r[0] for r in db.execute("SELECT id FROM events WHERE id > ? ORDER BY id", (after,))]


@test
def event_stream_delivers_new_tasks_and_resumes_with_last_event_id(stack):
    b = Browser(stack.port)
    s = EventStream(stack.port)
    assert s.status == 200 and "text/event-stream" in s.headers
    time.sleep(0.2)
    started = time.time()
    b.post_form("/tasks", dict(VALID, prompt="streamed task"))
    deadline = started + 1.0
    created = []
    while not created and time.time() < deadline:
        created = [e for e in s.events(10_000, timeout=0.01)
                   if e["event"] == "task.created" and "streamed task" in e["data"]]
    latency = time.time() - started
    assert created, "no task.created event within a second"
    print("    task.created arrived %.0f ms after the POST was sent" % (latency * 1000))
    last_id = int(created[0]["id"])
    s.close()
    # Events written while disconnected (two new tasks, and the poller's updates) must be
    # replayed exactly: every id after Last-Event-ID, in order, none before or twice.
    b.post_form("/tasks", dict(VALID, prompt="missed one"))
    b.post_form("/tasks", dict(VALID, prompt="missed two"))
    s2 = EventStream(stack.port, last_event_id=last_id)
    time.sleep(0.5)
    expected = event_ids_after(stack, last_id)
    replay = s2.events(len(expected), timeout=2.0)
    got = [int(e["id"]) for e in replay][:len(expected)]
    s2.close()
    assert got == expected, (got, expected)
    assert all(int(e["id"]) > last_id for e in replay)
    assert len(set(int(e["id"]) for e in replay)) == len(replay), "an event was delivered twice"
    assert sum("missed" in e["data"] for e in replay if e["event"] == "task.created") == 2


@test
def task_filtered_stream_only_sees_its_task(stack):
    b = Browser(stack.port)
    location = b.post_form("/tasks", dict(VALID, prompt="watched")).headers["Location"]
    task_id = location.rsplit("/", 1)[1]
    s = EventStream(stack.port, "/events?after=0&task=" + task_id)
    events = s.events(5, timeout=1.0)
    assert events and all('"id":%s,' % task_id in e["data"] for e in events), events
    s.close()


@test
def five_hundred_streams_do_not_slow_page_requests(stack):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    b = Browser(stack.port)

    def timings(n=40):
        out = []
        for _ in range(n):
            t = time.perf_counter()
            assert b.get("/tasks").status == 200
            out.append((time.perf_counter() - t) * 1000)
        return statistics.median(out), sorted(out)[int(n * 0.95) - 1]

    base_med, base_p95 = timings()
    streams = [EventStream(stack.port) for _ in range(500)]
    assert all(s.status == 200 for s in streams)
    wait_for(lambda: '"streams":500' in b.get("/healthz").text, 10, "500 streams at the hub")
    load_med, load_p95 = timings()
    started = time.time()
    b.post_form("/tasks", dict(VALID, prompt="fan out"))
    got = sum(1 for s in streams[:50] if s.events(1, timeout=2.0))
    print("    /tasks median %.1f ms, p95 %.1f ms idle; with 500 open streams median %.1f ms, p95 %.1f ms; "
          "event reached 50/50 sampled streams in %.0f ms" % (base_med, base_p95, load_med, load_p95, (time.time() - started) * 1000))
    for s in streams:
        s.close()
    assert got == 50, got
    assert load_med < base_med * 3 + 10, (base_med, load_med)


@test
def streams_beyond_the_cap_get_503_and_idle_streams_are_pinged(stack):
    from .stack import Stack
    small = Stack(stack.binary, {"REELDESK_MAX_STREAMS": "2", "REELDESK_SSE_PING_SECONDS": "0.5",
                                 "REELDESK_SSE_MAX_REPLAY": "3"}).start()
    try:
        a, b = EventStream(small.port), EventStream(small.port)
        assert a.status == 200 and b.status == 200
        c = EventStream(small.port)
        assert c.status == 503 and "Too many live-update connections" in c.buf.decode(), (c.status, c.buf)
        c.close()
        a.events(1, timeout=1.5)
        assert b": ping" in a.buf, a.buf
        a.close()
        wait_for(lambda: '"streams":1' in Browser(small.port).get("/healthz").text, 5, "the hub to notice a departed browser")
        d = EventStream(small.port)
        assert d.status == 200, "a freed slot must be usable again"
        d.close()
        # A client far behind gets one `reload` event instead of the whole history.
        browser = Browser(small.port)
        for i in range(5):
            browser.post_form("/tasks", {"prompt": "replay %d [sim:never]" % i})
        e = EventStream(small.port, last_event_id=0)
        events = e.events(10, timeout=1.0)
        e.close()
        assert [ev["event"] for ev in events][:1] == ["reload"] and not any(ev["event"] == "task.created" for ev in events), events
        b.close()
    finally:
        small.cleanup()


@test
def second_instance_on_the_same_data_dir_refuses_to_start(stack):
    p = subprocess.run([stack.binary, "serve"], env=stack.env, capture_output=True, text=True, timeout=20)
    assert p.returncode != 0
    assert "already serving" in p.stderr, p.stderr
    assert Browser(stack.port).get("/healthz").status == 200, "the first instance lost its socket"


@test
def broken_template_stops_the_boot_naming_file_and_line(stack):
    import shutil
    import tempfile
    from stacktest.stack import REPO
    broken = tempfile.mkdtemp()
    shutil.copytree(os.path.join(REPO, "templates"), broken, dirs_exist_ok=True)
    with open(os.path.join(broken, "pages", "task.mustache"), "a") as f:
        f.write("\n{{#unclosed}}\n")
    env = dict(stack.env, REELDESK_TEMPLATES_DIR=broken)
    p = subprocess.run([stack.binary, "check-config"], env=env, capture_output=True, text=True, timeout=20)
    shutil.rmtree(broken)
    assert p.returncode != 0 and "pages/task.mustache" in p.stderr, p.stderr


@test
def bad_config_names_the_variable(stack):
    env = dict(stack.env, REELDESK_PORT="eighty", REELDESK_LOG_LEVEL="loud")
    p = subprocess.run([stack.binary, "serve"], env=env, capture_output=True, text=True, timeout=20)
    assert p.returncode == 2 and "REELDESK_PORT" in p.stderr and "REELDESK_LOG_LEVEL" in p.stderr, p.stderr


@test
def a_cached_history_row_changes_on_the_page_and_live_as_soon_as_its_task_changes(stack):
    """History rows are cached by (task id, version): a change must show at once."""
    import re
    b = Browser(stack.port)
    r = b.post_form("/tasks", dict(VALID, prompt="cached row [sim:never]"))
    task_id = int(r.headers["Location"].rsplit("/", 1)[1])

    def row_of(page):
        m = re.search(r'<tr data-task-id="%d">.*?</tr>|<li class="card" data-task-id="%d">.*?</li>' % (task_id, task_id), page.text, re.S)
        assert m, "task %d not on the page" % task_id
        return m.group(0)

    def version():
        with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
            return db.execute("SELECT version FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]

    for _ in range(20):  # the poller may change the task between two loads; compare within one version
        v = version()
        first, second = b.get("/tasks"), b.get("/tasks")
        lists = b.get("/tasks?view=list"), b.get("/tasks?view=list")
        if version() == v:
            assert row_of(first) == row_of(second), "the same version renders the same card"
            assert row_of(lists[0]) == row_of(lists[1]), "the same version renders the same row"
            break
    assert "Cancelled" not in row_of(first)
    after = re.search(r'data-last-event-id="(\d+)"', first.text).group(1)
    stream = EventStream(stack.port, last_event_id=after)
    task_page = b.get("/tasks/%d" % task_id).text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', task_page).group(1)
    from urllib.parse import urlencode
    r = b.request("POST", "/tasks/%d/cancel" % task_id, body=urlencode({"csrf_token": token}).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 303, r.status
    for view in ("/tasks", "/tasks?view=list"):  # the card and the row, each cached
        row = row_of(b.get(view))
        assert "status-cancelled" in row and "Cancelled" in row, (view, row)
    events = stream.events(50, 5)
    stream.close()
    import json
    mine = [json.loads(e["data"]) for e in events if e.get("event") == "task.updated"]
    cancelled = [p for p in mine if p["id"] == task_id and p["task"]["status"] == "cancelled"]
    assert cancelled, events[-3:]
    # The live update carries the very card and row the pages now render (one renderer).
    assert cancelled[-1]["view"]["card_html"].strip() == row_of(b.get("/tasks")), cancelled[-1]["view"]["card_html"]
    assert cancelled[-1]["view"]["row_html"].strip() == row_of(b.get("/tasks?view=list")), cancelled[-1]["view"]["row_html"]
