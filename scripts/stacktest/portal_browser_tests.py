"""Browser tests of the live-portal issue: headless Chromium against the real stack. Many tabs
sharing one stream, nothing bought twice, seeds kept, Retry/Cancel/Delete live, forms that keep
work, and the phone layout (screenshots under test-output/phone/)."""
import json
import os
import re
import tempfile
import time
import urllib.request
from urllib.parse import urlencode

from . import client
from .browser_tests import chromium, sign_in, wait_until
from .client import Browser, EventStream
from .generation_tests import FOX, create, task_row, wait_status
from .images import png
from .registry import test
from .stack import REPO, wait_for, database

SCREENSHOTS = os.path.join(REPO, "test-output", "phone")


def healthz_streams(stack):
    return json.loads(Browser(stack.port).get("/healthz").text)["streams"]


def tasks_with_prompt(stack, prompt):
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        return [r[0] for r in db.execute("SELECT id FROM tasks WHERE prompt = ? ORDER BY id", (prompt,))]


def sim_status_calls(stack, upstream_id):
    with urllib.request.urlopen(stack.sim_base + "/__sim/stats?task=" + upstream_id, timeout=10) as r:
        return json.loads(r.read())["status_calls"]


def png_file(width, height, rgb=(40, 160, 90)):
    path = tempfile.mkstemp(suffix=".png", prefix="rdimg-")[1]
    with open(path, "wb") as f:
        f.write(png(width, height, rgb))
    return path


@test
def a_closed_stream_frees_its_slot_within_seconds(stack):
    before = healthz_streams(stack)
    s = EventStream(stack.port)
    wait_for(lambda: healthz_streams(stack) == before + 1, 5, "the stream to count")
    t0 = time.time()
    s.sock.close()
    wait_for(lambda: healthz_streams(stack) == before, 5, "the server to notice the client left")
    print("    a departed client's slot freed after %.2f s" % (time.time() - t0))


@test
def ten_tabs_and_fifteen_page_changes_share_one_stream(stack):
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    ids = [create(b, prompt="tab test %d" % i, resolution="480p", duration="4") for i in range(3)]
    wait_for(lambda: healthz_streams(stack) == 0, 10, "earlier streams to close")
    driver, home = chromium()
    try:
        pages = ["/", "/tasks", "/tasks/%d" % ids[0], "/tasks/%d" % ids[1], "/tasks?before=%d" % ids[2]]
        for i in range(10):
            if i:
                driver.switch_to.new_window("tab")
            driver.get(stack.base + pages[i % len(pages)])
            wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete" and d.find_elements(By.TAG_NAME, "h1"),
                       15, "tab %d to load" % (i + 1))
        assert len(driver.window_handles) == 10
        wait_for(lambda: healthz_streams(stack) == 1, 10, "one stream for ten tabs (have %d)" % healthz_streams(stack))
        with_ten = healthz_streams(stack)
        # 15 page changes in one tab, by clicking links as a person would.
        driver.switch_to.window(driver.window_handles[0])
        for n in range(15):
            link = "a[href='/tasks']" if n % 2 == 0 else "a.brand"
            driver.find_element(By.CSS_SELECTOR, link).click()
            wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete", 15, "page change %d" % (n + 1))
        driver.get(stack.base + "/tasks")
        driver.execute_script("window.__sameDocument = true;")
        task_id = create(b, prompt="arrives live after 15 page changes", resolution="480p", duration="4")
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-live="tasks"] [data-task-id="%d"]' % task_id), 10,
                   "the new task in the last page without reload")
        assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
        streams = healthz_streams(stack)
        assert streams == 1, "the responder holds %d streams for one browser" % streams
        # The card came from the server as a fragment: ticked now, it stays ticked while its task
        # runs to the end, and when it is done it is the card a reload shows, thumbnail and all.
        card = '[data-live="tasks"] li.card[data-task-id="%d"]' % task_id
        driver.find_element(By.CSS_SELECTOR, card + " input.pick").click()
        wait_status(stack, task_id, ("completed",), 60)
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, card + " img"), 10, "the live card's thumbnail")
        assert driver.find_element(By.CSS_SELECTOR, card + " input.pick").is_selected(), "a live update unticked the card"
        assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
        # The pointer over the card (from the click) started its hover preview: that is the
        # preview's own doing, not the card's, so it is left out of the comparison.
        outer = ("var c = document.querySelector(arguments[0]).cloneNode(true), v = c.querySelector('[data-preview]');"
                 "if (v) { v.removeAttribute('src'); v.classList.remove('playing'); if (!v.classList.length) v.removeAttribute('class'); }"
                 "return c.outerHTML;")
        live = driver.execute_script(outer, card)
        driver.get(stack.base + "/tasks")
        reloaded = driver.execute_script(outer, card)
        assert live == reloaded, (live, reloaded)
        print("    10 tabs loaded: %d stream; 15 page changes, then a new task arrived live; streams now %d; "
              "its live card, ticked, stayed ticked and ended as the card a reload shows" % (with_ten, streams))
    finally:
        driver.quit()


