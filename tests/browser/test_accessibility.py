"""axe-core (vendored from its npm package, injected by the test, never served) on every page, in Swedish and in
Arabic, on a phone, with the demo data in every list and table: no serious or critical violation. And the keyboard
focus is always visible."""
import re
from datetime import timedelta
from collections import Counter
from pathlib import Path

import pytest

from volunteer import demo
from volunteer.extensions import db
from volunteer.models import BookingStatus, Organisation, User, utcnow

from ..helpers import put_on, session_cookie
from ..world import pages, speak
from .helpers import PHONE

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
BLOCKING = ("serious", "critical")


def audit(page) -> list[dict]:
    """axe's violations on the page as it is now (injected through the devtools protocol, past the CSP)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")


def browser_for(browser, app, person, locale):
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": locale},
                                  timezone_id="Europe/Stockholm")
    if person is not None:
        context.add_cookies([{"name": "session", "value": session_cookie(app, person), "url": app.base_url}])
    return context


@pytest.fixture
def filled(live_server, world, make_shift):
    """The world with the demo data around it: its coordinator also coordinates the demo organisations, so the
    queue, the directory, the needs overview and the hours report are full, and its volunteer has worked hours."""
    app = live_server
    with app.test_request_context(base_url=app.base_url):
        demo.run()
        coordinator = db.session.get(User, world.people["coordinator"].id)
        for organisation in db.session.scalars(db.select(Organisation)):
            if organisation not in coordinator.coordinated_organisations:
                coordinator.coordinated_organisations.append(organisation)
        db.session.commit()
    worked = make_shift(organisation="FRG Testby", starts_at=utcnow().replace(minute=0, second=0, microsecond=0)
                        - timedelta(days=3))
    put_on(app, worked, world.people["volunteer"], status=BookingStatus.ATTENDED)
    return world


def slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_every_page_has_no_serious_or_critical_violation(live_server, browser, filled, screenshot, locale):
    app, world = live_server, filled
    speak(app, world, locale)
    walk = pages(app, world)
    contexts = {role: browser_for(browser, app, world.people.get(role), locale) for role in {role for role, _ in walk}}
    blocking, seen, audited = {}, Counter(), 0
    try:
        for role, url in walk:
            page = contexts[role].new_page()
            assert page.goto(app.base_url + url).status == 200, url
            assert page.locator("html").get_attribute("lang") == locale
            assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
            violations = audit(page)
            seen.update(f"{v['impact']}:{v['id']}" for v in violations)
            found = [v for v in violations if v["impact"] in BLOCKING]
            if found:
                blocking[url] = found
            screenshot(page, f"axe-{locale}-{slug(url)}")
            audited += 1
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    print(f"\naxe-core {AXE.stem}: {audited} pages in {locale}, {sum(seen.values())} violations of lower impact "
          f"{dict(seen)}, {sum(len(v) for v in blocking.values())} serious or critical")
    assert audited >= 40
    assert blocking == {}, blocking


def test_axe_would_report_a_serious_violation(live_server, browser):
    """The audit can fail: an image without a text alternative and an unlabeled field are reported."""
    context = browser_for(browser, live_server, None, "sv")
    page = context.new_page()
    page.goto(live_server.base_url + "/")
    page.evaluate("""() => {
        document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/static/favicon.svg"><input>');
    }""")
    found = {v["id"] for v in audit(page) if v["impact"] in BLOCKING}
    assert {"image-alt", "label"} <= found
    context.close()


def contrast(rgb_a, rgb_b) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("url", ["/", "/signup"])
def test_keyboard_focus_is_always_visible(live_server, browser, url):
    context = browser_for(browser, live_server, None, "sv")
    page = context.new_page()
    page.goto(live_server.base_url + url)
    checked = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {tag: el.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
        }""")
        if style["tag"] == "BODY":
            break
        assert style["style"] != "none" and style["width"] >= 2, style
        rgb = tuple(int(x) for x in re.findall(r"\d+", style["color"])[:3])
        assert contrast(rgb, (255, 255, 255)) >= 3, f"the focus ring must stand out from the page: {style}"
        checked += 1
    assert checked >= 8
    context.close()
