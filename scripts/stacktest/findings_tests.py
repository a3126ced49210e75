"""What a newcomer, an attacker and the standard checkers hit (issue 18): each test here failed
before its fix."""
import json
import os
import re
import shutil

from .client import Browser
from .generation_tests import FOX, task_row
from .library_tests import api, make_token
from .registry import test
from .team_tests import add_account, admin, post


def admin_post(stack, path, fields):
    return post(admin(stack), path, fields, token_from=path)


@test
def another_accounts_submission_token_never_answers_their_task(stack):
    alice = Browser(stack.port, login=add_account(stack, "tokalice", "member"))
    bob = Browser(stack.port, login=add_account(stack, "tokbob", "member"))
    token = os.urandom(16).hex()
    small = dict(FOX, resolution="480p", duration="4")
    r = alice.post_form("/tasks", dict(small, prompt="alice's private fox", visibility="private", submission_token=token))
    assert r.status == 303, r.status
    alice_task = int(r.headers["Location"].rsplit("/", 1)[1])
    # Bob sends the same token: through the form, the API and an action. Each is his own new task.
    r = bob.post_form("/tasks", dict(small, prompt="bob's fox", submission_token=token))
    assert r.status == 303 and r.headers["Location"] != "/tasks/%d" % alice_task, r.headers.get("Location")
    bob_form_task = int(r.headers["Location"].rsplit("/", 1)[1])
    assert task_row(stack, bob_form_task)["prompt"] == "bob's fox"
    bob_token = make_token(bob)
    status, t, _ = api(stack.port, "POST", "/api/tasks", bob_token,
                       {"prompt": "bob via the api", "duration": 4, "resolution": "480p", "submission_token": token})
    assert status in (200, 201) and t["id"] != alice_task and "alice" not in json.dumps(t), (status, t)
    assert t["id"] == bob_form_task, "his own earlier use of the token answers with his own task"
    other = os.urandom(16).hex()
    status, t, _ = api(stack.port, "POST", "/api/tasks", bob_token,
                       {"prompt": "bob via the api", "duration": 4, "resolution": "480p", "submission_token": other})
    assert status == 201, (status, t)
    alice_token = make_token(alice)
    status, again, _ = api(stack.port, "POST", "/api/tasks", alice_token,
                           {"prompt": "alice again", "duration": 4, "resolution": "480p", "submission_token": other})
    assert status == 201 and again["id"] != t["id"] and again["prompt"] == "alice again", (status, again)
    status, mine, _ = api(stack.port, "POST", "/api/tasks", alice_token, {"prompt": "x", "submission_token": token})
    assert status == 200 and mine["id"] == alice_task, "Alice's own repeat still finds her task"
    print("    a token sent by another account: a new task of theirs (form, API), never the first sender's")


EMPTY_ATTRIBUTE = re.compile(r'\s(src|poster|data-src|href|srcset)=""')


@test
def pages_of_unfinished_tasks_open_no_section_for_an_empty_value(stack):
    from .generation_tests import create
    b = Browser(stack.port)
    running = [create(b, prompt="[sim:never] an unfinished fox %d" % i, resolution="480p", duration="4") for i in range(2)]
    pages = ["/", "/tasks", "/tasks?view=list", "/tasks?q=fox", "/tasks/%d" % running[0], "/compare?ids=%d&ids=%d" % tuple(running),
             "/account"]
    for path in pages:
        r = b.get(path)
        assert r.status == 200, (path, r.status)
        bad = EMPTY_ATTRIBUTE.findall(r.text)
        assert not bad, "%s: empty %s" % (path, bad)
        assert "family of task" not in r.text, path + ": the family notice without a family"
        assert 'name="family"' not in r.text, path + ": an empty family= in the search form"
        assert "of your  budget" not in r.text, path
    grid = b.get("/tasks").text
    card = re.search(r'<li class="card" data-task-id="%d".*?</li>' % running[0], grid, re.S)
    assert card and "<img" not in card.group(0) and "data-preview" not in card.group(0), card and card.group(0)[:400]
    assert 'name="family" value="%d"' % running[0] in b.get("/tasks?family=%d" % running[0]).text, "a real family is kept"
    print("    %d pages of unfinished tasks: no empty src/poster/href, no family notice, no empty family=" % len(pages))


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmRSS for %d" % pid)


