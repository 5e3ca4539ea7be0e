"""Every main page in Arabic and Persian on a phone, with the demo data: mirrored, no wider than the screen,
and times and phone numbers kept left-to-right inside the right-to-left text."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from volunteer import clock
from volunteer.demo import DEMO_ADMIN
from volunteer.extensions import db
from volunteer.models import Shift, Site, Training, User

from .helpers import choose_language, sign_in

VOLUNTEER = "fatima@example.org"  # approved in the demo data, with bookings
APPLICANT = "amina@example.org"

# Digits that a right-to-left paragraph would reorder unless isolated: a range of clock times ("09:00–12:00",
# "۰۹:۰۰–۱۲:۰۰") or a phone number in groups ("010-123 40 00"). Each must sit inside an element marked
# left-to-right, inside free text marked dir="auto", or between Unicode's isolate marks (U+2066 … U+2069).
LEFT_TO_RIGHT = r"""
(() => {
  const d = "[0-9\u0660-\u0669\u06F0-\u06F9]";
  const pattern = new RegExp(`${d}{1,2}:${d}{2}\\s*[–-]\\s*${d}{1,2}:${d}{2}|\\+?${d}{2,4}[- ]${d}{2,3} ${d}{2}`);
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const wrong = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\u2066[^\u2069]*\u2069/g, "");
    if (!pattern.test(text) || node.parentElement.closest("script, style, textarea, option")) continue;
    const marked = node.parentElement.closest("[dir]");
    if (!marked || !["ltr", "auto"].includes(marked.getAttribute("dir"))) wrong.push(text.trim().slice(0, 80));
  }
  return wrong;
})()
"""


def _demo(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        ids = {
            "shift": db.session.scalar(select(Shift.id).order_by(Shift.starts_at)),
            "site": db.session.scalar(select(Site.id).order_by(Site.id)),
            "training": db.session.scalar(select(Training.id).order_by(Training.id)),
            "applicant": db.session.scalar(select(User.id).where(User.email == APPLICANT)),
            "day": (clock.local_day(clock.now()) + timedelta(days=1)).isoformat(),
        }
    return ids


def _set_locale(app, email, locale):
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(locale=locale))
        db.session.commit()


def _check(page, app, path, name, locale, screenshot, problems):
    """Open a page, save its screenshot and note what is wrong with it (all pages are seen before failing)."""
    response = page.goto(app.base_url + path)
    assert response.status == 200, path
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", locale)
    screenshot(page, f"rtl-{locale}-{name}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 390:
        problems.append(f"{path} is {width}px wide on a 390px phone")
    if wrong := page.evaluate(LEFT_TO_RIGHT):
        problems.append(f"{path}: not kept left to right: {wrong}")


@pytest.mark.parametrize("locale", ["ar", "fa"])
def test_every_main_page_mirrors_and_fits_a_phone(live_server, phone, outbox, screenshot, locale):
    app = live_server
    ids = _demo(app)
    problems = []
    page = phone.new_page()
    page.goto(app.base_url + "/")
    choose_language(page, locale)
    for path, name in (("/", "home"), ("/signup", "signup"), ("/sign-in", "sign-in"), ("/privacy", "privacy")):
        _check(page, app, path, name, locale, screenshot, problems)
    # The navigation starts on the right in a right-to-left page.
    nav = page.locator(".site-nav a").first.bounding_box()
    assert nav["x"] + nav["width"] > 390 / 2, "the first navigation link is on the right"

    _set_locale(app, VOLUNTEER, locale)
    sign_in(page, app, outbox, VOLUNTEER)
    for path, name in (("/me", "me"), ("/trainings", "trainings"), ("/trainings/mine", "my-trainings"),
                       ("/shifts", "shifts"), ("/shifts/mine", "my-shifts"), ("/me/hours", "my-hours"),
                       ("/me/certificates/new", "certificate-form"), ("/verify", "verify"),
                       ("/me/data", "my-data"), ("/me/details", "my-details")):
        _check(page, app, path, name, locale, screenshot, problems)

    coordinator = phone.browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                            is_mobile=True, has_touch=True)
    page = coordinator.new_page()
    _set_locale(app, DEMO_ADMIN, locale)
    sign_in(page, app, outbox, DEMO_ADMIN)
    for path, name in (("/coordinator/", "applicants"), (f"/coordinator/people/{ids['applicant']}", "person"),
                       ("/coordinator/trainings/", "training-admin"),
                       ("/coordinator/trainings/qualifications/new", "qualification-form"),
                       (f"/coordinator/trainings/{ids['training']}/edit", "training-form"),
                       ("/coordinator/shifts", "shift-admin"), ("/coordinator/shifts/new", "shift-form"),
                       (f"/coordinator/shifts/{ids['shift']}/roster", "roster"),
                       (f"/coordinator/sites/{ids['site']}/day/{ids['day']}", "day"),
                       ("/coordinator/needs", "needs"), ("/coordinator/sites", "sites"),
                       ("/coordinator/sites/new", "site-form"), ("/coordinator/volunteers", "volunteers"),
                       ("/coordinator/tasks", "tasks"), ("/coordinator/hours", "hours"),
                       ("/coordinator/certificates", "certificates"),
                       ("/coordinator/reports/partnership", "partnership"), ("/admin/target-groups", "target-groups")):
        _check(page, app, path, name, locale, screenshot, problems)
    coordinator.close()
    assert problems == [], "\n".join(problems)
