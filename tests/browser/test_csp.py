"""The Content-Security-Policy holds in a real browser: no page reports a violation, and htmx still works."""
from playwright.sync_api import expect

from ..helpers import session_cookie
from ..world import pages
from .helpers import PHONE

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def phone_as(browser, app, person=None):
    """A phone context, signed in as the person (if any), that records policy violations and console errors."""
    context = browser.new_context(viewport=PHONE, locale="sv-SE", timezone_id="Europe/Stockholm")
    context.add_init_script(LISTEN)
    if person is not None:
        context.add_cookies([{"name": "session", "value": session_cookie(app, person), "url": app.base_url}])
    context.errors = []
    context.on("console", lambda message: message.type == "error" and context.errors.append(message.text))
    return context


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_no_page_reports_a_policy_violation(live_server, browser, world):
    app = live_server
    visited, reported = 0, {}
    walk = pages(app, world)
    contexts = {role: phone_as(browser, app, world.people.get(role)) for role in {role for role, _ in walk}}
    try:
        for role, url in walk:
            page = contexts[role].new_page()
            response = page.goto(app.base_url + url)
            assert response.status == 200, f"{url} as {role}: {response.status}"
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
            if violations(page):
                reported[url] = violations(page)
            visited += 1
            page.close()
        errors = {role: context.errors for role, context in contexts.items() if context.errors}
    finally:
        for context in contexts.values():
            context.close()
    assert visited >= 40, visited
    assert reported == {} and errors == {}


def test_the_listener_would_catch_an_injected_inline_script(live_server, browser):
    context = phone_as(browser, live_server)
    page = context.new_page()
    page.goto(live_server.base_url + "/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ran = true'; document.body.append(s); }""")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran") is None, "the policy blocked the inline script"
    assert violations(page)[0].startswith("script-src")
    context.close()


def test_htmx_interactions_work_under_the_policy(live_server, browser, world):
    app = live_server
    context = phone_as(browser, app)
    page = context.new_page()
    page.goto(app.base_url + "/signup")
    page.fill("#email", "nobody@")
    with page.expect_response(lambda r: "/signup/check/email" in r.url):
        page.press("#email", "Tab")
    expect(page.locator("#email-error")).to_be_visible()
    assert violations(page) == []
    context.close()

    context = phone_as(browser, app, world.people["neighbour"])
    page = context.new_page()
    page.goto(app.base_url + "/shifts/mine")
    page.evaluate("window.__sameDocument = true")
    card = page.locator(f"#shift-{world.ids['shift_id']}")
    card.locator('button[data-action="cancel"]').click()
    card.locator('form[method=post] button[data-action="cancel"]').click()  # asked first: yes, cancel
    expect(card.locator('button[data-action="book"]')).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "cancelled in place by htmx"
    assert violations(page) == [] and context.errors == []
    context.close()
