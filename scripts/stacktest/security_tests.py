"""Security probes through nginx (a first part of the proof issue): stored-XSS payloads in every
field that is rendered back, checked in Chromium on the pages and in live updates; security
headers on every kind of answer; SQL metacharacters and path traversal in ids, files and query
parameters."""
import os
import re
import shutil
from urllib.parse import quote

from . import client
from .client import Browser
from .generation_tests import FOX, create, wait_status
from .images import png
from .registry import test
from .stack import database
from .team_tests import admin, token_of

XSS = '"><img src=x id=pwned onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@test
def stored_xss_payloads_render_as_text_on_pages_and_in_live_updates(stack):
    from selenium.webdriver.common.by import By
    from .browser_tests import chromium, wait_until
    # A display name with the payload (made on the admin page), a prompt with it, an upload named with it.
    a = admin(stack)
    password = "pw-xss-" + os.urandom(5).hex()
    r = a.request("POST", "/admin/users", body=("name=xss&role=member&password=%s&display_name=%s&csrf_token=%s"
                                                % (password, quote(XSS, safe=""), token_of(a, "/admin/users"))).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200 and "<script>window.__pwned" not in r.text, r.status
    b = Browser(stack.port, login=("xss", password))
    r = b.post_multipart("/tasks", dict(FOX, prompt="", resolution="480p", duration="4"),
                         {"first_frame": (XSS + ".png", "image/png", png(640, 360, (10, 10, 10)))})
    assert r.status == 422 and "<script>window.__pwned" not in r.text and "&lt;script&gt;" in r.text
    driver, home = chromium(login=("xss", password))
    try:
        driver.get(stack.base + "/tasks")
        wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete", 10, "the history page")
        # Made while the history page is open: it arrives as a live update.
        task_id = create(b, prompt="[sim:moderation] " + XSS, resolution="480p", duration="4")
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-task-id="%d"]' % task_id), 15, "the live row")
        live_row = driver.find_element(By.CSS_SELECTOR, '[data-task-id="%d"]' % task_id)
        assert driver.execute_script("return window.__pwned") is None and not driver.find_elements(By.ID, "pwned"), "the live row ran it"
        assert "<script>" in live_row.text or "onerror" in live_row.text, live_row.text  # shown as text (shortened)
        wait_status(stack, task_id, ("failed",), 60)
        for path in ("/tasks", "/tasks/%d" % task_id, "/", "/?remix=%d" % task_id):
            driver.get(stack.base + path)
            wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete", 10, path)
            assert driver.execute_script("return window.__pwned") is None, "a payload ran on " + path
            assert not driver.find_elements(By.ID, "pwned"), "an element was injected on " + path
        # Shown as the text it is: the prompt on the task page, the name in the top bar.
        driver.get(stack.base + "/tasks/%d" % task_id)
        assert XSS in driver.find_element(By.CSS_SELECTOR, "p.prompt").text
        assert XSS[:64] in driver.find_element(By.CSS_SELECTOR, '[data-field="account"] .who').text, "display names keep 64 characters"
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    driver, home = chromium(login=stack.admin_login)
    try:
        for path in ("/admin", "/admin/users", "/admin/audit"):
            driver.get(stack.base + path)
            assert driver.execute_script("return window.__pwned") is None, "a payload ran on " + path
            assert not driver.find_elements(By.ID, "pwned"), "an element was injected on " + path
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def every_kind_of_answer_carries_the_security_headers(stack):
    b = Browser(stack.port)
    anon = Browser(stack.port, login=None)
    big = b"x" * (5 * 1024 * 1024 // 2)  # over the stack's 2 MB limit, under nginx's 3 MB
    answers = {
        "page": b.get("/tasks"),
        "error page": b.get("/no-such-page"),
        "login page": anon.get("/login"),
        "redirect": anon.get("/tasks"),
        "401": anon.get("/tasks/1/video"),
        "413": b.request("POST", "/tasks", body=big, headers={"Content-Type": "application/x-www-form-urlencoded"}),
        "static": b.get("/static/css/reeldesk.css"),
    }
    for kind, r in answers.items():
        assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"], (kind, r.status, r.headers.get_all("X-Content-Type-Options"))
        assert "nginx/" not in (r.headers.get("Server") or ""), kind
        if (r.headers.get("Content-Type") or "").startswith("text/html"):
            for h in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
                assert r.headers.get(h), (kind, r.status, h)
            assert r.headers.get("Cache-Control") == "no-store", (kind, r.headers.get("Cache-Control"))
    assert answers["413"].status == 413 and answers["401"].status == 401 and answers["redirect"].status == 303


@test
def sql_metacharacters_and_path_traversal_change_nothing_and_reveal_nothing(stack):
    b = Browser(stack.port)
    a = admin(stack)
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        before = db.execute("SELECT (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM users)").fetchone()
    probes = ["' OR 1=1 --", "1; DROP TABLE tasks; --", '" OR ""="', "1 UNION SELECT password_hash FROM users", "%00", "99999999999999999999"]
    for p in probes:
        q = quote(p, safe="")
        for path in ("/tasks?before=%s" % q, "/?remix=%s" % q, "/?seed_from=%s" % q, "/events?task=%s&after=%s" % (q, q)):
            if path.startswith("/events"):
                continue  # a stream; its parameters are parsed as numbers or ignored (unit-tested)
            r = b.get(path)
            assert r.status in (200, 400, 404), (path, r.status)
            assert "argon2" not in r.text and "SQLITE" not in r.text.upper().replace("SQLITE3", "")
        for path in ("/admin/audit?actor=%s&action=%s&task=%s&since=%s" % (q, q, q, q), "/admin/audit.csv?actor=%s" % q):
            r = a.get(path)
            assert r.status in (200, 400), (path, r.status)
            assert "argon2" not in r.text
    traversal = ["/tasks/..%2F..%2Fetc%2Fpasswd/video", "/tasks/1/frames/..%2F..%2Fsecret.key", "/uploads/..%2Fsecret.key",
                 "/uploads/..%2F..%2Fetc%2Fpasswd?expires=9999999999&sig=" + "0" * 64, "/media/1/video.mp4",
                 "/upload-files/../secret.key", "/static/../var/secret.key", "/static/..%2F..%2Fetc%2Fpasswd",
                 "/tasks/01/video", "/tasks/-1", "/tasks/1e3"]
    for path in traversal:
        r = b.get(path)
        assert r.status in (400, 404), (path, r.status)
        assert b"root:" not in r.body and len(r.body) < 20000, path
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        after = db.execute("SELECT (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM users)").fetchone()
    assert after == before, (before, after)
    print("    %d SQL probes × 5 places and %d traversal paths: no 500, nothing revealed, nothing changed" % (len(probes), len(traversal)))


def upload_files(stack):
    d = os.path.join(stack.data_dir, "uploads")
    return sorted(os.path.relpath(os.path.join(p, f), d) for p, _, fs in os.walk(d) for f in fs)


def task_count(stack):
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        return db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]


