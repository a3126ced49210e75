"""Every kind of page at 1280 and 390 px in headless Chromium: axe-core finds no serious or
critical WCAG 2.2 AA violation (the browser's get() runs it), nothing scrolls sideways, and no
word of a badge, an id, a duration, a button or a prompt is broken in the middle (CJK text may
break between any two characters)."""
import os
import shutil

from .browser_tests import chromium, shot, wait_until
from .client import Browser
from .generation_tests import create, wait_status
from .registry import test
from .team_tests import admin

# Words broken across lines inside these elements. A word is a run without spaces; one that
# holds CJK characters may break anywhere, and one wider than its box has to.
BROKEN_WORDS = r"""
const selectors = arguments[0];
const cjk = /[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/;
const found = [];
for (const el of document.querySelectorAll(selectors)) {
  if (!el.offsetParent && el.tagName !== 'BODY') continue;
  const style = getComputedStyle(el);
  const inner = el.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue;
    const re = /[^ \t\n\r]+/g;  // a no-break space joins a word (10 s)
    let m;
    while ((m = re.exec(text))) {
      if (cjk.test(m[0])) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      const tops = new Set(rects.map(r => Math.round(r.top)));
      const width = rects.reduce((w, r) => w + r.width, 0);
      if (tops.size > 1 && width <= inner + 1) found.push(el.tagName.toLowerCase() + '.' + el.className + ': "' + m[0] + '"');
    }
  }
}
return found.slice(0, 20);
"""
# Controls left with the browser's own look (admin pages mixed them with styled ones).
NATIVE_CONTROLS = r"""
const found = [];
for (const el of document.querySelectorAll('button:not(.link), select, input[type=text], input[type=password], input[type=date], input:not([type])')) {
  if (!el.offsetParent) continue;
  const s = getComputedStyle(el);
  if (s.borderTopLeftRadius === '0px' || s.backgroundColor === 'rgb(239, 239, 239)') found.push(el.outerHTML.slice(0, 80));
}
return found.slice(0, 10);
"""
NO_BREAKS = ".status, .badge, button, .button, table.tasks td, .card-meta, .card-prompt, p.prompt, .prompt-cell, dl.params dd, .subnav a, nav a"


@test
def every_page_at_1280_and_390_px_passes_axe_keeps_its_words_whole_and_fits(stack):
    b = Browser(stack.port)
    done = create(b, prompt="a wide shot of a harbour at dawn, long lens, boats drifting, gulls overhead, extraordinarily "
                           "photorealistic cinematography", resolution="480p", duration="10", aspect_ratio="16:9")
    failed = create(b, prompt="[sim:moderation] 一只狐狸在雪地里奔跑，镜头缓慢推进，电影感", resolution="480p", duration="4")
    running = create(b, prompt="[sim:never] a lighthouse in a storm", resolution="480p", duration="4")
    wait_status(stack, done, ("completed",), 60)
    wait_status(stack, failed, ("failed",), 60)
    member_pages = ["/", "/tasks", "/tasks?view=list", "/tasks?q=harbour", "/tasks/%d" % done, "/tasks/%d" % failed,
                    "/tasks/%d" % running, "/compare?ids=%d&ids=%d" % (done, running), "/account", "/tasks/%d/delete" % done,
                    "/?remix=%d" % done, "/no-such-page"]
    admin_pages = ["/admin", "/admin/users", "/admin/audit"]
    checked = 0
    for login, pages in ((stack.member_login, member_pages), (stack.admin_login, admin_pages), (None, ["/login"])):
        driver, home = chromium(login=login)
        try:
            for width in (1280, 390):
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
                for path in pages:
                    driver.get(stack.base + path)  # axe-core runs here (browser_tests.CheckedChrome)
                    wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete", 10, path)
                    broken = driver.execute_script(BROKEN_WORDS, NO_BREAKS)
                    if os.environ.get("RD_AXE_REPORT") and broken:
                        print("    broken words %s at %d px: %s" % (path, width, broken))
                        continue
                    assert not broken, "%s at %d px breaks words: %s" % (path, width, broken)
                    native = driver.execute_script(NATIVE_CONTROLS)
                    assert not native, "%s at %d px has unstyled controls: %s" % (path, width, native)
                    doc, view = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
                    assert doc <= view, "%s at %d px scrolls sideways: %d > %d" % (path, width, doc, view)
                    shot(driver, "layout-%d" % width, path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-").replace("=", "") or "home")
                    checked += 1
        finally:
            driver.quit()
            shutil.rmtree(home, ignore_errors=True)
    print("    %d page views (%d pages at 1280 and 390 px): axe-core clean, no word broken, nothing wider than the viewport"
          % (checked, checked // 2))
