"""Stack tests of the visual library issue, through nginx: search and filters in the URL, tags
and favourites with the team's rules (the browser flow is in browser_flow_tests)."""
import re

from .client import Browser
from .generation_tests import create
from .registry import test
from .team_tests import add_account, audit_rows, post


def ids_on(page):
    return [int(x) for x in re.findall(r'<tr data-task-id="(\d+)"', page.text)]


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
    assert r.status == 422 and "no video yet" in r.text
    assert b.get("/compare?ids=%27%20OR%201%3D1&ids=..%2F1").status == 400
    print("    compare: 2 shown; 1 or 5 ids 400, another's private task 404, one without video 422")
