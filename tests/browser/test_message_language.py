"""Issue 29 on a 320x640 phone: the language chosen while signed out is the e-mail's and the account's, and the
page's heading starts within 120 px for each role in Swedish and Arabic; no certificate label is split inside
a word."""
import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from volunteer import clock
from volunteer.extensions import db
from volunteer.models import Booking, BookingStatus, Role, Status, User, utcnow

from ..helpers import session_cookie, translated
from .helpers import absolute, choose_language

SMALL = {"width": 320, "height": 640}


def small_phone(browser, javascript=True):
    return browser.new_context(viewport=SMALL, device_scale_factor=2, is_mobile=True, has_touch=True,
                               java_script_enabled=javascript, locale="sv-SE", timezone_id="Europe/Stockholm")


def test_arabic_chosen_while_signed_out_is_the_sign_in_emails_and_the_accounts(live_server, browser, outbox,
                                                                               screenshot, make_user):
    app = live_server
    make_user("amal@example.org", full_name="Amal Haddad", locale="sv", status=Status.APPROVED)
    context = small_phone(browser)
    page = context.new_page()
    page.goto(app.base_url + "/sign-in")
    choose_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("#email", "amal@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sign-in/sent$"))

    message = outbox.last()
    assert message["Subject"] == translated(app, "ar", "Your sign-in link")
    assert message["From"].addresses[0].display_name == translated(app, "ar", "Volunteers")
    html = message.get_body(("html",)).get_content()
    assert 'lang="ar" dir="rtl"' in html and app.config["CONTACT_EMAIL"] in html
    link = re.search(r"(http://\S+/sign-in/\S+)", outbox.text(message)).group(1)

    # Opened from the mail app, whose browser has no cookies and asks for Swedish: still Arabic.
    mail_app = small_phone(browser)
    landing = mail_app.new_page()
    landing.goto(absolute(app, link))
    expect(landing.locator("html")).to_have_attribute("lang", "ar")
    screenshot(landing, "ar-sign-in-link-320")
    landing.locator("main form button[type=submit]").click()
    landing.wait_for_url(re.compile(r"/me$"))
    expect(landing.locator("html")).to_have_attribute("lang", "ar")
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.email == "amal@example.org")) == "ar"
    mail_app.close()
    context.close()


ROLES = {
    "anonymous": (None, "/"),
    "volunteer": ({"status": Status.APPROVED}, "/me"),
    "coordinator": ({"status": Status.APPROVED, "role": Role.COORDINATOR}, "/coordinator/"),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_heading_starts_within_120_px_at_320(live_server, browser, screenshot, make_user, frg, role):
    app = live_server
    fields, path = ROLES[role]
    person = None if fields is None else make_user(
        f"{role}@example.org", coordinates=[frg] if role == "coordinator" else [], **fields)
    context = small_phone(browser)
    if person is not None:
        context.add_cookies([{"name": "session", "value": session_cookie(app, person), "url": app.base_url}])
    page = context.new_page()
    page.goto(app.base_url + path)
    for locale in ("sv", "ar"):
        if locale != "sv":
            choose_language(page, locale)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
        screenshot(page, f"heading-{role}-{locale}-320")
        assert top <= 120, f"{role} in {locale}: the heading starts {top:.0f} px down"
    context.close()


@pytest.mark.parametrize("media", ["screen", "print"])
def test_no_certificate_label_is_split_inside_a_word(live_server, browser, outbox, make_user, make_shift, coordinator,
                                                    media):
    app = live_server
    person = make_user("hodan@example.org", full_name="Hodan Warsame", status=Status.APPROVED)
    today = clock.local_day(utcnow())
    shift = make_shift(starts_at=clock.at(today - timedelta(days=20), time(17)), hours=2)
    with app.app_context():
        db.session.add(Booking(shift_id=shift.id, user_id=person.id, status=BookingStatus.ATTENDED,
                               decided_by_id=coordinator.id))
        db.session.commit()
    context = browser.new_context(viewport={"width": 640, "height": 900}, locale="sv-SE")
    context.add_cookies([{"name": "session", "value": session_cookie(app, person), "url": app.base_url}])
    page = context.new_page()
    page.goto(app.base_url + "/me/hours")
    page.locator("main a", has_text=translated(app, "sv", "Get a certificate")).click()
    page.locator("input[name=locale][value=sv]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/me/certificates/\d+$"))
    page.emulate_media(media=media)
    lines = page.evaluate("""() => [...document.querySelectorAll('.certificate__facts dt')].map(dt => {
        const range = document.createRange();
        range.selectNodeContents(dt);
        return [dt.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
    })""")
    assert ["Samarbetsorganisationer", 1] in lines, lines
    for label, count in lines:
        if " " not in label:
            assert count == 1, f"{label!r} is split over {count} lines ({media})"
    context.close()