@test
def parallel_sign_ins_do_not_balloon_the_responders_memory(stack):
    from concurrent.futures import ThreadPoolExecutor
    name, password = stack.member_login
    Browser(stack.port, login=None).sign_in(name, password)  # the first Argon2 of this test, outside the count
    before = rss_mb(stack.serve.pid)

    def sign_in(i):
        b = Browser(stack.port, login=None)
        if i % 8 == 7:  # an unknown name does the same work (and stays under the address throttle)
            b.sign_in("nobody-%d" % i, "wrong", expect_ok=False)
        else:
            b.sign_in(name, password)
        return i

    with ThreadPoolExecutor(8) as pool:
        assert len(list(pool.map(sign_in, range(80)))) == 80
    after = rss_mb(stack.serve.pid)
    print("    80 sign-ins, 8 at a time: responder RSS %.0f MB before, %.0f MB after" % (before, after))
    assert after - before < 100, "RSS grew by %.0f MB" % (after - before)


@test
def held_uploads_and_task_frames_are_kept_only_by_who_may_keep_them(stack):
    from .images import png
    alice = Browser(stack.port, login=add_account(stack, "keepalice", "member"))
    bob = Browser(stack.port, login=add_account(stack, "keepbob", "member"))
    small = dict(FOX, resolution="480p", duration="4")
    r = alice.post_multipart("/tasks", dict(small, prompt=""), {"first_frame": ("mine.png", "image/png", png(640, 360))})
    assert r.status == 422, r.status
    held = re.search(r'name="first_frame_keep" value="(held/[0-9a-f]{32}\.png)"', r.text).group(1)
    # Bob sends Alice's held name: not his to keep (the same words as a vanished image), nothing shown or moved.
    r = bob.post_form("/tasks", dict(small, prompt="bob takes a frame", first_frame_keep=held))
    assert r.status == 422 and "no longer kept" in r.text and held not in r.text, r.status
    assert os.path.exists(os.path.join(stack.data_dir, "uploads", held)), "Alice's held image stays where it was"
    # Alice keeps her own.
    r = alice.post_form("/tasks", dict(small, prompt="alice's framed fox", visibility="private", first_frame_keep=held))
    assert r.status == 303, (r.status, r.text[:300])
    secret = int(r.headers["Location"].rsplit("/", 1)[1])
    stored = task_row(stack, secret)["first_frame_file"]
    assert stored and not stored.startswith("held/")
    # The file name of a private task's frame: refused by name alone, and 404 through that task.
    r = bob.post_form("/tasks", dict(small, prompt="bob names a file", first_frame_keep=stored))
    assert r.status == 422 and "no longer kept" in r.text, r.status
    r = bob.post_form("/tasks", dict(small, prompt="bob remixes it", first_frame_keep=stored, remix_of=str(secret)))
    assert r.status == 404, r.status
    r = bob.post_form("/tasks", dict(small, prompt="bob's own remix"))
    mine = int(r.headers["Location"].rsplit("/", 1)[1])
    r = bob.post_form("/tasks", dict(small, prompt="bob via his own task", first_frame_keep=stored, remix_of=str(mine)))
    assert r.status == 422 and "no longer kept" in r.text, r.status
    # A remix of a task one may see keeps its frame.
    r = alice.post_form("/tasks", dict(small, prompt="alice remixes", first_frame_keep=stored, remix_of=str(secret)))
    assert r.status == 303 and task_row(stack, int(r.headers["Location"].rsplit("/", 1)[1]))["first_frame_file"] == stored
    print("    another's held upload and a private task's frame file: refused by name; one's own and a visible remix's kept")


@test
def a_disabled_accounts_api_tokens_stay_revoked_when_it_is_enabled_again(stack):
    from .stack import database
    login = add_account(stack, "tokdisabled", "member")
    token = make_token(Browser(stack.port, login=login))
    assert api(stack.port, "GET", "/api/tasks?limit=1", token)[0] == 200
    stack.user("disable", login[0])
    assert api(stack.port, "GET", "/api/tasks?limit=1", token)[0] == 401
    stack.user("enable", login[0])
    assert api(stack.port, "GET", "/api/tasks?limit=1", token)[0] == 401, "re-enabling brought a token back"
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        rows = db.execute("SELECT action, detail FROM audit WHERE subject = ? ORDER BY id", (login[0],)).fetchall()
    assert ("token.revoke", '{"reason":"account_disabled","tokens":"1"}') in rows, rows
    fresh = make_token(Browser(stack.port, login=login))
    assert api(stack.port, "GET", "/api/tasks?limit=1", fresh)[0] == 200, "a token made after re-enabling works"