@test
def upstream_error_texts_and_javascript_urls_stay_inert_in_pages_and_live_updates(stack):
    from selenium.webdriver.common.by import By
    from .browser_tests import chromium, wait_until
    b = Browser(stack.port)
    # A typed `javascript:` address is refused at submit and never becomes a link.
    for url in ("javascript:window.__pwned=3", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>"):
        r = b.post_form("/tasks", dict(FOX, first_frame_url=url, resolution="480p", duration="4"))
        assert r.status == 422 and 'id="first_frame_url-error"' in r.text, (url, r.status)
        assert 'href="%s' % url[:10] not in r.text.lower().replace("&#58;", ":")
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks")
        wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete", 10, "the history page")
        # The upstream quotes the prompt back in its error; the error reaches the row live.
        task_id = create(b, prompt="[sim:echofail] " + XSS, resolution="480p", duration="4")
        row = wait_status(stack, task_id, ("failed",), 60)
        assert XSS in row["error_message"], row["error_message"]
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-task-id="%d"]' % task_id), 15, "the live row")
        wait_until(driver, lambda d: "Failed" in d.find_element(By.CSS_SELECTOR, '[data-task-id="%d"]' % task_id).text, 15, "Failed live")
        assert driver.execute_script("return window.__pwned") is None and not driver.find_elements(By.ID, "pwned")
        driver.get(stack.base + "/tasks/%d" % task_id)
        assert XSS in driver.find_element(By.TAG_NAME, "main").text, "the upstream's error is shown as text"
        assert driver.execute_script("return window.__pwned") is None and not driver.find_elements(By.ID, "pwned")
        links = driver.execute_script("return [...document.links].map(a => a.protocol).filter(p => p !== 'http:' && p !== 'https:')")
        assert links == [], links
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
    print("    javascript:/data: frame addresses: 422; an upstream error quoting markup: text on the page and in the live row")


