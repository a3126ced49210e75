"""Stack tests of the team portal (issue: accounts, sessions, roles, private and shared work,
budgets, audit log), through nginx, with accounts made the way an admin makes them."""
import csv
import hashlib
import hmac
import html
import io
import os
import re
import time
from urllib.parse import urlencode

from .client import Browser, EventStream
from .generation_tests import FOX, create, sim_stats, task_row, wait_status
from .images import png
from .registry import test
from .stack import Stack, database, wait_for

TEAM = {}


def admin(stack):
    return Browser(stack.port, login=stack.admin_login)


def add_account(stack, name, role):
    """Adds an account through the admin page; returns its (name, password)."""
    password = "pw-%s-%s" % (name, os.urandom(5).hex())
    a = admin(stack)
    page = a.get("/admin/users")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
    r = a.request("POST", "/admin/users", body=urlencode({"name": name, "display_name": name.title(), "role": role,
                                                          "password": password, "csrf_token": token}).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200 and "Account %s added." % name in r.text, (r.status, r.text[:300])
    return name, password


def team(stack):
    """Members ann and bob and viewer vic (made once per stack)."""
    if not TEAM:
        for name, role in (("ann", "member"), ("bob", "member"), ("vic", "viewer")):
            TEAM[name] = add_account(stack, name, role)
    return TEAM


def token_of(b, path="/"):
    page = b.get(path)
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert m, (path, page.status)
    return m.group(1)


def post(b, path, fields, token_from="/"):
    fields = dict(fields, csrf_token=token_of(b, token_from))
    return b.request("POST", path, body=urlencode(fields).encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})


def audit_rows(stack, **where):
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join("%s = ?" % k for k in where) if where else "") + " ORDER BY id"
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        db.row_factory = __import__("sqlite3").Row
        return [dict(r) for r in db.execute(sql, tuple(where.values())).fetchall()]


@test
def without_a_session_pages_redirect_to_login_and_everything_else_is_401(stack):
    anon = Browser(stack.port, login=None)
    for path in ("/", "/tasks", "/tasks/1", "/tasks/1/delete", "/admin", "/admin/users", "/admin/audit"):
        r = anon.get(path)
        assert r.status == 303 and r.headers["Location"].startswith("/login"), (path, r.status, r.headers.get("Location"))
    assert anon.get("/tasks/1").headers["Location"] == "/login?next=%2Ftasks%2F1"
    for path in ("/tasks/1/video", "/tasks/1/poster", "/tasks/1/frames/first", "/admin/audit.csv"):
        assert anon.get(path).status == 401, path
    s = EventStream(stack.port, cookie=None)
    assert s.status == 401, s.status
    s.close()
    anon.get("/login")  # the nonce cookie a signed-out form carries
    for path in ("/tasks", "/tasks/1/regenerate", "/tasks/1/retry", "/tasks/1/cancel", "/tasks/1/delete", "/tasks/1/visibility", "/logout"):
        r = post(anon, path, {"prompt": "x"}, token_from="/login")
        assert r.status == 401 or (path == "/logout" and r.status == 401), (path, r.status)
    assert anon.get("/healthz").status == 200
    assert anon.get("/login").status == 200
    assert anon.get("/static/css/reeldesk.css").status == 200
    # A made-up or stale session cookie is nobody.
    anon.cookies["rd_session"] = "0" * 64
    assert anon.get("/").status == 303


