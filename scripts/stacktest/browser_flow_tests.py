"""The browser suite: the flows a person goes through, in headless Chromium against the real
stack, each leaving screenshots in test-output/browser/ (FLOW-STEP.png). Text-to-video watched
live and played is in browser_tests; every later feature adds its flow here."""
import http.server
import os
import shutil
import threading
import time

from .browser_tests import chromium, plays, shot, wait_until
from .client import Browser
from .generation_tests import create, task_row, wait_status
from .portal_browser_tests import png_file, tasks_with_prompt
from .images import png
from .registry import test
from .stack import free_port


def loaded(driver):
    return driver.execute_script("return document.readyState") == "complete"


class ImageServer:
    """A PNG at http://127.0.0.1:PORT/frame.png, the way an image host answers."""

    def __init__(self, body):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == "/frame.png" else 404)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/frame.png" % self.port

    def close(self):
        self.server.shutdown()


def fill_form(driver, prompt, duration="4", resolution="480p"):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    box = driver.find_element(By.ID, "prompt")
    box.clear()
    box.send_keys(prompt)
    d = driver.find_element(By.ID, "duration")
    d.clear()
    d.send_keys(duration)
    Select(driver.find_element(By.ID, "resolution")).select_by_value(resolution)


def submit(driver):
    from selenium.webdriver.common.by import By
    driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
    wait_until(driver, lambda d: "/tasks/" in d.current_url and loaded(d), 30, "the task page")
    return int(driver.current_url.rstrip("/").rsplit("/", 1)[1])