@test
def a_double_click_and_a_replayed_post_each_make_one_task(stack):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    prompt = "double click %d" % time.time()
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        driver.find_element(By.ID, "prompt").send_keys(prompt)
        button = driver.find_element(By.CSS_SELECTOR, "form.new-task button[type=submit]")
        ActionChains(driver).double_click(button).perform()
        wait_until(driver, lambda d: "/tasks/" in d.current_url, 10, "the task page")
        time.sleep(1)
        assert len(tasks_with_prompt(stack, prompt)) == 1, tasks_with_prompt(stack, prompt)
    finally:
        driver.quit()
    b = Browser(stack.port)
    page = b.get("/").text
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', page).group(1)
    replayed = "replayed %d" % time.time()
    body = urlencode(dict(FOX, prompt=replayed, csrf_token=csrf, submission_token=token)).encode()
    answers = [b.request("POST", "/tasks", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}) for _ in range(3)]
    assert all(a.status == 303 for a in answers) and len({a.headers["Location"] for a in answers}) == 1, [(a.status, a.headers["Location"]) for a in answers]
    assert len(tasks_with_prompt(stack, replayed)) == 1
    # Retry and Regenerate carry their own token too.
    task_id = int(answers[0].headers["Location"].rsplit("/", 1)[1])
    page = b.get("/tasks/%d" % task_id).text
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', page).group(1)
    regen = [b.post_form("/tasks/%d/regenerate" % task_id, {"submission_token": token}) for _ in range(2)]
    assert regen[0].headers["Location"] == regen[1].headers["Location"] != "/tasks/%d" % task_id
    print("    double click: 1 task; the same POST 3×: 1 task, same redirect; Regenerate twice with one token: 1 task")


@test
def a_random_seed_is_drawn_shown_and_reusable(stack):
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    task_id = create(b, prompt="random seed", seed="", resolution="480p", duration="4")
    seed = task_row(stack, task_id)["seed"]
    assert seed is not None and 0 <= seed <= 4294967295, seed
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks/%d" % task_id)
        shown = driver.find_element(By.CSS_SELECTOR, '[data-field="seed"]').text
        assert shown.startswith(str(seed)), (shown, seed)
        reuse = driver.find_element(By.CSS_SELECTOR, '[data-field="reuse-seed"]')
        assert str(seed) in reuse.text
        reuse.click()
        wait_until(driver, lambda d: d.find_element(By.ID, "seed").get_attribute("value") == str(seed), 10, "the seed in the form")
        print("    random → drawn seed %d, shown on the page, Reuse seed fills the form" % seed)
    finally:
        driver.quit()


@test
def a_failing_task_shows_retry_live_and_retry_makes_a_second_attempt(stack):
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    task_id = create(b, prompt="flagged [sim:moderation]", resolution="480p", duration="4")
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks/%d" % task_id)
        driver.execute_script("window.__sameDocument = true;")
        retry = driver.find_element(By.CSS_SELECTOR, '[data-action="retry"]')
        wait_until(driver, lambda d: retry.is_displayed(), 60, "Retry to appear without a reload")
        assert driver.execute_script("return window.__sameDocument === true")
        assert "moderation" in driver.find_element(By.CSS_SELECTOR, '[data-field="error"]').text
        upstream = driver.find_element(By.CSS_SELECTOR, '[data-field="upstream-task-id"]').text
        assert upstream.startswith("task_"), upstream
        retry.find_element(By.TAG_NAME, "button").click()
        wait_until(driver, lambda d: d.current_url.rstrip("/").endswith(tuple("/tasks/%d" % i for i in range(task_id + 1, task_id + 50))), 10,
                   "the new attempt's page")
        attempt = int(driver.current_url.rsplit("/", 1)[1])
        family = wait_until(driver, lambda d: "retry of task %d" % task_id in d.find_element(By.CSS_SELECTOR, '[data-field="family"]').text
                            and d.find_element(By.CSS_SELECTOR, '[data-field="family"]').text, 10, "the family on the attempt's page")
        first = task_row(stack, task_id)
        assert first["status"] == "failed" and "moderation" in first["error_message"], "the failed attempt keeps its error"
        assert task_row(stack, attempt)["parent_task_id"] == task_id and task_row(stack, attempt)["lineage"] == "retry"
        driver.get(stack.base + "/tasks/%d" % task_id)
        listed = wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-field="family"]').text, 10, "the family list")
        assert "next attempt: task %d" % attempt in listed, listed
        assert not driver.find_element(By.CSS_SELECTOR, '[data-action="retry"]').is_displayed(), "retried once already"
        print("    Retry appeared live (upstream id %s); attempt %d linked; both listed, the first keeps its error" % (upstream, attempt))
    finally:
        driver.quit()


