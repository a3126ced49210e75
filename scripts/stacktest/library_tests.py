"""Stack tests of the visual library issue, through nginx: search and filters in the URL, tags
and favourites with the team's rules (the browser flow is in browser_flow_tests)."""
import re

from .client import Browser
from .generation_tests import create
from .registry import test
from .team_tests import add_account, audit_rows, post


def ids_on(page):
    return [int(x) for x in re.findall(r'<(?:tr|li class="card") data-task-id="(\d+)"', page.text)]


@test
def tags_and_favourites_follow_the_team_rules_and_filter_the_history(stack):
    a_login = add_account(stack, "tagger", "member")
    b_login = add_account(stack, "starrer", "member")
    v_login = add_account(stack, "looker", "viewer")
    a, b, v = Browser(stack.port, login=a_login), Browser(stack.port, login=b_login), Browser(stack.port, login=v_login)
    shared = create(a, prompt="harbour lights at dusk", resolution="480p", duration="4", visibility="team")
    private = create(a, prompt="a private harbour", resolution="480p", duration="4", visibility="private")
    # A member who may see it tags it for everyone; the page and the history filter show it.
    r = post(b, "/tasks/%d/tags" % shared, {"tags": "Night, harbour lights, <script>x</script>"}, token_from="/tasks/%d" % shared)
    assert r.status == 303, r.status
    page = a.get("/tasks/%d" % shared)
    assert '#night</a>' in page.text and '#harbour-lights</a>' in page.text and "<script>x" not in page.text
    assert ids_on(a.get("/tasks?tag=night")) == [shared] and ids_on(v.get("/tasks?tag=harbour-lights")) == [shared]
    assert [r["action"] for r in audit_rows(stack, task_id=shared)][-1] == "task.tags"
    # Stars are personal: B's star is B's alone, and a viewer may star too.
    assert post(b, "/tasks/%d/favourite" % shared, {"on": "1"}, token_from="/tasks/%d" % shared).status == 303
    assert post(v, "/tasks/%d/favourite" % shared, {"on": "1"}, token_from="/tasks/%d" % shared).status == 303
    assert ids_on(b.get("/tasks?fav=1")) == [shared] and ids_on(a.get("/tasks?fav=1")) == []
    assert "★ Favourite" in b.get("/tasks/%d" % shared).text and "☆ Favourite" in a.get("/tasks/%d" % shared).text
    assert post(b, "/tasks/%d/favourite" % shared, {"on": "0"}, token_from="/tasks/%d" % shared).status == 303
    assert ids_on(b.get("/tasks?fav=1")) == []
    # What one may not see cannot be tagged or starred (404, like missing); a viewer cannot tag (403).
    assert post(b, "/tasks/%d/tags" % private, {"tags": "mine"}, token_from="/tasks/%d" % shared).status == 404
    assert post(b, "/tasks/%d/favourite" % private, {"on": "1"}, token_from="/tasks/%d" % shared).status == 404
    assert post(v, "/tasks/%d/tags" % shared, {"tags": "viewer"}, token_from="/tasks/%d" % shared).status == 403
    assert post(a, "/tasks/%d/tags" % shared, {"tags": "night"}, token_from="/").status == 303
    # Search and filters combine, and the history's form shows them back.
    page = a.get("/tasks?q=harbour&tag=night&status=queued&status=completed")
    assert set(ids_on(page)) <= {shared} and 'name="tag" value="night"' in page.text
    print("    tags set by another member, filtered by tag and by each person's stars; private tasks 404, viewers 403 on tags")