@test
def a_private_task_is_invisible_to_another_member_everywhere_and_a_team_task_is_shared(stack):
    t = team(stack)
    ann, bob, vic = Browser(stack.port, login=t["ann"]), Browser(stack.port, login=t["bob"]), Browser(stack.port, login=t["vic"])
    bob.get("/")
    live = EventStream(stack.port, cookie=bob.session_cookie())
    secret_prompt = "ann's private storyboard %s" % os.urandom(4).hex()
    r = ann.post_multipart("/tasks", dict(FOX, prompt=secret_prompt, resolution="480p", duration="4", visibility="private"),
                           {"first_frame": ("first.png", "image/png", png(640, 360, (250, 20, 20)))})
    assert r.status == 303, r.text[:300]
    private = int(r.headers["Location"].rsplit("/", 1)[1])
    shared = create(ann, prompt="ann's shared clip", resolution="480p", duration="4", visibility="team")
    wait_status(stack, private, ("completed",), 60)
    wait_status(stack, shared, ("completed",), 60)
    row = task_row(stack, private)
    assert row["visibility"] == "private" and row["owner_id"] is not None

    # Ann sees both, with the media.
    for path in ("/tasks/%d" % private, "/tasks/%d/video" % private, "/tasks/%d/poster" % private, "/tasks/%d/frames/first" % private):
        assert ann.get(path).status == 200, path
    # Bob: 404 on the private task's page, media, upload and every action, as if it did not exist.
    for path in ("/tasks/%d" % private, "/tasks/%d/video" % private, "/tasks/%d/poster" % private,
                 "/tasks/%d/frames/first" % private, "/tasks/%d/delete" % private, "/?remix=%d" % private):
        r = bob.get(path)
        if path.startswith("/?"):
            assert r.status == 200 and secret_prompt not in r.text, "a remix of an invisible task prefilled it"
        else:
            assert r.status == 404, (path, r.status)
            assert secret_prompt not in r.text
    nothing = bob.get("/tasks/999999")
    for action in ("regenerate", "retry", "cancel", "delete"):
        r = post(bob, "/tasks/%d/%s" % (private, action), {"submission_token": os.urandom(16).hex()})
        assert r.status == 404, (action, r.status)
    r = post(bob, "/tasks/%d/visibility" % private, {"visibility": "team"})
    assert r.status == 404, r.status
    r = post(bob, "/tasks", dict(FOX, remix_of=str(private), prompt="stolen remix"))
    assert r.status == 404, r.status
    page = bob.get("/tasks/%d" % private)
    assert page.status == nothing.status == 404
    history = bob.get("/tasks").text
    assert secret_prompt not in history and "/tasks/%d\"" % private not in history
    assert "/tasks/%d\"" % shared in history, "the team task is in Bob's history"
    assert bob.get("/tasks/%d" % shared).status == 200 and bob.get("/tasks/%d/video" % shared).status == 200

    # Bob's stream, live and replayed from 0, says nothing about the private task.
    events = live.events(100, 3)
    live.close()
    replay = EventStream(stack.port, last_event_id="0", cookie=bob.session_cookie())
    replayed = replay.events(100000, 5)
    replay.close()
    for name, evs, raw in (("live", events, live.buf), ("replay", replayed, replay.buf)):
        ids = {int(re.search(r'"id":(\d+)', e["data"]).group(1)) for e in evs if '"id":' in e["data"]}
        assert private not in ids, "%s stream carried the private task" % name
        assert secret_prompt.encode() not in raw, "%s stream carried the private prompt" % name
        assert shared in ids, "%s stream lacks the team task" % name

    # The viewer sees team work, not private work, and cannot submit or act.
    assert vic.get("/tasks/%d" % shared).status == 200
    assert vic.get("/tasks/%d" % private).status == 404
    assert "name=\"prompt\"" not in vic.get("/").text, "a viewer gets no new-task form"
    assert post(vic, "/tasks", dict(FOX, prompt="viewer try")).status == 403
    assert post(vic, "/tasks/%d/regenerate" % shared, {"submission_token": os.urandom(16).hex()}).status == 403
    # An admin sees everything.
    assert admin(stack).get("/tasks/%d" % private).status == 200

    # Ann shares it: now Bob sees it; private again: gone again.
    assert post(ann, "/tasks/%d/visibility" % private, {"visibility": "team"}, token_from="/tasks/%d" % private).status == 303
    assert bob.get("/tasks/%d" % private).status == 200
    watch = EventStream(stack.port, cookie=bob.session_cookie())
    assert post(ann, "/tasks/%d/visibility" % private, {"visibility": "private"}, token_from="/tasks/%d" % private).status == 303
    assert bob.get("/tasks/%d" % private).status == 404
    # Bob's open pages drop it at once: it is gone for him (and only for him and the viewer).
    told = [e for e in watch.events(20, 5) if e.get("event") == "task.deleted"]
    watch.close()
    assert any('"id":%d,"hidden":true' % private in e["data"] for e in told), told
    # Bob may regenerate Ann's team task (his own new task), not cancel or delete it.
    r = post(bob, "/tasks/%d/regenerate" % shared, {"submission_token": os.urandom(16).hex()}, token_from="/tasks/%d" % shared)
    assert r.status == 303, r.status
    regenerated = int(r.headers["Location"].rsplit("/", 1)[1])
    assert task_row(stack, regenerated)["owner_id"] != task_row(stack, shared)["owner_id"]
    assert post(bob, "/tasks/%d/delete" % shared, {}, token_from="/tasks/%d" % shared).status == 403
    print("    private task %d: 404 for Bob on page, video, poster, frame, 4 actions, visibility, remix; absent from history, "
          "live stream and a %d-event replay; team task %d shared" % (private, len(replayed), shared))