@test
def uploads_that_lie_about_their_type_and_broken_multipart_bodies_store_nothing(stack):
    b = Browser(stack.port)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>alert(1)</script></svg>'
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    gif_html = b"GIF89a<script>alert(1)</script>"  # a magic number, then markup
    before_files, before_tasks = upload_files(stack), task_count(stack)
    for name, ctype, data in (("evil.png", "image/png", svg), ("evil.svg", "image/svg+xml", svg), ("page.jpg", "image/jpeg", html),
                              ("polyglot.gif", "image/gif", gif_html)):
        r = b.post_multipart("/tasks", dict(FOX, resolution="480p", duration="4"), {"first_frame": (name, ctype, data)})
        assert r.status == 422 and 'id="first_frame-error"' in r.text, (name, r.status)
        assert "<script>alert(1)" not in r.text
    assert upload_files(stack) == before_files and task_count(stack) == before_tasks
    # A real PNG named .jpg and sent as JPEG: judged by its bytes, stored and served as PNG.
    r = b.post_multipart("/tasks", dict(FOX, prompt="a png called jpg", resolution="480p", duration="4"),
                         {"first_frame": ("photo.jpg", "image/jpeg", png(640, 360, (1, 2, 3)))})
    assert r.status == 303, r.status
    task_id = int(r.headers["Location"].rsplit("/", 1)[1])
    stored = [f for f in upload_files(stack) if f not in before_files]
    assert len(stored) == 1 and stored[0].endswith(".png"), stored
    frame = b.get("/tasks/%d/frames/first" % task_id)
    assert frame.status == 200 and frame.headers.get("Content-Type") == "image/png" and frame.body.startswith(b"\x89PNG")
    assert frame.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    # Over the body limit, and cut before the closing boundary.
    before_files, before_tasks = upload_files(stack), task_count(stack)
    body, ctype = client.multipart(list(dict(FOX, csrf_token=b.csrf()).items()), {"first_frame": ("big.png", "image/png", b"\0" * (2 * 1024 * 1024 + 10))})
    r = b.request("POST", "/tasks", body=body, headers={"Content-Type": ctype})
    assert r.status == 413, r.status
    body, ctype = client.multipart(list(dict(FOX, csrf_token=b.csrf()).items()), {"first_frame": ("f.png", "image/png", png(640, 360))})
    cut = body[: body.rindex(b"--" + ctype.split("boundary=")[1].encode() + b"--")]
    for truncated in (cut, cut[: len(cut) // 2], body[:40]):
        r = b.request("POST", "/tasks", body=truncated, headers={"Content-Type": ctype})
        assert r.status == 400 and "<html" in r.text.lower() and len(r.text) < 20000, (r.status, r.text[:200])
    r = b.request("POST", "/tasks", body=body, headers={"Content-Type": "multipart/form-data"})  # no boundary
    assert r.status == 400, r.status
    assert upload_files(stack) == before_files and task_count(stack) == before_tasks
    print("    SVG/HTML/polyglot as images: 422, nothing stored; a PNG named .jpg stored and served as PNG; "
          "2 MB+ multipart 413; 3 truncated bodies and a missing boundary 400")


@test
def download_names_cannot_inject_headers_and_a_503_has_the_security_headers(stack):
    import sqlite3
    import threading
    import time
    b = Browser(stack.port)
    task_id = create(b, prompt='evil"; filename="payload.exe; x=狐狸 \\ end', resolution="480p", duration="4")
    wait_status(stack, task_id, ("completed",), 60)
    r = b.get("/tasks/%d/video?download=1" % task_id)
    disposition = r.headers.get_all("Content-Disposition")
    assert r.status == 200 and len(disposition) == 1, disposition
    d = disposition[0]
    assert d.count("filename=") == 1 and d.count("filename*=") == 1 and "payload.exe" not in d.split("filename*=")[0].replace(
        "payload-exe", ""), d
    assert d.startswith('attachment; filename="reeldesk-%d-evil-filename-payload-exe' % task_id) and '\\' not in d, d
    assert "%E7%8B%90%E7%8B%B8" in d, d
    # A 503 (the database held by another process) carries the same headers as any page.
    locked, release = threading.Event(), threading.Event()

    def hold():
        db = sqlite3.connect(os.path.join(stack.data_dir, "reeldesk.sqlite3"), timeout=30, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(15)
        db.execute("COMMIT")
        db.close()

    t = threading.Thread(target=hold)
    t.start()
    locked.wait(10)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', b.get("/").text).group(1)
    t0 = time.time()
    r = b.request("POST", "/tasks", body=("prompt=locked&duration=4&resolution=480p&aspect_ratio=16%3A9&csrf_token=" + token).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    release.set()
    t.join()
    assert r.status == 503 and time.time() - t0 < 5, r.status
    for h in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Retry-After"):
        assert r.headers.get(h), h
    assert r.headers.get_all("X-Content-Type-Options") == ["nosniff"] and r.headers.get("Cache-Control") == "no-store"
    print("    download name: %s; 503 under a held lock with CSP, frame, referrer, nosniff and Retry-After" % d)


@test
def the_api_key_is_absent_from_check_config_output_and_every_process_argument_list(stack):
    from .secrets import SECRET_KEY
    import subprocess
    env = dict(stack.env, REELDESK_API_KEY=SECRET_KEY)
    outputs = []
    for args in (["check-config"], ["check-config", "--export"]):
        r = subprocess.run([stack.binary] + args, env=env, cwd=stack.checkout, capture_output=True, text=True)
        outputs.append(r.stdout + r.stderr)
        assert SECRET_KEY not in r.stdout + r.stderr, args
    assert "with the API key from REELDESK_API_KEY (not shown)" in outputs[0] and "REELDESK_SIMULATED=0" in outputs[1], outputs
    # Every process of this machine that belongs to the stack (and any other): the key is never an argument.
    scanned = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read()
        except OSError:
            continue
        scanned += 1
        assert SECRET_KEY.encode() not in argv, "the key is in the arguments of pid %s: %r" % (pid, argv[:200])
    print("    check-config (both forms) without the key; %d process argument lists scanned" % scanned)