@test
def compare_refuses_what_it_cannot_show_and_hides_what_one_may_not_see(stack):
    from .generation_tests import wait_status
    a = Browser(stack.port, login=add_account(stack, "comparer", "member"))
    b = Browser(stack.port)
    done = [create(a, prompt="compare me %d" % i, resolution="480p", duration="4", visibility="team") for i in range(2)]
    secret = create(a, prompt="compare secret", resolution="480p", duration="4", visibility="private")
    running = create(a, prompt="compare running [sim:never]", resolution="480p", duration="4", visibility="team")
    for i in done + [secret]:
        wait_status(stack, i, ("completed",), 60)
    r = b.get("/compare?ids=%d&ids=%d" % tuple(done))
    assert r.status == 200 and r.text.count("data-compare-video") == 2 and "/tasks/%d/video" % done[0] in r.text
    assert b.get("/compare?ids=%d,%d" % tuple(done)).status == 200, "comma-separated works too"
    assert b.get("/compare?ids=%d" % done[0]).status == 400
    assert b.get("/compare?ids=%d&ids=%d&ids=%d&ids=%d&ids=%d" % (done[0], done[1], secret, running, 999999)).status == 400
    assert b.get("/compare?ids=%d&ids=%d" % (done[0], secret)).status == 404, "another's private task is not there"
    assert a.get("/compare?ids=%d&ids=%d" % (done[0], secret)).status == 200
    r = b.get("/compare?ids=%d&ids=%d" % (done[0], running))
    assert r.status == 200 and r.text.count("data-compare-video") == 1 and "compare-waiting" in r.text, "a running task waits in its place"
    assert b.get("/compare?ids=%27%20OR%201%3D1&ids=..%2F1").status == 400
    print("    compare: 2 shown; 1 or 5 ids 400, another's private task 404, a running one waits in its place")


def api(port, method, path, token=None, body=None, headers=None, cookie_browser=None):
    """A JSON API call with a bearer token (or a signed-in Browser's cookies); returns (status, json, headers)."""
    import json
    b = cookie_browser or Browser(port, login=None)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    r = b.request(method, path, body=data, headers=h)
    try:
        parsed = json.loads(r.text)
    except ValueError:
        parsed = None
    return r.status, parsed, r.headers


def make_token(b, name="script"):
    page = post(b, "/account/tokens", {"name": name}, token_from="/account")
    assert page.status == 200, page.status
    m = re.search(r'data-field="token-value">(rdk_[0-9a-f]{64})<', page.text)
    assert m, page.text[:500]
    return m.group(1)