def raw_request(port, method, path, body=None, headers=None):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


@test
def everything_under_the_api_answers_in_json_even_what_nginx_answers_itself(stack):
    token = make_token(Browser(stack.port))
    auth = {"Authorization": "Bearer " + token}
    probes = [("GET", "/api/tasks/%07", None, auth), ("GET", "/api/tasks/%0A", None, auth), ("GET", "/api/tasks/1%00", None, auth),
              ("GET", "/api/tasks/%FF%FE", None, auth), ("GET", "/api/nothing-here", None, auth), ("GET", "/api/tasks", None, {}),
              ("TRACE", "/api/tasks", None, auth), ("PATCH", "/api/tasks/1", None, auth), ("DELETE", "/api/tasks", None, auth),
              ("POST", "/api/tasks", b"x" * (2 << 20) + b"y" * 4096, dict(auth, **{"Content-Type": "application/json"})),
              ("POST", "/api/tasks", b"x" * (5 << 20), dict(auth, **{"Content-Type": "application/json"})),
              ("GET", "/events", None, {}), ("GET", "/events?x=1", None, {}),
              ("GET", "/api/tasks", None, dict(auth, **{"X-Huge": "h" * 40000}))]
    seen = []
    for method, path, body, headers in probes:
        status, h, data = raw_request(stack.port, method, path, body, headers)
        what = "%s %s → %d %s" % (method, path, status, h.get("content-type"))
        assert status >= 400 and h.get("content-type", "").startswith("application/json"), what + " " + data[:200].decode("utf-8", "replace")
        err = json.loads(data)["error"]
        assert err["status"] == status and err["message"], what
        assert "set-cookie" not in h, what + ": a cookie with an API error"
        if status == 405:
            assert h.get("allow"), what + " names no Allow"
        seen.append("%s %s %d" % (method, path, status))
    # Pages keep their own pages, nginx's included.
    status, h, data = raw_request(stack.port, "TRACE", "/")
    assert status == 405 and h.get("content-type", "").startswith("text/html") and h.get("allow"), (status, h)
    status, h, data = raw_request(stack.port, "GET", "/tasks/1%00")
    assert status == 400 and h.get("content-type", "").startswith("text/html") and b"<!doctype html>" in data.lower(), (status, h)
    print("    %d API probes, each JSON with its status: %s" % (len(seen), "; ".join(seen)))


@test
def an_event_stream_tells_the_browser_when_to_reconnect(stack):
    import time
    from .client import EventStream, dechunk
    s = EventStream(stack.port)
    try:
        assert s.status == 200
        deadline = time.time() + 5
        while b"retry:" not in dechunk(s.buf) and time.time() < deadline:
            s.sock.settimeout(max(0.01, deadline - time.time()))
            s.buf += s.sock.recv(65536)
        text = dechunk(s.buf).decode()
        assert text.startswith("retry: 5000\n\n"), text[:80]
    finally:
        s.close()


def schemathesis_python():
    """The Python that has schemathesis (scripts/install-deps.sh test installs it)."""
    import subprocess
    import sys
    for python in (os.environ.get("RD_SCHEMATHESIS_PYTHON"), sys.executable):
        if python and subprocess.run([python, "-c", "import schemathesis"], capture_output=True).returncode == 0:
            return python
    raise AssertionError("schemathesis is missing: run scripts/install-deps.sh test")


@test
def the_api_answers_as_its_description_says_under_schemathesis(stack):
    """schemathesis 4 with every check over /api/openapi.json, bounded by examples per operation,
    on a stack of its own whose simulated tasks stay running (no video is rendered)."""
    import subprocess
    from .stack import Stack
    own = Stack(stack.binary, {"REELDESK_SIM_SECONDS": "3600"}, checkout=stack.checkout).start()
    try:
        token = make_token(Browser(own.port))
        status, spec, _ = api(own.port, "GET", "/api/openapi.json")
        assert status == 200 and spec["openapi"].startswith("3."), status
        report = os.path.join(own.data_dir, "schemathesis")
        config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
        r = subprocess.run([schemathesis_python(), "-m", "schemathesis.cli", "--config-file", config, "run", own.base + "/api/openapi.json", "--checks", "all",
                            "--max-examples", os.environ.get("RD_SCHEMATHESIS_EXAMPLES", "25"), "--seed", "18",
                            "-H", "Authorization: Bearer " + token, "--no-color", "--request-timeout", "10",
                            "--report", "junit", "--report-dir", report],
                           capture_output=True, text=True, timeout=900, cwd=own.data_dir)
        out = r.stdout + r.stderr
        summary = [line for line in out.splitlines() if "passed" in line or "failed" in line or "errors" in line][-3:]
        print("    schemathesis: " + " | ".join(s.strip() for s in summary))
        assert r.returncode == 0, out[-6000:]
    finally:
        own.cleanup()