@test
def cancel_stops_polling_and_delete_removes_the_files(stack):
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    task_id = create(b, prompt="never ends [sim:never]", resolution="480p", duration="4")
    row = wait_status(stack, task_id, ("processing",), 30)
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks/%d" % task_id)
        driver.find_element(By.CSS_SELECTOR, '[data-action="cancel"] button').click()
        wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, 'h1 [data-field="status"]').text == "Cancelled", 10, "Cancelled")
        assert driver.find_element(By.CSS_SELECTOR, '[data-field="cancel-note"]').is_displayed()
        calls = sim_status_calls(stack, row["upstream_task_id"])
        time.sleep(3)  # several poll intervals (0.3–0.6 s in this stack)
        later = sim_status_calls(stack, row["upstream_task_id"])
        assert later == calls, "the simulator got %d status calls after the page said cancelled" % (later - calls)
        # Delete a completed task with an uploaded frame: row, video, poster and upload go.
        done = b.post_multipart("/tasks", dict(FOX, prompt="to be deleted", resolution="480p", duration="4"),
                                {"first_frame": ("red.png", "image/png", png(640, 360, (220, 30, 30)))})
        done_id = int(done.headers["Location"].rsplit("/", 1)[1])
        wait_status(stack, done_id, ("completed",), 60)
        upload = task_row(stack, done_id)["first_frame_file"]
        media = os.path.join(stack.data_dir, "media", str(done_id))
        assert os.path.exists(os.path.join(media, "video.mp4")) and os.path.exists(os.path.join(stack.data_dir, "uploads", upload))
        driver.get(stack.base + "/tasks/%d" % done_id)
        driver.find_element(By.CSS_SELECTOR, '[data-action="delete"] button').click()
        driver.switch_to.alert.accept()
        wait_until(driver, lambda d: d.current_url.endswith("/tasks"), 10, "the history after Delete")
        assert task_row_or_none(stack, done_id) is None
        assert not os.path.exists(media) and not os.path.exists(os.path.join(stack.data_dir, "uploads", upload))
        assert not driver.find_elements(By.CSS_SELECTOR, '[data-task-id="%d"]' % done_id)
        print("    Cancel: %d status calls before, none after; Delete: row, video, poster and upload removed" % calls)
    finally:
        driver.quit()


def task_row_or_none(stack, task_id):
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        return db.execute("SELECT id FROM tasks WHERE id = ?", (task_id,)).fetchone()


@test
def a_422_keeps_the_uploaded_image_marks_only_the_wrong_field_and_unreachable_urls_fail_at_once(stack):
    from selenium.webdriver.common.by import By
    good, tiny = png_file(640, 360), png_file(20, 20)
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        driver.find_element(By.ID, "prompt").send_keys("keeps my upload")
        driver.find_element(By.ID, "first_frame").send_keys(good)
        wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-preview-for="first_frame"]').is_displayed(), 5, "the preview")
        driver.find_element(By.ID, "last_frame").send_keys(tiny)
        driver.find_element(By.CSS_SELECTOR, "form.new-task button[type=submit]").click()
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".form-errors"), 10, "the 422 page")
        kept = driver.find_element(By.CSS_SELECTOR, '[data-frame="first"] .kept img')
        assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", kept), "the kept thumbnail does not load"
        last = driver.find_element(By.ID, "last_frame")
        assert last.get_attribute("aria-invalid") == "true" and last.get_attribute("aria-describedby") == "last_frame-error"
        for other in ("first_frame_url", "last_frame_url", "first_frame", "prompt"):
            el = driver.find_element(By.ID, other)
            assert el.get_attribute("aria-invalid") is None and "invalid" not in (el.get_attribute("class") or ""), other
        assert driver.execute_script("return document.activeElement.id") == "form-errors", "focus is not on the summary"
        # Choose a good last frame and send again: the kept first frame goes with it.
        driver.find_element(By.ID, "last_frame").send_keys(good)
        driver.find_element(By.CSS_SELECTOR, "form.new-task button[type=submit]").click()
        wait_until(driver, lambda d: re.search(r"/tasks/\d+$", d.current_url), 15, "the task page")
        task_id = int(driver.current_url.rsplit("/", 1)[1])
        row = task_row(stack, task_id)
        assert row["first_frame_file"] and row["last_frame_file"], row
        # A typed image URL that cannot work is refused when the form is sent.
        driver.get(stack.base + "/")
        driver.find_element(By.ID, "prompt").send_keys("bad address")
        driver.find_element(By.ID, "first_frame_url").send_keys("http://no-such-host.invalid/x.png")
        t0 = time.time()
        driver.find_element(By.CSS_SELECTOR, "form.new-task button[type=submit]").click()
        wait_until(driver, lambda d: d.find_elements(By.ID, "first_frame_url-error"), 15, "the URL's message")
        message = driver.find_element(By.ID, "first_frame_url-error").text
        assert "could not find the host" in message, message
        print("    422 kept the first frame (thumbnail), marked only last_frame, focused the summary; resent → task %d with both; "
              "bad host refused in %.1f s: %s" % (task_id, time.time() - t0, message))
    finally:
        driver.quit()