@test
def the_json_api_answers_what_the_pages_show_refuses_what_they_refuse_and_errs_in_json(stack):
    import json
    from .generation_tests import wait_status
    owner = Browser(stack.port, login=add_account(stack, "apiowner", "member"))
    other = Browser(stack.port, login=add_account(stack, "apiother", "member"))
    watcher = Browser(stack.port, login=add_account(stack, "apiwatch", "viewer"))
    token, other_token, viewer_token = make_token(owner), make_token(other), make_token(watcher, "read only")
    assert token not in owner.get("/account").text, "a token is shown only once"
    # Create through the API: 201, Location, the form's defaults and a drawn seed.
    status, t, headers = api(stack.port, "POST", "/api/tasks", token, {"prompt": "api fox at dawn", "duration": 4, "resolution": "480p",
                                                                       "audio": False, "camera_fixed": True, "visibility": "private"})
    assert status == 201 and headers["Location"] == "/api/tasks/%d" % t["id"], (status, t)
    assert t["camera_fixed"] is True and t["audio"] is False and t["seed_drawn"] is True and t["visibility"] == "private"
    wait_status(stack, t["id"], ("completed",), 60)
    status, done, _ = api(stack.port, "GET", "/api/tasks/%d" % t["id"], token)
    assert status == 200 and done["status"] == "completed" and done["video"]["url"] == "/tasks/%d/video" % t["id"]
    assert owner.get(done["video"]["url"]).status == 200
    # The same data as the pages: the list with a filter is the history page with that filter.
    shared = [create(owner, prompt="api shared %d" % i, resolution="480p", duration="4", visibility="team") for i in range(3)]
    for query in ("q=api", "q=api+shared&resolution=480p", "status=completed"):
        status, listing, _ = api(stack.port, "GET", "/api/tasks?limit=50&" + query, other_token)
        assert status == 200 and [x["id"] for x in listing["tasks"]] == ids_on(other.get("/tasks?" + query)), query
    status, page1, _ = api(stack.port, "GET", "/api/tasks?q=api+shared&limit=2", token)
    status, page2, _ = api(stack.port, "GET", page1["next"], token)
    assert [x["id"] for x in page1["tasks"] + page2["tasks"]] == sorted(shared, reverse=True) and page2["next"] is None
    # What the pages refuse, the API refuses, in JSON.
    status, err, _ = api(stack.port, "GET", "/api/tasks/%d" % t["id"], other_token)
    assert status == 404 and err["error"]["status"] == 404, "another's private task is not there"
    assert t["id"] not in [x["id"] for x in api(stack.port, "GET", "/api/tasks?q=api+fox", other_token)[1]["tasks"]]
    status, err, _ = api(stack.port, "POST", "/api/tasks", viewer_token, {"prompt": "a viewer's wish"})
    assert status == 403 and "role" in err["error"]["message"]
    status, err, headers = api(stack.port, "GET", "/api/tasks", None)
    assert status == 401 and headers.get("WWW-Authenticate", "").startswith("Bearer") and err["error"]["status"] == 401
    assert api(stack.port, "GET", "/api/tasks", "rdk_" + "0" * 64)[0] == 401
    status, err, _ = api(stack.port, "POST", "/api/tasks", token, {"prompt": "", "duration": 99, "resolution": "8k", "seed": "abc"})
    fields = sorted(f["field"] for f in err["error"]["fields"])
    assert status == 422 and fields == ["duration", "prompt", "resolution", "seed"], (status, err)
    r = owner.request("POST", "/api/tasks", body=b"{not json", headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    assert r.status == 400 and json.loads(r.text)["error"]["status"] == 400
    # A browser session reads the API; its writes need the form token in X-CSRF-Token.
    status, listing, _ = api(stack.port, "GET", "/api/tasks?limit=1", cookie_browser=owner)
    assert status == 200 and len(listing["tasks"]) == 1
    assert api(stack.port, "POST", "/api/tasks", body={"prompt": "no header"}, cookie_browser=owner)[0] == 403
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', owner.get("/").text).group(1)
    status, made, _ = api(stack.port, "POST", "/api/tasks", body={"prompt": "from the page's script", "resolution": "480p", "duration": 4},
                          headers={"X-CSRF-Token": csrf}, cookie_browser=owner)
    assert status == 201, (status, made)
    assert api(stack.port, "POST", "/api/tasks", body={"prompt": "x"}, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"},
               cookie_browser=owner)[0] == 403
    # A token is for the API only, and dies when revoked.
    assert Browser(stack.port, login=None).request("GET", "/tasks", headers={"Authorization": "Bearer " + token}).status == 303
    token_id = re.search(r'data-token-id="(\d+)"', owner.get("/account").text).group(1)
    assert post(owner, "/account/tokens/%s/revoke" % token_id, {}, token_from="/account").status == 303
    assert api(stack.port, "GET", "/api/tasks", token)[0] == 401
    doc = json.loads(Browser(stack.port, login=None).get("/api/openapi.json").text)
    assert doc["openapi"].startswith("3.") and {"/api/tasks", "/api/tasks/{id}"} <= set(doc["paths"])
    print("    API: 201 + Location, lists equal to the history pages for 3 filters, keyset next links; 404/403/401/422/400 "
          "as JSON with fields; session reads, writes need X-CSRF-Token; revoked token 401; OpenAPI %s" % doc["openapi"])


@test
def a_webhook_gets_one_signed_post_per_finished_task_and_again_after_a_failed_delivery(stack):
    import hashlib
    import hmac
    import http.server
    import json
    import threading
    from .generation_tests import wait_status
    from .hardening_tests import restart_serve
    from .stack import free_port, wait_for
    received, lock = [], threading.Lock()

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                received.append((dict(self.headers), body))
                # The first delivery of each task fails: it must come again.
                first = sum(1 for h, _ in received if h["X-Reeldesk-Delivery"] == self.headers["X-Reeldesk-Delivery"]) == 1
            self.send_response(500 if first else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = "whsec-" + "ab12" * 6
    import os
    from .stack import database
    # News already set aside while no webhook was configured (a task ending in the second before
    # the restart may still be pending, and is then rightly sent).
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        ended_before = {r[0] for r in db.execute("SELECT task_id FROM webhook_outbox WHERE gave_up_at IS NOT NULL")}
    restart_serve(stack, {"REELDESK_WEBHOOK_URL": "http://127.0.0.1:%d/hook" % port, "REELDESK_WEBHOOK_SECRET": secret})
    try:
        b = Browser(stack.port)
        done = create(b, prompt="webhook fox", resolution="480p", duration="4")
        failed = create(b, prompt="[sim:moderation] webhook", resolution="480p", duration="4")
        cancelled = create(b, prompt="webhook never [sim:never]", resolution="480p", duration="4")
        wait_status(stack, done, ("completed",), 60)
        wait_status(stack, failed, ("failed",), 60)
        assert post(b, "/tasks/%d/cancel" % cancelled, {}, token_from="/tasks/%d" % cancelled).status == 303
        wait_for(lambda: sum(1 for _, body in received if json.loads(body)["task"]["id"] in (done, failed)) >= 4, 30,
                 "two deliveries, each twice")
        import time
        time.sleep(3)
        by_task = {}
        for headers, body in received:
            expected = hmac.new(secret.encode(), (headers["X-Reeldesk-Timestamp"] + ".").encode() + body, hashlib.sha256).hexdigest()
            assert headers["X-Reeldesk-Signature"] == "sha256=" + expected, "a bad signature"
            payload = json.loads(body)
            assert payload["event"] == "task.finished" and str(payload["delivery"]) == headers["X-Reeldesk-Delivery"]
            by_task.setdefault(payload["task"]["id"], []).append((payload["delivery"], payload["task"]["status"]))
        # Tasks that ended before the webhook was set are not replayed to it (others that end
        # meanwhile, from earlier tests, rightly are).
        assert not ended_before & set(by_task), "old news sent: %s" % sorted(ended_before & set(by_task))
        assert done in by_task and failed in by_task and cancelled not in by_task, by_task
        assert all(len(by_task[t]) == 2 and len({d for d, _ in by_task[t]}) == 1 for t in (done, failed)), "each twice, same delivery id"
        assert [s for _, s in by_task[done]] == ["completed", "completed"]
        assert [s for _, s in by_task[failed]] == ["failed", "failed"]
        assert secret not in stack.log_text(), "the signing secret reached a log"
        print("    webhook: %d signed POSTs for %d tasks that finished while it was set (each refused once with 500, then delivered), "
              "none for a cancel, none of the %d that had ended before" % (len(received), len(by_task), len(ended_before)))
    finally:
        restart_serve(stack, {"REELDESK_WEBHOOK_URL": None, "REELDESK_WEBHOOK_SECRET": None})
        server.shutdown()


@test
def selected_tasks_download_as_one_streamed_zip_with_their_parameters(stack):
    import csv
    import io
    import zipfile
    from .generation_tests import wait_status
    b = Browser(stack.port)
    done = [create(b, prompt="zip me %d 狐狸" % i, resolution="480p", duration="4") for i in range(2)]
    running = create(b, prompt="=HYPERLINK(\"x\") still running [sim:never]", resolution="480p", duration="4")
    for i in done:
        wait_status(stack, i, ("completed",), 60)
    r = b.get("/download?ids=%d&ids=%d&ids=%d" % (done[0], done[1], running))
    assert r.status == 200 and r.headers.get("Content-Type") == "application/zip"
    assert r.headers.get("Content-Length") is None, "streamed, not sized in memory first"
    archive = zipfile.ZipFile(io.BytesIO(r.body))
    assert archive.testzip() is None, "every CRC matches"
    names = archive.namelist()
    assert names[0] == "tasks.csv" and len(names) == 3, names
    for i in done:
        video = [n for n in names if n.startswith("reeldesk-%d-" % i)]
        assert video and archive.read(video[0]) == b.get("/tasks/%d/video" % i).body, video
    rows = list(csv.DictReader(io.StringIO(archive.read("tasks.csv").decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [done[0], done[1], running]
    assert rows[0]["prompt"] == "zip me 0 狐狸" and rows[2]["file"] == "" and rows[2]["prompt"].startswith("'="), rows[2]
    other = Browser(stack.port, login=add_account(stack, "zipper", "member"))
    secret = create(b, prompt="zip secret", resolution="480p", duration="4", visibility="private")
    assert other.get("/download?ids=%d" % secret).status == 404
    assert b.get("/download").status == 400 and b.get("/download?ids=" + ",".join(str(i) for i in range(1, 102))).status == 400
    assert Browser(stack.port, login=None).get("/download?ids=%d" % done[0]).status in (303, 401)
    print("    zip of 3 tasks: %d bytes, chunked, CRCs good, videos identical, CSV with all 3 (formula defused); "
          "another's private task 404" % len(r.body))


@test
def a_retried_task_folds_under_its_latest_attempt_and_its_family_is_one_click_away(stack):
    from .generation_tests import wait_status
    b = Browser(stack.port)
    mark = "fam" + __import__("os").urandom(3).hex()
    first = create(b, prompt="a family portrait %s [sim:moderation]" % mark, resolution="480p", duration="4")
    wait_status(stack, first, ("failed",), 60)
    r = post(b, "/tasks/%d/retry" % first, {}, token_from="/tasks/%d" % first)
    assert r.status == 303, r.status
    retry = int(r.headers["Location"].rsplit("/", 1)[1])
    remix = create(b, prompt="a family portrait, remixed %s" % mark, resolution="480p", duration="4", remix_of=str(retry))
    assert ids_on(b.get("/tasks?q=" + mark)) == [remix, retry], "the failed first attempt folds under its retry"
    assert ids_on(b.get("/tasks?q=%s&attempts=all" % mark)) == [remix, retry, first]
    page = b.get("/tasks/%d" % retry).text
    assert 'href="/tasks?family=%d"' % retry in page
    assert ids_on(b.get("/tasks?family=%d" % remix)) == [remix, retry, first], "the whole family, from any member"
    status, listing, _ = api(stack.port, "GET", "/api/tasks?q=" + mark, cookie_browser=b)
    assert [t["id"] for t in listing["tasks"]] == [remix, retry], "the API folds the same way"
    print("    retried task: history shows the latest attempt, attempts=all and family=ID show all 3")


@test
def the_history_pages_newer_and_older_and_sorts_oldest_first_through_nginx(stack):
    b = Browser(stack.port)
    mark = "pg" + __import__("os").urandom(3).hex()
    made = [create(b, prompt="page me %d %s [sim:moderation]" % (i, mark), resolution="480p", duration="4") for i in range(7)]
    # 50 a page is the product's size; the filter here leaves 7, so use the API's limit for small pages.
    status, first, _ = api(stack.port, "GET", "/api/tasks?q=%s&limit=3" % mark, cookie_browser=b)
    status, second, _ = api(stack.port, "GET", first["next"], cookie_browser=b)
    status, third, _ = api(stack.port, "GET", second["next"], cookie_browser=b)
    assert [t["id"] for t in first["tasks"] + second["tasks"] + third["tasks"]] == made[::-1] and third["next"] is None
    status, up, _ = api(stack.port, "GET", "/api/tasks?q=%s&limit=3&sort=oldest" % mark, cookie_browser=b)
    status, up2, _ = api(stack.port, "GET", up["next"], cookie_browser=b)
    assert [t["id"] for t in up["tasks"] + up2["tasks"]] == made[:6], (up, up2)
    page = b.get("/tasks?q=%s&before=%d" % (mark, made[3]))
    assert ids_on(page) == made[:3][::-1]
    newer = re.search(r'href="([^"]*after=%d)"' % made[2], page.text)
    assert newer, "a newer link from an older page"
    assert ids_on(b.get(newer.group(1).replace("&amp;", "&"))) == made[3:][::-1]
    oldest = b.get("/tasks?q=%s&sort=oldest" % mark)
    assert ids_on(oldest) == made and '<option value="oldest" selected>' in oldest.text
    print("    API pages of 3 newest and oldest first; the page's newer link from an older page; sort=oldest")