@test
def flow_first_frame_by_upload_and_last_frame_by_url(stack):
    from selenium.webdriver.common.by import By
    first = png_file(1280, 720, (200, 40, 40))
    host = ImageServer(png(1280, 720, (40, 40, 200)))
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        fill_form(driver, "from red to blue", resolution="720p")
        driver.find_element(By.ID, "first_frame").send_keys(first)
        driver.find_element(By.ID, "last_frame_url").send_keys(host.url)
        shot(driver, "frames", "1-form")
        task_id = submit(driver)
        row = task_row(stack, task_id)
        assert row["first_frame_file"] and row["last_frame_url"] == host.url, row
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "video"), 60, "the player")
        played = plays(driver)
        assert isinstance(played, list) and played[:2] == [1280, 720], played
        # The page names both frames; the uploaded one opens through the task's access rule.
        link = driver.find_element(By.CSS_SELECTOR, '[data-field="first-frame-link"]').get_attribute("href")
        fetched = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(r => done([r.status, r.headers.get('Content-Type')])).catch(e => done(String(e)));
        """, link)
        assert fetched == [200, "image/png"], fetched
        assert host.url in driver.page_source
        shot(driver, "frames", "2-played")
        print("    first frame uploaded, last by URL: task %d played %dx%d; the uploaded frame opens (%s)" % (task_id, played[0], played[1], fetched[1]))
    finally:
        driver.quit()
        host.close()
        os.unlink(first)
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_invalid_input_is_stopped_by_the_browser_then_by_the_server_with_every_error_in_place(stack):
    from selenium.webdriver.common.by import By
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        fill_form(driver, "x")
        driver.find_element(By.ID, "prompt").clear()
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        # The browser's own check keeps the page (an empty required prompt).
        assert driver.current_url.rstrip("/") == stack.base and driver.execute_script(
            "return document.getElementById('prompt').validity.valueMissing")
        shot(driver, "invalid", "1-browser-check")
        # A browser that does not check (or a hand-made request): the server names every field.
        driver.execute_script("document.querySelector('form.new-task').noValidate = true;"
                              "document.getElementById('duration').value = '99';"
                              "document.getElementById('seed').value = 'abc';")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".field-error"), 15, "the field errors")
        errors = {e.get_attribute("id"): e.text for e in driver.find_elements(By.CSS_SELECTOR, ".field-error")}
        assert {"prompt-error", "duration-error", "seed-error"} <= set(errors), errors
        assert driver.find_element(By.ID, "duration").get_attribute("value") == "99", "the value typed is kept"
        assert driver.switch_to.active_element.get_attribute("id") == "form-errors", "the summary takes the focus"
        shot(driver, "invalid", "2-server-errors")
        print("    browser check first, then 422 naming: %s" % ", ".join(sorted(errors)))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_chinese_prompt_round_trips_to_the_video_and_the_history(stack):
    from selenium.webdriver.common.by import By
    prompt = "一只红色的狐狸在雪地里奔跑，电影感，黄金时刻"
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        fill_form(driver, prompt)
        shot(driver, "chinese", "1-form")
        task_id = submit(driver)
        assert tasks_with_prompt(stack, prompt) == [task_id], "stored exactly as typed"
        assert driver.find_element(By.CSS_SELECTOR, "p.prompt").text == prompt
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "video"), 60, "the player")
        assert isinstance(plays(driver), list)
        shot(driver, "chinese", "2-task")
        driver.get(stack.base + "/tasks")
        row = driver.find_element(By.CSS_SELECTOR, '[data-task-id="%d"]' % task_id)
        assert prompt[:12] in row.text, row.text
        shot(driver, "chinese", "3-history")
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_with_javascript_off_submit_and_watch_by_reloads_until_the_video(stack):
    from selenium.webdriver.common.by import By
    driver, home = chromium(javascript=False)
    try:
        driver.get(stack.base + "/")
        fill_form(driver, "no scripts needed", duration="5")
        task_id = submit(driver)
        status = driver.find_element(By.CSS_SELECTOR, 'h1 [data-field="status"]').text
        # (WebDriver's text never includes <noscript>, even with scripts off: read the source.)
        said = "Without JavaScript it reloads every 5 seconds until the task ends."
        assert said in driver.page_source and '<meta http-equiv="refresh" content="5">' in driver.page_source
        shot(driver, "no-javascript", "1-running")
        # No live updates without scripts: the page reloads itself every few seconds instead.
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "video"), 90, "the player after reloads")
        final = driver.find_element(By.CSS_SELECTOR, 'h1 [data-field="status"]').text
        assert final == "Completed", final
        assert driver.find_element(By.CSS_SELECTOR, "video").get_attribute("controls") is not None
        assert task_row(stack, task_id)["status"] == "completed"
        shot(driver, "no-javascript", "2-completed")
        print("    JavaScript off: %s → %s by the page's own reloads (the page says: %s)" % (status, final, said))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_close_the_tab_mid_task_and_come_back_to_the_finished_video(stack):
    from selenium.webdriver.common.by import By
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        fill_form(driver, "left alone while it renders", duration="6")
        task_id = submit(driver)
        wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, 'h1 [data-field="status"]').text == "Processing", 30, "Processing")
        shot(driver, "come-back", "1-processing")
        first_tab = driver.current_window_handle
        driver.switch_to.new_window("tab")
        blank = driver.current_window_handle
        driver.switch_to.window(first_tab)
        driver.close()
        driver.switch_to.window(blank)
        status_when_closed = task_row(stack, task_id)["status"]
        wait_status(stack, task_id, ("completed",), 90)
        driver.get(stack.base + "/tasks/%d" % task_id)
        wait_until(driver, loaded, 10, "the task page")
        played = plays(driver)
        assert isinstance(played, list), played
        shot(driver, "come-back", "2-finished")
        driver.get(stack.base + "/tasks")
        row = driver.find_element(By.CSS_SELECTOR, '[data-task-id="%d"] [data-field="status"]' % task_id)
        assert row.text == "Completed", row.text
        print("    tab closed while %s; back later: completed and playing (%dx%d)" % (status_when_closed, played[0], played[1]))
        assert Browser(stack.port).get("/tasks/%d/video" % task_id).status == 200
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_search_the_history_in_chinese_and_english_with_filters_in_the_url(stack):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    b = Browser(stack.port)
    mark = os.urandom(3).hex()
    made = {
        "zh": create(b, prompt="一只红色的狐狸在雪地里奔跑 %s" % mark, resolution="480p", duration="4"),
        "en": create(b, prompt="a red fox on a frozen lake %s" % mark, resolution="720p", duration="4"),
        "other": create(b, prompt="an owl at night %s" % mark, resolution="480p", duration="4"),
    }
    for i in made.values():
        wait_status(stack, i, ("completed",), 60)
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks")
        box = driver.find_element(By.NAME, "q")
        box.send_keys("狐狸 " + mark)
        box.submit()
        wait_until(driver, lambda d: "q=" in d.current_url and loaded(d), 10, "the search")
        rows = [int(r.get_attribute("data-task-id")) for r in driver.find_elements(By.CSS_SELECTOR, "[data-task-id]")]
        assert rows == [made["zh"]], rows
        shot(driver, "search", "1-chinese")
        box = driver.find_element(By.NAME, "q")
        box.clear()
        box.send_keys('"red f" %s -owl' % mark)
        Select(driver.find_element(By.NAME, "resolution")).select_by_value("720p")
        box.submit()
        wait_until(driver, lambda d: "resolution=720p" in d.current_url and loaded(d), 10, "the filtered search")
        rows = [int(r.get_attribute("data-task-id")) for r in driver.find_elements(By.CSS_SELECTOR, "[data-task-id]")]
        assert rows == [made["en"]], rows
        url = driver.current_url
        shot(driver, "search", "2-phrase-and-filter")
        # The URL is the view: opened anew, it shows the same rows and the same form.
        driver.get(url)
        assert [int(r.get_attribute("data-task-id")) for r in driver.find_elements(By.CSS_SELECTOR, "[data-task-id]")] == [made["en"]]
        assert driver.find_element(By.NAME, "q").get_attribute("value") == '"red f" %s -owl' % mark
        assert Select(driver.find_element(By.NAME, "resolution")).first_selected_option.get_attribute("value") == "720p"
        driver.find_element(By.CSS_SELECTOR, '[data-field="clear-filter"]').click()
        wait_until(driver, lambda d: d.current_url.rstrip("/").endswith("/tasks") and loaded(d), 10, "the whole history")
        print("    searched 狐狸 and a phrase with -owl and 720p: one task each; the URL reopens the same view")
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_compare_three_videos_that_play_and_seek_together(stack):
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    mark = os.urandom(3).hex()
    ids = [create(b, prompt="a %s fox in the snow %s" % (colour, mark), resolution="480p", duration="6", seed=str(seed))
           for colour, seed in (("red", 11), ("grey", 12), ("white", 13))]
    for i in ids:
        wait_status(stack, i, ("completed",), 60)
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks?q=" + mark)
        for i in ids:
            driver.find_element(By.CSS_SELECTOR, '[data-task-id="%d"] input.pick' % i).click()
        driver.find_element(By.CSS_SELECTOR, "#compare-form button").click()
        wait_until(driver, lambda d: "/compare" in d.current_url and loaded(d), 10, "the compare page")
        assert driver.find_elements(By.CSS_SELECTOR, "[data-compare-video]").__len__() == 3
        wait_until(driver, lambda d: d.execute_script(
            "return [...document.querySelectorAll('[data-compare-video]')].every(v => v.readyState >= 2)"), 20, "the videos to load")
        differs = [r.find_element(By.TAG_NAME, "th").text for r in driver.find_elements(By.CSS_SELECTOR, ".compare-params tr.differs")]
        marked = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".prompt-diff mark")]
        assert "Seed" in differs and "Model" not in differs, differs
        assert {"red", "grey", "white"} <= set(marked), marked
        driver.find_element(By.CSS_SELECTOR, "[data-compare-play]").click()
        time.sleep(1.0)
        driver.execute_script("const s = document.querySelector('[data-compare-seek]'); s.value = '0.5';"
                              "s.dispatchEvent(new Event('input', {bubbles: true}));")
        time.sleep(0.8)
        playing = driver.execute_script("return [...document.querySelectorAll('[data-compare-video]')].map(v => [v.currentTime, v.paused])")
        times = [t for t, _ in playing]
        shot(driver, "compare", "1-playing")
        assert not any(p for _, p in playing), "all play"
        assert max(times) - min(times) <= 0.2 and 3.0 <= min(times) <= 5.5, times
        driver.find_element(By.CSS_SELECTOR, "[data-compare-play]").click()
        time.sleep(0.3)
        paused = driver.execute_script("return [...document.querySelectorAll('[data-compare-video]')].map(v => [v.currentTime, v.paused])")
        assert all(p for _, p in paused) and max(t for t, _ in paused) - min(t for t, _ in paused) <= 0.2, paused
        print("    3 videos after a seek to 3.0 s while playing: %s (spread %.3f s); paused together at %.2f s"
              % (", ".join("%.2f" % t for t in times), max(times) - min(times), paused[0][0]))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_my_finished_task_badges_the_tab_and_notifies_once(stack):
    from selenium.webdriver.common.by import By
    from .team_tests import post
    b = Browser(stack.port)
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks")
        wait_until(driver, loaded, 10, "the history")
        title = driver.title
        # A stand-in for the browser's Notification, as if the person had allowed it.
        driver.execute_script("window.__notes = []; window.Notification = function (title, o) { window.__notes.push([title, o.tag]); };"
                              "window.Notification.permission = 'granted';")
        mine = create(b, prompt="tell me when it is done", resolution="480p", duration="4")
        wait_until(driver, lambda d: d.title.startswith("(1) "), 60, "the badge in the tab title")
        notes = driver.execute_script("return window.__notes")
        assert notes == [["Task %d: Completed" % mine, "reeldesk-task-%d" % mine]], notes
        shot(driver, "notify", "1-badge")
        # Later news about a finished task (its tags) and someone else's task are not news for me.
        post(b, "/tasks/%d/tags" % mine, {"tags": "done"}, token_from="/tasks/%d" % mine)
        from .team_tests import add_account
        other = Browser(stack.port, login=add_account(stack, "notmine", "member"))
        theirs = create(other, prompt="someone else's", resolution="480p", duration="4", visibility="team")
        wait_status(stack, theirs, ("completed",), 60)
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-task-id="%d"] .status-completed' % theirs), 15, "their row")
        assert driver.title == "(1) " + title and len(driver.execute_script("return window.__notes")) == 1, driver.title
        driver.find_element(By.TAG_NAME, "h1").click()
        assert driver.title == title, "seen: the badge goes"
        print("    my task finished: title %r, one notification; their task and a tag change: nothing more" % ("(1) " + title))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_four_variations_with_their_total_cost_land_side_by_side_and_fill_in_live(stack):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        mark = os.urandom(3).hex()
        fill_form(driver, "a lighthouse in four shapes " + mark, duration="4")
        one = driver.find_element(By.CSS_SELECTOR, '[data-field="cost-estimate"]').text
        Select(driver.find_element(By.ID, "variations")).select_by_value("4")
        Select(driver.find_element(By.ID, "vary")).select_by_value("aspect_ratio")
        total = driver.find_element(By.CSS_SELECTOR, '[data-field="cost-estimate"]').text
        assert total.endswith("for 4 videos") and total != one, (one, total)
        shot(driver, "variations", "1-form")
        driver.find_element(By.CSS_SELECTOR, "form button.primary").click()
        wait_until(driver, lambda d: "/compare?ids=" in d.current_url and loaded(d), 30, "the compare page")
        ids = [int(x) for x in driver.current_url.split("ids=")[1].split(",")]
        rows = [task_row(stack, i) for i in ids]
        assert len(ids) == 4 and [r["aspect_ratio"] for r in rows] == ["16:9", "9:16", "1:1", "4:3"], rows
        assert all(r["parent_task_id"] == ids[0] and r["lineage"] == "variation" for r in rows[1:])
        with_cost = sum(r["estimated_cost_usd"] for r in rows)
        assert abs(with_cost - float(total.split()[0].lstrip("$"))) < 0.011 * 4, (with_cost, total)
        # The videos appear in their places as the tasks finish, without a reload.
        driver.execute_script("window.__same = true")
        wait_until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-compare-video]")) == 4, 90, "four videos")
        assert driver.execute_script("return window.__same === true")
        shot(driver, "variations", "2-compare")
        print("    4 variations of the aspect ratio, estimated %s beforehand (stored estimates sum to $%.2f); all 4 played in place"
              % (total, with_cost))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def flow_the_grid_shows_small_posters_previews_on_hover_and_opens_the_task(stack):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    b = Browser(stack.port)
    mark = os.urandom(3).hex()
    task_id = create(b, prompt="a harbour at dusk for the grid %s" % mark, resolution="720p", duration="4")
    wait_status(stack, task_id, ("completed",), 60)
    thumb = b.get("/tasks/%d/thumb" % task_id)
    assert thumb.status == 200 and thumb.headers.get("Content-Type") == "image/jpeg" and len(thumb.body) < 30000, len(thumb.body)
    assert Browser(stack.port, login=None).get("/tasks/%d/thumb" % task_id).status == 401
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks?q=" + mark)
        card = driver.find_element(By.CSS_SELECTOR, 'li.card[data-task-id="%d"]' % task_id)
        img = card.find_element(By.TAG_NAME, "img")
        assert img.get_attribute("loading") == "lazy"
        wait_until(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img), 10, "the thumbnail")
        width = driver.execute_script("return arguments[0].naturalWidth", img)
        assert width == 320, width
        ActionChains(driver).move_to_element(card.find_element(By.CSS_SELECTOR, ".card-media")).perform()
        wait_until(driver, lambda d: d.execute_script(
            "const v = arguments[0].querySelector('[data-preview]'); return v && !v.paused && v.currentTime > 0.2 && v.muted", card),
            15, "the muted preview to play on hover")
        shot(driver, "grid", "1-hover")
        ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()
        wait_until(driver, lambda d: d.execute_script("return arguments[0].querySelector('[data-preview]').paused", card), 5, "the preview to stop")
        card.find_element(By.CSS_SELECTOR, ".card-prompt").click()
        wait_until(driver, lambda d: d.current_url.rstrip("/").endswith("/tasks/%d" % task_id), 10, "the task page")
        print("    grid: a %d px thumbnail (%d bytes, 401 signed out), muted preview on hover, a click opens the task" % (width, len(thumb.body)))
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
