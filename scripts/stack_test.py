#!/usr/bin/env python3
"""Stack test: the real nginx, `reeldesk serve` and `reeldesk simulator` on free ports in a
temporary data dir, exercising every route through nginx. Usage:
    scripts/stack_test.py path/to/reeldesk [--drills] [test_name ...]
`--drills` runs only the crash and fault drills (`make drills`)."""
import os
import shutil
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Team tests first: their replays from Last-Event-ID 0 stay under the replay cap.
from stacktest import team_tests, foundation_tests, generation_tests, hardening_tests, library_tests, drill_tests, browser_tests, portal_browser_tests, browser_flow_tests, security_tests, findings_tests, layout_browser_tests  # noqa: E402,F401  (they register tests)
from stacktest.registry import TESTS  # noqa: E402

ORDER = ["team_tests", "foundation_tests", "generation_tests", "hardening_tests", "library_tests", "drill_tests", "browser_tests", "portal_browser_tests", "browser_flow_tests", "security_tests", "findings_tests", "layout_browser_tests"]
TESTS.sort(key=lambda fn: ORDER.index(fn.__module__.rsplit(".", 1)[-1]))
from stacktest.stack import Stack, private_checkout  # noqa: E402
from stacktest.secrets import SECRET_KEY, assert_secret_absent  # noqa: E402
from stacktest import conformance  # noqa: E402


def check(name, fn):
    """Runs one test or final check; prints ok/FAIL with the traceback; True when it passed."""
    try:
        fn()
        print("ok   " + name, flush=True)
        return True
    except Exception:
        print("FAIL " + name, flush=True)
        traceback.print_exc()
        return False


def html_pages_are_valid():
    errors, pages = conformance.html_errors()
    print("    Nu HTML checker: %d distinct pages the tests fetched, %d errors" % (pages, len(errors)), flush=True)
    assert not errors, "\n".join("%s: %s" % e for e in errors[:40])


def main():
    args = [a for a in sys.argv[1:] if a != "--drills"]
    binary = args[0] if args else ".build/debug/reeldesk"
    only = args[1:]
    drills_only = "--drills" in sys.argv
    # The whole run works from a mode-0700 copy of the checkout, its data dir in another one.
    checkout, binary = private_checkout(binary)
    stack = Stack(binary, {"REELDESK_SIM_KEY": SECRET_KEY}, checkout=checkout).start()
    results = []
    try:
        for fn in TESTS:
            if (only and fn.__name__ not in only) or (drills_only and not fn.__module__.endswith("drill_tests")):
                continue
            results.append(check(fn.__name__, lambda: fn(stack)))
        stack.stop()
        if conformance.CHECKED:
            print("    axe-core: %d page checks at %s px, %d with a serious or critical finding"
                  % (len(conformance.CHECKED), "/".join(str(w) for w in sorted({c[1] for c in conformance.CHECKED})),
                     sum(1 for c in conformance.CHECKED if c[2])), flush=True)
        if not only or "every_html_page_the_tests_fetched_is_valid" in only:
            results.append(check("every_html_page_the_tests_fetched_is_valid", html_pages_are_valid))
        results.append(check("api_key_never_appears_in_responses_or_logs", lambda: assert_secret_absent(stack)))
    finally:
        if not all(results):
            print("---- responder log (tail) ----")
            print(stack.log_text()[-6000:])
        stack.cleanup()
        shutil.rmtree(checkout, ignore_errors=True)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