@test
def api_parameters_and_fields_that_break_the_description_are_named_not_dropped(stack):
    token = make_token(Browser(stack.port))
    for query, name in [("status=bogus", "status"), ("limit=abc", "limit"), ("limit=0", "limit"), ("limit=101", "limit"),
                        ("from=2026-02-30", "from"), ("owner=-1", "owner"), ("before=x", "before"), ("audio=maybe", "audio"),
                        ("q=" + "x" * 201, "q"), ("family=0", "family"), ("sort=newest", "sort"), ("from=2024-1-011", "from"),
                        ("to=%2B2024-1-01", "to")]:
        status, err, _ = api(stack.port, "GET", "/api/tasks?" + query, token)
        assert status == 400 and [f["field"] for f in err["error"]["fields"]] == [name], (query, status, err)
    assert api(stack.port, "GET", "/api/tasks?status=completed&limit=1", token)[0] == 200
    # Unknown fields and values of another type are refused alike, each named, with the form's own findings.
    for body, named in [({"prompt": "a fox", "promt": "typo"}, ["promt"]), ({"prompt": 5}, ["prompt"]), ({"prompt": "x", "audio": "yes"}, ["audio"]),
                        ({"prompt": "x", "duration": 4.5}, ["duration"]), ({"prompt": "x", "seed": None}, ["seed"]),
                        ({"prompt": "x", "tags": ["a"]}, ["tags"]), ({"prompt": "", "duration": "6"}, ["duration", "prompt"]),
                        ({"prompt": "x", "submission_token": "0f0e6c1e-8c3b-4d4a-9c1e-1f2b3c4d5e6f"}, ["submission_token"])]:
        status, err, _ = api(stack.port, "POST", "/api/tasks", token, body)
        assert status == 422 and sorted(f["field"] for f in err["error"]["fields"]) == named, (body, status, err)


FLASH = re.compile(r'<p class="notice flash" role="status" data-field="flash" tabindex="-1" data-focus>([^<]*)</p>')


@test
def saving_and_deleting_say_so_once_on_the_page_they_land_on(stack):
    from .generation_tests import create, wait_status
    from .team_tests import admin, post
    a = admin(stack)
    current = a.get("/admin").text
    fields = {k: (re.search(r'name="%s"[^>]*value="([^"]*)"' % k, current) or [None, ""])[1]
              for k in ("team_budget", "rate_audio", "rate_silent", "max_in_flight")}
    fields["default_visibility"] = "team"
    r = post(a, "/admin/settings", fields, token_from="/admin")
    assert r.status == 303 and "rd_notice=settings" in r.headers.get("Set-Cookie", ""), r.status
    landed = a.get(r.headers["Location"])
    assert FLASH.findall(landed.text) == ["Settings saved."], FLASH.findall(landed.text)
    assert FLASH.findall(a.get("/admin").text) == [], "a notice is shown once"
    login = add_account(stack, "flashed", "member")
    page = a.get("/admin/users").text
    user_id = re.search(r'<tr data-user="flashed">.*?action="/admin/users/(\d+)"', page, re.S).group(1)
    r = post(a, "/admin/users/" + user_id, {"action": "budget", "budget": "12.50"}, token_from="/admin/users")
    assert FLASH.findall(a.get(r.headers["Location"]).text) == ["Budget saved."]
    r = post(a, "/admin/users/" + user_id, {"action": "role", "role": "viewer"}, token_from="/admin/users")
    assert FLASH.findall(a.get(r.headers["Location"]).text) == ["Role saved."]
    b = Browser(stack.port)
    task = create(b, prompt="a fox to delete", resolution="480p", duration="4")
    wait_status(stack, task, ("completed",), 60)
    r = post(b, "/tasks/%d/delete" % task, {}, token_from="/tasks/%d" % task)
    assert r.status == 303, r.status
    assert FLASH.findall(b.get(r.headers["Location"]).text) == ["Task %d was deleted, with its video, poster and uploaded frames." % task]
    # A forged cookie shows nothing (words come from the catalogue, never from the cookie).
    b.cookies["rd_notice"] = "%3Cscript%3E"
    r = b.get("/tasks")
    cleared = ";".join(r.headers.get_all("Set-Cookie") or [])
    assert FLASH.findall(r.text) == [] and "rd_notice=;" in cleared, cleared
    print("    settings, budget, role and delete each say so once; a forged notice cookie shows nothing")