@test
def on_a_phone_nothing_scrolls_sideways_and_the_player_keeps_its_shape(stack):
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    wide = create(b, prompt="a wide shot of a harbour at dawn, long lens, boats drifting, gulls overhead", aspect_ratio="16:9",
                  resolution="480p", duration="4")
    tall = create(b, prompt="一只狐狸在雪地里奔跑", aspect_ratio="9:16", resolution="480p", duration="4")
    wait_status(stack, wide, ("completed",), 60)
    wait_status(stack, tall, ("completed",), 60)
    os.makedirs(SCREENSHOTS, exist_ok=True)
    driver, home = chromium()
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        pages = {"home": "/", "history": "/tasks", "task-16x9": "/tasks/%d" % wide, "task-9x16": "/tasks/%d" % tall,
                 "delete": "/tasks/%d/delete" % wide, "not-found": "/no-such-page"}
        for name, path in pages.items():
            driver.get(stack.base + path)
            wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete", 10, name)
            doc, view = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))
            assert doc <= view, "%s scrolls sideways: document %d px, viewport %d px" % (name, doc, view)
            footer = driver.find_element(By.CSS_SELECTOR, "footer").text
            assert ("request" in footer) == (name == "not-found"), (name, footer)
        driver.get(stack.base + "/tasks/%d" % wide)
        video = driver.find_element(By.CSS_SELECTOR, ".player-slot video")
        w, h = driver.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", video)
        assert abs(h - w * 9 / 16) <= 2, "16:9 player is %.1f × %.1f" % (w, h)
        name = Browser(stack.port).get("/tasks/%d/video?download=1" % tall).headers["Content-Disposition"]
        assert "filename*=UTF-8''reeldesk-%d-%%E4%%B8%%80" % tall in name and 'filename="reeldesk-%d.mp4"' % tall in name, name
        print("    390×844: %d pages, none wider than the viewport (screenshots in %s); 16:9 player %.0f×%.0f; download: %s"
              % (len(pages), os.path.relpath(SCREENSHOTS, REPO), w, h, name))
    finally:
        driver.quit()


@test
def without_shared_worker_a_leader_tab_shares_one_stream(stack):
    """The fallback: where SharedWorker is missing, the tab holding a Web Lock streams and
    relays on a BroadcastChannel; closing the leader hands the stream to another tab."""
    from selenium.webdriver.common.by import By
    wait_for(lambda: healthz_streams(stack) == 0, 10, "earlier streams to close")
    # Signed in only after SharedWorker is gone, so no page ever started one.
    driver, home = chromium(login=None)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.SharedWorker;"})
        sign_in(driver, stack.base, *client.LOGINS[stack.port])
        for i in range(4):
            if i:
                driver.switch_to.new_window("tab")
                driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.SharedWorker;"})
            driver.get(stack.base + "/tasks")
            assert driver.execute_script("return typeof SharedWorker") == "undefined"
        wait_for(lambda: healthz_streams(stack) == 1, 10, "one stream for four tabs without SharedWorker (have %d)" % healthz_streams(stack))
        b = Browser(stack.port)
        first = create(b, prompt="relayed to every tab", resolution="480p", duration="4")
        for handle in driver.window_handles:
            driver.switch_to.window(handle)
            wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-task-id="%d"]' % first), 10, "the task in every tab")
        # Close the leader (the first tab): another tab takes the lock and the stream.
        driver.switch_to.window(driver.window_handles[0])
        driver.close()
        driver.switch_to.window(driver.window_handles[0])
        second = create(b, prompt="after the leader left", resolution="480p", duration="4")
        for handle in driver.window_handles:
            driver.switch_to.window(handle)
            wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-task-id="%d"]' % second), 10, "the task after a new leader")
        wait_for(lambda: healthz_streams(stack) == 1, 10, "still one stream")
        print("    no SharedWorker: 4 tabs on 1 stream (Web Lock leader + BroadcastChannel); the leader closed, a new one took over")
    finally:
        driver.quit()
