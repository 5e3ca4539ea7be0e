"""Issue 29's phone path at 320x640: the header in one row for every role and language, and each section's journey
in the language it names (screenshots at 320 and 390 px in Swedish and Arabic under screenshots/)."""
import re

import pytest
from playwright.sync_api import expect

from volunteer.i18n.locale import SITE_LOCALES
from volunteer.models import Role, Status

from ..helpers import session_cookie, translated
from .helpers import choose_language

SMALL = {"width": 320, "height": 640}
ROLES = {
    "anonymous": None,
    "applicant": {"status": Status.CONFIRMED},
    "volunteer": {"status": Status.APPROVED},
    "coordinator": {"status": Status.APPROVED, "role": Role.COORDINATOR},
    "admin": {"status": Status.APPROVED, "role": Role.ADMIN},
}


def phone_as(browser, app, person, size=SMALL, javascript=True):
    """A phone of that size, signed in as the person (None: nobody), with Swedish asked for."""
    context = browser.new_context(viewport=size, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  java_script_enabled=javascript, locale="sv-SE", timezone_id="Europe/Stockholm")
    if person is not None:
        context.add_cookies([{"name": "session", "value": session_cookie(app, person), "url": app.base_url}])
    return context


@pytest.mark.parametrize("role", ROLES)
def test_the_header_leaves_the_screen_to_the_content_for_every_role_and_language(live_server, browser, screenshot,
                                                                                  make_user, frg, role):
    """Brand, menu and language in one row at 320 px: the content starts within 120 px, in every language."""
    app = live_server
    fields = ROLES[role]
    person = None if fields is None else make_user(
        f"{role}@example.org", coordinates=[frg] if role == "coordinator" else [], **fields)
    context = phone_as(browser, app, person, javascript=False)
    page = context.new_page()
    coordinating = role in ("coordinator", "admin")
    page.goto(app.base_url + ("/coordinator/" if coordinating else "/"))  # coordinators' pages start lower
    for locale in SITE_LOCALES:
        if locale != "sv":
            choose_language(page, locale)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
        if locale in ("sv", "ar"):
            screenshot(page, f"phone-header-{role}-{locale}-320")
        assert top <= 120, f"{role} in {locale}: the content starts {top:.0f} px down"
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"], f"{role} in {locale}"
        if coordinating:  # the coordination menu is one row that scrolls sideways
            assert page.locator(".subnav").bounding_box()["height"] < 60, f"{role} in {locale}"
        if person is not None:
            brand, menu = page.locator(".brand").bounding_box(), page.locator(".site-menu summary").bounding_box()
            assert abs(brand["y"] + brand["height"] / 2 - (menu["y"] + menu["height"] / 2)) < 12, \
                f"{role} in {locale}: brand and menu are not in one row"
        if locale in ("sv", "ar"):
            screenshot(page, f"phone-header-{role}-{locale}-320")
    context.close()


def test_a_persian_volunteer_who_lacks_a_qualification_is_led_to_the_training(live_server, browser, screenshot,
                                                                            make_user, make_shift, make_session):
    """'Needs X' leads to X: the refusal's qualification and the next session are links; the session enrols."""
    app = live_server
    volunteer = make_user("sara@example.org", status=Status.APPROVED, locale="fa", languages=("fa", "prs"))
    shift = make_shift(qualification="intro_housing", languages=("fa",))
    session = make_session(language="fa")
    context = phone_as(browser, app, volunteer)
    page = context.new_page()
    page.goto(app.base_url + "/shifts")
    card = page.locator(f"#shift-{shift.id}")
    expect(card.locator(".leads li")).to_have_count(1)
    expect(card.locator(".leads li")).to_contain_text(translated(app, "fa", "Enrol"))
    screenshot(page, "phone-needs-fa-320")
    card.locator(".leads a").click()
    expect(page).to_have_url(re.compile(rf"/trainings\?gives=\d+#session-{session.id}$"))
    page.locator(f'#session-{session.id} button[data-action="enrol"]').click()
    expect(page.locator(f'#session-{session.id} button[data-action="cancel"]')).to_be_visible()
    context.close()


def test_without_javascript_cancelling_asks_first(live_server, browser, screenshot, make_user, make_shift):
    """Safer changes, with JavaScript off: Cancel leads to a question; only Yes cancels."""
    app = live_server
    volunteer = make_user("vera@example.org", status=Status.APPROVED, locale="sv")
    shift = make_shift()
    context = phone_as(browser, app, volunteer, javascript=False)
    page = context.new_page()
    page.goto(app.base_url + "/shifts?bookable=y")
    page.locator(f'#shift-{shift.id} button[data-action="book"]').click()
    expect(page).to_have_url(re.compile(rf"/shifts\?bookable=y#shift-{shift.id}$"))
    card = page.locator(f"#shift-{shift.id}")
    expect(card.locator(".badge--booked")).to_be_visible()  # stays in the filtered list, marked booked
    card.locator('button[data-action="cancel"]').click()
    expect(page.locator("h1")).to_have_text(translated(app, "sv", "Cancel your booking?"))
    screenshot(page, "phone-cancel-asked-sv-320")
    page.locator(f'#shift-{shift.id} form[method=post] button[data-action="cancel"]').click()
    expect(page.locator(f'#shift-{shift.id} button[data-action="book"]')).to_be_visible()
    context.close()


def test_a_somali_speaker_reads_what_it_involves_and_signs_up(live_server, browser, screenshot):
    """Before signing up, in Somali: what it involves and whom to call; the common languages first, the rest
    behind More languages, opened again when one inside was chosen; the summary says what is wrong."""
    app = live_server
    t = lambda msgid, **kw: translated(app, "so", msgid, **kw)  # noqa: E731
    context = phone_as(browser, app, None)
    page = context.new_page()
    page.goto(app.base_url + "/")
    choose_language(page, "so")
    expect(page.locator("#involves-title")).to_have_text(t("What it involves"))
    expect(page.locator('.contact a[href^="tel:"]')).to_be_visible()
    assert page.locator('.contact a[href^="tel:"]').bounding_box()["height"] >= 44
    screenshot(page, "phone-home-so-320")
    page.goto(app.base_url + "/signup")
    more = page.locator(".choices-more")
    expect(more.locator("#languages-ps")).to_be_hidden()
    more.locator("summary").click()
    more.locator("#languages-ps").check()
    page.fill("#email", "hodan@")
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text(t("Write a whole address, for example name@example.se."))
    expect(page.locator(".choices-more")).to_have_attribute("open", "")
    expect(page.locator("#languages-ps")).to_be_checked()
    screenshot(page, "phone-signup-errors-so-320")
    context.close()