@test
def the_uploads_warning_shows_only_when_the_upstream_cannot_fetch_them(stack):
    from .secrets import SECRET_KEY
    from .stack import Stack
    warning = "the upstream cannot fetch them"
    assert warning not in Browser(stack.port).get("/").text, "the simulator fetches the portal's own links"
    for public_url, shown in (("", True), ("https://portal.example.com", False)):
        env = {"REELDESK_API_KEY": SECRET_KEY, "REELDESK_UPSTREAM_URL": stack.sim_base}
        if public_url:
            env["REELDESK_PUBLIC_URL"] = public_url
        real = Stack(stack.binary, env, checkout=stack.checkout).start()
        try:
            text = Browser(real.port).get("/").text
            assert (warning in text) == shown and (not shown or "REELDESK_PUBLIC_URL" in text), (public_url, shown)
        finally:
            real.cleanup()


@test
def after_a_refused_prompt_remix_is_the_first_choice_and_the_page_says_why(stack):
    from .generation_tests import create, wait_status
    b = Browser(stack.port)
    refused = create(b, prompt="[sim:moderation] a refused fox", resolution="480p", duration="4")
    wait_status(stack, refused, ("failed",), 60)
    page = b.get("/tasks/%d" % refused).text
    assert re.search(r'<a class="button primary" href="/\?remix=%d" data-field="remix">' % refused, page), "Remix is not primary"
    assert re.search(r'<button type="submit"\s+data-field="retry-button"', page), "Retry is still primary"
    hint = re.search(r'<p class="hint" data-field="refused-hint"\s*>([^<]+)', page)
    assert hint and "Retry would most likely fail the same way" in hint.group(1)
    other = create(b, prompt="[sim:never] a fox that times out", resolution="480p", duration="4")
    page = b.get("/tasks/%d" % other).text
    assert 'data-field="refused-hint" hidden' in page and '<a class="button" href="/?remix=%d"' % other in page


@test
def the_compare_view_fills_in_a_live_finish_and_account_names_say_what_they_take(stack):
    from .browser_tests import chromium, wait_until
    from .generation_tests import create, wait_status
    b = Browser(stack.port)
    done = create(b, prompt="a finished fox", resolution="480p", duration="4")
    wait_status(stack, done, ("completed",), 60)
    driver, home = chromium()
    try:
        late = create(b, prompt="a fox that finishes while compared", resolution="480p", duration="4")
        driver.get(stack.base + "/compare?ids=%d&ids=%d" % (done, late))
        cell = lambda d: d.execute_script(
            "var c = document.querySelector('[data-field=\"video-meta\"][data-task-id=\"%d\"]'); return c && c.textContent" % late)
        assert cell(driver) == "—", cell(driver)
        wait_status(stack, late, ("completed",), 90)
        wait_until(driver, lambda d: "×" in (cell(d) or ""), 20, "the Video row of the finished task")
        assert " fps · " in cell(driver), cell(driver)
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    driver, home = chromium(login=stack.admin_login)
    try:
        driver.get(stack.base + "/admin/users")
        compiles = driver.execute_script("try { new RegExp('^(?:' + document.getElementById('name').pattern + ')$', 'v'); return true; }"
                                         " catch (e) { return String(e); }")
        assert compiles is True, "Chromium cannot use the name pattern: %s" % compiles
        valid = driver.execute_script("var i = document.getElementById('name'); return [['ann.lee-2', '王小明', '-x'].map(function (v) {"
                                      " i.value = v; return i.checkValidity(); }), document.getElementById('name-hint').textContent]")
        assert valid[0] == [True, False, False] and "A–Z" in valid[1], valid
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    r = admin_post(stack, "/admin/users", {"name": "王小明", "role": "member", "display_name": "王小明", "password": ""})
    assert r.status == 422 and "A–Z, a–z, digits" in r.text and "display name" in r.text, r.status
