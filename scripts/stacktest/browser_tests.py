"""Browser tests: headless Chromium (Debian's chromium + chromium-driver, PyPI selenium) drives
the real pages through nginx, so the live updates are seen the way a person sees them."""
import os
import shutil
import tempfile
import time

from .client import Browser
from .registry import test
from .stack import REPO

SHOTS = os.path.join(REPO, "test-output", "browser")


def shot(driver, flow, step):
    """Saves the browser's view as test-output/browser/FLOW-STEP.png; a page reached by a click
    (not by get()) is checked by axe-core here too."""
    if getattr(driver, "checks_accessibility", False) and driver.execute_script("return document.contentType") == "text/html":
        from . import conformance
        conformance.assert_accessible(driver, "%s-%s" % (flow, step))
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, "%s-%s.png" % (flow, step))
    driver.save_screenshot(path)
    return path


def chromium(login="default", javascript=True):
    """A headless Chromium signed in as `login` (default: the stack's test member; None: not),
    with JavaScript off when asked (the sign-in form needs none)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    home = tempfile.mkdtemp(prefix="rd-chrome-")
    os.environ["HOME"] = home  # chromium writes its profile there
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                 "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + home):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = (CheckedChrome if javascript else webdriver.Chrome)(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                                                                   options=options)
    driver.set_page_load_timeout(30)
    from . import client
    login = client.DEFAULT_LOGIN if login == "default" else login
    if login:
        sign_in(driver, client.DEFAULT_BASE, *login)
    return driver, home


def _checked_chrome():
    from selenium import webdriver
    from . import conformance

    class Checked(webdriver.Chrome):
        """Chromium whose every page opened with get() is checked by axe-core once loaded
        (conformance.assert_accessible): the browser suite fails on a serious or critical
        WCAG 2.2 AA violation of any page it visits, at whatever width the test uses."""
        checks_accessibility = True

        def get(self, url):
            super().get(url)
            deadline = time.time() + 10
            while self.execute_script("return document.readyState") != "complete" and time.time() < deadline:
                time.sleep(0.05)
            if self.execute_script("return document.contentType") == "text/html":
                conformance.assert_accessible(self, conformance.strip_origin(url))
    return Checked


class _Lazy:
    """The Checked class, made on first use (selenium is imported only by browser tests)."""
    cls = None

    def __call__(self, *args, **kwargs):
        if _Lazy.cls is None:
            _Lazy.cls = _checked_chrome()
        return _Lazy.cls(*args, **kwargs)


CheckedChrome = _Lazy()


def sign_in(driver, base, name, password):
    from selenium.webdriver.common.by import By
    driver.get(base + "/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login-form button[type=submit]").click()
    wait_until(driver, lambda d: "/login" not in d.current_url, 15, "the sign-in to finish")


def wait_until(driver, predicate, seconds, what):
    """Polls `predicate` until it is truthy. An element that vanished or went stale because the
    page was navigating counts as "not yet" (a click that submits a form races the check)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            value = predicate(driver)
        except (StaleElementReferenceException, NoSuchElementException):
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def plays(driver, seconds=0.5):
    """Starts the page's player muted and returns [width, height, duration] once it has played
    `seconds`, or the reason it did not."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const v = document.querySelector('video');
        if (!v) return done('no player');
        v.muted = true;
        v.play().catch(e => done('play failed: ' + e));
        const t0 = Date.now();
        (function check() {
          if (v.currentTime > %f) return done([v.videoWidth, v.videoHeight, v.duration]);
          if (Date.now() - t0 > 15000) return done('stuck at ' + v.currentTime + ' readyState ' + v.readyState);
          setTimeout(check, 100);
        })();
    """ % seconds)


@test
def browser_submits_watches_progress_and_plays_the_video_without_reloading(stack):
    from selenium.webdriver.common.by import By
    driver, home = chromium()
    try:
        driver.get(stack.base + "/")
        assert "Simulated upstream" in driver.page_source
        driver.find_element(By.ID, "prompt").send_keys("a red fox running through snow")
        assert driver.find_element(By.CSS_SELECTOR, '[data-counter-for="prompt"]').text == "30"
        driver.find_element(By.CSS_SELECTOR, 'input[name="aspect_ratio"][value="9:16"]').find_element(By.XPATH, "..").click()
        duration = driver.find_element(By.ID, "duration")
        duration.clear()
        duration.send_keys("6")
        driver.find_element(By.CSS_SELECTOR, 'input[name="audio"]').click()
        shot(driver, "text-to-video", "1-form")
        driver.find_element(By.CSS_SELECTOR, "button.primary").click()
        wait_until(driver, lambda d: "/tasks/" in d.current_url, 10, "the task page")
        driver.execute_script("window.__sameDocument = true;")
        seen = []

        def watch(d):
            status = d.find_element(By.CSS_SELECTOR, 'h1 [data-field="status"]').text
            progress = d.execute_script('return document.querySelector(\'[data-field="progress"]\').value')
            if not seen or seen[-1] != (status, progress):
                seen.append((status, progress))
                if status == "Processing" and progress and not any(s == "Processing" for s, _ in seen[:-1]):
                    shot(d, "text-to-video", "2-live")
            return d.find_elements(By.CSS_SELECTOR, "video")

        wait_until(driver, watch, 60, "the player to appear")
        assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
        wait_until(driver, lambda d: "720×1280 · 6.0 s · 24 fps · with audio" in d.find_element(By.CSS_SELECTOR, ".video-meta").text,
                   5, "the video details under the player")
        processing = [p for s, p in seen if s == "Processing"]
        print("    statuses seen in the page: %s" % " → ".join(dict.fromkeys(s for s, _ in seen)))
        print("    progress bar values while processing: %s" % processing)
        assert len(set(processing)) >= 2 and processing == sorted(processing), seen
        played = plays(driver)
        assert isinstance(played, list) and played[:2] == [720, 1280] and abs(played[2] - 6) < 0.1, played
        print("    the player played %dx%d, %.1f s" % tuple(played))
        shot(driver, "text-to-video", "3-played")
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)


@test
def history_page_shows_a_new_task_and_its_progress_without_reloading(stack):
    from selenium.webdriver.common.by import By
    driver, home = chromium()
    try:
        driver.get(stack.base + "/tasks")
        driver.execute_script("window.__sameDocument = true;")
        r = Browser(stack.port).post_form("/tasks", {"prompt": "appears by itself", "resolution": "480p", "duration": "4"})
        task_id = r.headers["Location"].rsplit("/", 1)[1]
        row = '[data-task-id="%s"]' % task_id
        wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, row), 5, "the new row")
        wait_until(driver, lambda d: d.find_element(By.CSS_SELECTOR, row + ' [data-field="status"]').text == "Completed",
                   60, "the row to show Completed")
        assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
    finally:
        driver.quit()
        shutil.rmtree(home, ignore_errors=True)