@test
def sign_in_is_uniform_throttled_and_logout_ends_the_session_and_its_stream(stack):
    t = team(stack)
    anon = Browser(stack.port, login=None)

    def attempt(name, password):
        t0 = time.time()
        r = anon.sign_in(name, password, expect_ok=False)
        return r, time.time() - t0

    eve = add_account(stack, "qwz", "member")
    unknown, t_unknown = attempt("nobody-here", "whatever-password")
    wrong, t_wrong = attempt("qwz", "not-qwzs-password")
    assert unknown.status == wrong.status == 401, (unknown.status, wrong.status)
    msg = lambda r: re.search(r'data-field="login-error">([^<]*)<', r.text).group(1)
    assert msg(unknown) == msg(wrong)
    strip = lambda r, n: re.sub(r'value="[0-9a-f]{64}"', "", r.text.replace(n, "NAME"))
    if strip(unknown, "nobody-here") != strip(wrong, "qwz"):
        import difflib
        print("\n".join(difflib.unified_diff(strip(unknown, "nobody-here").splitlines(), strip(wrong, "qwz").splitlines(), lineterm="")))
        raise AssertionError("an unknown name and a wrong password get the same page")
    print("    unknown name %.0f ms, wrong password %.0f ms" % (t_unknown * 1000, t_wrong * 1000))
    assert t_unknown > 0.4 * t_wrong, "an unknown name answers much faster than a wrong password"

    # Four more wrong attempts make five; the sixth within the minute is throttled (even with
    # the right password).
    for _ in range(4):
        assert attempt("qwz", "still-wrong")[0].status == 401
    sixth, _ = attempt("qwz", eve[1])
    assert sixth.status == 429 and "Too many sign-in attempts" in sixth.text, sixth.status

    # The cookie: HttpOnly, SameSite=Lax, Path=/ (no Secure over plain HTTP); rotated at login.
    ann = Browser(stack.port, login=None)
    ann.get("/login")
    first = ann.sign_in(*t["ann"])
    cookie = [c for c in first.headers.get_all("Set-Cookie") if c.startswith("rd_session=")][0]
    for flag in ("HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie, cookie
    assert "Secure" not in cookie
    old = ann.cookies["rd_session"]
    r = ann.get("/login?next=/tasks")
    assert r.status == 303 and r.headers["Location"] == "/tasks", "signed in, the login page sends you on"
    again = post(ann, "/login", {"name": t["ann"][0], "password": t["ann"][1]})
    assert again.status == 303
    assert ann.cookies["rd_session"] != old, "a new session at every sign-in"
    stale = Browser(stack.port, login=None)
    stale.cookies["rd_session"] = old
    assert stale.get("/").status == 303, "the replaced session ended"

    # Logout ends the session server-side and closes its open stream.
    stream = EventStream(stack.port, cookie=ann.session_cookie())
    assert stream.status == 200
    kept = dict(ann.cookies)
    r = post(ann, "/logout", {})
    assert r.status == 303 and r.headers["Location"] == "/login"
    assert stream.is_closed(5), "the session's stream stayed open after logout"
    stream.close()
    replay = Browser(stack.port, login=None)
    replay.cookies = kept
    r = replay.get("/")
    assert r.status == 303 and r.headers["Location"].startswith("/login"), "the old cookie still works after logout"

    # Disabling an account ends its sessions and streams at once (from the command line too).
    vic = Browser(stack.port, login=t["vic"])
    vic.get("/")
    stream = EventStream(stack.port, cookie=vic.session_cookie())
    stack.user("disable", "vic")
    assert stream.is_closed(5), "a disabled account's stream stayed open"
    stream.close()
    assert vic.get("/").status == 303
    assert Browser(stack.port, login=None).sign_in(*t["vic"], expect_ok=False).status == 401
    stack.user("enable", "vic")
    actions = [r["action"] for r in audit_rows(stack, actor_name="qwz")]
    assert actions.count("login.failed") == 5 and actions.count("login.throttled") == 1, actions


@test
def upload_links_need_a_valid_unexpired_signature(stack):
    t = team(stack)
    ann = Browser(stack.port, login=t["ann"])
    r = ann.post_multipart("/tasks", dict(FOX, prompt="signed frames", resolution="480p", duration="4"),
                           {"first_frame": ("first.png", "image/png", png(640, 360, (20, 200, 20)))})
    task_id = int(r.headers["Location"].rsplit("/", 1)[1])
    row = wait_status(stack, task_id, ("completed",), 60)  # the simulator fetched it by its signed link
    name = row["first_frame_file"]
    with open(os.path.join(stack.data_dir, "secret.key"), "rb") as f:
        secret = f.read()

    def link(expires, n=name):
        sig = hmac.new(secret, ("upload:%s:%d" % (n, expires)).encode(), hashlib.sha256).hexdigest()
        return "/uploads/%s?expires=%d&sig=%s" % (n, expires, sig)

    anon = Browser(stack.port, login=None)
    # The link the upstream (the simulator, through nginx) fetched: signed, valid for about 2 h.
    with open(os.path.join(stack.data_dir, "nginx", "logs", "access.log"), errors="replace") as f:
        fetched = re.findall(r'"GET (/uploads/%s\?expires=(\d+)&sig=[0-9a-f]{64}) HTTP/1\.1" (\d+)' % re.escape(name), f.read())
    assert fetched and all(status == "200" for _, _, status in fetched), fetched
    upstream_link, expires, _ = fetched[0]
    assert time.time() + 7000 < int(expires) <= time.time() + 7200, expires
    assert anon.get(upstream_link).status == 200
    assert anon.get(upstream_link.replace("expires=" + expires, "expires=%d" % (int(expires) + 3600))).status == 404, "a stretched expiry"
    assert anon.get("/uploads/" + name).status == 404, "an unsigned upload URL"
    assert anon.get("/upload-files/" + name).status == 404, "nginx's internal location is not reachable"
    good = link(int(time.time()) + 2)
    r = anon.get(good)
    assert r.status == 200 and r.body[:8] == b"\x89PNG\r\n\x1a\n", r.status
    assert anon.get(good.replace("sig=", "sig=0")[:len(good)]).status == 404, "a wrong signature"
    assert anon.get(link(int(time.time()) + 60, n="0" * 32 + ".png")).status == 404, "a signed name that does not exist"
    wait_for(lambda: time.time() > int(good.split("expires=")[1].split("&")[0]) + 0.2, 5, "the link to expire")
    assert anon.get(good).status == 404, "an expired link"
    # The upstream got a link that works (checked by the finished video above); people use the
    # task's own address, under its access rule.
    assert ann.get("/tasks/%d/frames/first" % task_id).status == 200


def set_settings(stack, **values):
    a = admin(stack)
    current = a.get("/admin").text
    fields = {}
    for key in ("team_budget", "rate_audio", "rate_silent", "max_in_flight"):
        m = re.search(r'name="%s"[^>]*value="([^"]*)"' % key, current)
        fields[key] = m.group(1) if m else ""
    fields["default_visibility"] = "team"
    fields.update(values)
    r = post(a, "/admin/settings", fields, token_from="/admin")
    assert r.status == 303, (r.status, r.text[:500])


def set_budget(stack, name, amount):
    a = admin(stack)
    page = a.get("/admin/users")
    user_id = re.search(r'<tr data-user="%s">.*?action="/admin/users/(\d+)"' % name, page.text, re.S).group(1)
    r = post(a, "/admin/users/" + user_id, {"action": "budget", "budget": amount}, token_from="/admin/users")
    assert r.status == 303, (r.status, r.text[:300])


@test
def budgets_and_the_in_flight_cap_refuse_before_anything_goes_upstream(stack):
    fay = add_account(stack, "fay", "member")
    bob = Browser(stack.port, login=fay)
    clip = dict(FOX, prompt="budget clip", resolution="480p", duration="4", audio="on")
    cost = 864 * 496 * (24 * 4 + 1) / 1024 / 1e6 * 2.4  # CONTRACT.md §6 at the default rate

    def tasks_and_submits():
        with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
            n = db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
        return n, sim_stats(stack)["submit_calls"]

    set_budget(stack, "fay", "0.05")
    before = tasks_and_submits()
    r = post(bob, "/tasks", clip)
    assert r.status == 409 and "over your monthly budget of $0.05" in r.text, (r.status, r.text[:200])
    over = re.search(r"\$(\d+\.\d\d) over your monthly budget", r.text).group(1)
    print("    refused: %s" % html.unescape(re.search(r"Refused: [^<]*", r.text).group(0))[:160])
    assert over == "%.2f" % (cost - 0.05), (over, cost)
    time.sleep(1)
    assert tasks_and_submits() == before, "a refused submission stored a task or reached the simulator"

    set_budget(stack, "fay", "")
    set_settings(stack, team_budget="0.01")
    try:
        r = post(bob, "/tasks", clip)
        assert r.status == 409 and "over the team's monthly budget of $0.01" in html.unescape(r.text), (r.status, r.text[:200])
        assert tasks_and_submits() == before
    finally:
        set_settings(stack, team_budget="")

    set_settings(stack, max_in_flight="1")
    try:
        stuck = create(bob, prompt="[sim:never] hold the slot", resolution="480p", duration="4")
        r = post(bob, "/tasks", clip)
        assert r.status == 409 and "already have 1 task(s) queued or running" in r.text, (r.status, r.text[:200])
        assert post(bob, "/tasks/%d/cancel" % stuck, {}, token_from="/tasks/%d" % stuck).status == 303
    finally:
        set_settings(stack, max_in_flight="1000")

    # Within budget it goes through, and the spend moves when it completes.
    set_budget(stack, "fay", "10")
    page = bob.get("/")
    spent_before = re.search(r'data-field="spend-month">\$([\d.]+)<', page.text).group(1)
    task_id = create(bob, **clip)
    row = wait_status(stack, task_id, ("completed",), 60)
    assert row["final_cost_usd"] and abs(row["estimated_cost_usd"] - cost) < 1e-6, row
    spent_after = re.search(r'data-field="spend-month">\$([\d.]+)<', bob.get("/").text).group(1)
    assert float(spent_after) >= float(spent_before) + round(row["final_cost_usd"], 2) - 0.011, (spent_before, spent_after)
    assert '<tr data-user="fay">' in admin(stack).get("/admin").text
    refused = [r for r in audit_rows(stack, actor_name="fay") if r["action"] == "task.refused"]
    assert len(refused) == 3 and {re.search(r'"reason":"(\w+)"', r["detail"]).group(1) for r in refused} == {"user_budget", "team_budget", "in_flight"}
    print("    spend this month for fay: $%s → $%s after a $%.4f clip" % (spent_before, spent_after, row["final_cost_usd"]))


@test
def every_action_is_audited_once_and_the_csv_keeps_chinese(stack):
    name, password = add_account(stack, "dana", "member")
    anon = Browser(stack.port, login=None)
    assert anon.sign_in(name, "wrong-password-1", expect_ok=False).status == 401
    dana = Browser(stack.port, login=(name, password))
    prompt = "一只狐狸在雪中奔跑, \"quoted\", =SUM(A1)"
    task_id = create(dana, prompt=prompt, resolution="480p", duration="4", seed="7")
    wait_status(stack, task_id, ("completed",), 60)
    regen = post(dana, "/tasks/%d/regenerate" % task_id, {"submission_token": os.urandom(16).hex()}, token_from="/tasks/%d" % task_id)
    failed = create(dana, prompt="[sim:moderation] no", resolution="480p", duration="4")
    wait_status(stack, failed, ("failed",), 60)
    retry = post(dana, "/tasks/%d/retry" % failed, {"submission_token": os.urandom(16).hex()}, token_from="/tasks/%d" % failed)
    assert regen.status == retry.status == 303
    assert post(dana, "/tasks/%d/visibility" % task_id, {"visibility": "private"}, token_from="/tasks/%d" % task_id).status == 303
    assert post(dana, "/logout", {}).status == 303
    set_budget(stack, "dana", "3")

    rows = audit_rows(stack, actor_name="dana")
    actions = [r["action"] for r in rows]
    for action in ("login", "login.failed", "task.submit", "task.regenerate", "task.retry", "task.visibility", "logout"):
        expected = 2 if action == "task.submit" else 1
        assert actions.count(action) == expected, (action, actions)
    by_admin = audit_rows(stack, subject="dana")
    assert [r["action"] for r in by_admin if r["action"] in ("user.add", "budget.set")] == ["user.add", "budget.set"], by_admin
    submit = [r for r in rows if r["action"] == "task.submit" and r["task_id"] == task_id][0]
    assert len(submit["params_hash"]) == 64 and submit["cost_usd"] > 0

    r = admin(stack).get("/admin/audit.csv?actor=dana")
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert r.body[:3] == b"\xef\xbb\xbf", "no UTF-8 byte-order mark"
    table = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"), newline="")))
    assert table[0] == ["id", "time_utc", "actor", "action", "task_id", "subject", "prompt", "params_sha256", "cost_usd", "detail", "address"]
    prompts = [row[6] for row in table[1:] if row[4] == str(task_id) and row[3] == "task.submit"]
    assert prompts == [prompt], prompts
    assert all(row[2] == "dana" for row in table[1:])
    page = admin(stack).get("/admin/audit?actor=dana&action=task.retry")
    assert page.status == 200 and page.text.count('data-action="task.retry"') == 1
    assert Browser(stack.port, login=(name, password)).get("/admin/audit").status == 403, "a member reads the audit log"
    print("    %d audit rows for dana; CSV round-trips %r" % (len(rows), prompt))


@test
def trusted_user_header_signs_in_only_known_accounts(stack):
    sso = Stack(stack.binary, {"REELDESK_TRUSTED_USER_HEADER": "X-Remote-User"}, checkout=stack.checkout).start()
    try:
        stack_user = sso.add_user("carol")
        b = Browser(sso.port, login=None)
        r = b.get("/", headers={"X-Remote-User": stack_user[0]})
        assert r.status == 200 and "carol" in r.text.lower(), r.status
        assert b.get("/", headers={"X-Remote-User": "mallory"}).status == 303, "an unknown name is nobody"
        assert b.get("/").status == 303, "no header, nobody"
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', b.get("/", headers={"X-Remote-User": "carol"}).text).group(1)
        r = b.request("POST", "/tasks", body=urlencode(dict(FOX, prompt="by sso", resolution="480p", duration="4", csrf_token=token)).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded", "X-Remote-User": "carol"})
        assert r.status == 303, (r.status, r.text[:300])
    finally:
        sso.cleanup()


@test
def the_admin_overview_names_the_last_failed_task_only_when_there_is_one(stack):
    """A fresh portal has no failed task: no "Last failed task" line (an absent value used to be
    an Optional in the page's context, which opened the section with nothing in it)."""
    fresh = Stack(stack.binary, checkout=stack.checkout).start()
    try:
        a = Browser(fresh.port, login=fresh.admin_login)
        assert "Last failed task" not in a.get("/admin").text
        task_id = create(a, prompt="[sim:moderation] refused at once", resolution="480p", duration="4")
        wait_status(fresh, task_id, ("failed",), 60)
        page = a.get("/admin").text
        assert "Last failed task" in page and 'href="/tasks/%d"' % task_id in page, page[:2000]
        print("    no failure: no line; after task %d failed, it is named" % task_id)
    finally:
        fresh.cleanup()


@test
def in_chromium_the_estimate_follows_the_fields_and_sign_out_returns_to_login(stack):
    import shutil
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from .browser_tests import chromium, wait_until
    pixels = {("480p", "16:9"): 864 * 496, ("720p", "16:9"): 1280 * 720, ("1080p", "16:9"): 1920 * 1080,
              ("480p", "9:16"): 496 * 864, ("720p", "9:16"): 720 * 1280, ("1080p", "9:16"): 1080 * 1920}
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        estimate = lambda d: d.find_element(By.CSS_SELECTOR, '[data-field="cost-estimate"]').text

        def expected(d):
            res = d.find_element(By.ID, "resolution").get_attribute("value")
            ratio = d.find_element(By.CSS_SELECTOR, 'input[name="aspect_ratio"]:checked').get_attribute("value")
            seconds = int(d.find_element(By.ID, "duration").get_attribute("value"))
            audio = d.find_element(By.NAME, "audio").is_selected()
            return "$%.2f" % (pixels[(res, ratio)] * (24 * seconds + 1) / 1024 / 1e6 * (2.4 if audio else 1.2))

        wait_until(driver, lambda d: estimate(d) == expected(d), 10, "the first estimate")
        shown = [estimate(driver)]
        Select(driver.find_element(By.ID, "resolution")).select_by_value("1080p")
        wait_until(driver, lambda d: estimate(d) == expected(d) and estimate(d) != shown[-1], 5, "the estimate to follow 1080p")
        shown.append(estimate(driver))
        driver.find_element(By.NAME, "audio").click()
        wait_until(driver, lambda d: estimate(d) == expected(d) and estimate(d) != shown[-1], 5, "the estimate to follow audio")
        shown.append(estimate(driver))
        driver.find_element(By.CSS_SELECTOR, '[data-action="logout"]').click()
        wait_until(driver, lambda d: d.current_url.endswith("/login"), 10, "the login page after signing out")
        driver.get(stack.base + "/tasks")
        assert "/login?next=%2Ftasks" in driver.current_url, driver.current_url
        print("    estimate in the page: %s" % " → ".join(shown))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
