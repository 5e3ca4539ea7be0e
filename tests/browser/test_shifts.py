"""Book a shift, in a real browser on a phone: filter, book in place, see it in My shifts, cancel;
the coordinator's roster follows. Also the same booking with JavaScript off."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from volunteer.extensions import db
from volunteer.models import Role, Shift, Status

from ..helpers import translated
from .helpers import PHONE, menu, phone_signed_in


@pytest.mark.parametrize("locale", ["sv", "ar", "fa"])
def test_filter_book_see_and_cancel_a_shift(served, browser, outbox, screenshot, make_user, make_shift, clock,
                                            locale):
    app = served
    t = lambda msgid, **kw: translated(app, locale, msgid, **kw)  # noqa: E731
    evening = clock.now.replace(hour=16) + timedelta(days=2)
    arabic = make_shift(starts_at=evening, places=2, languages=("ar",))
    other = make_shift(starts_at=evening + timedelta(days=1), places=3, languages=("so",))
    make_user("samira@example.org", full_name="Samira Haddad", status=Status.APPROVED, languages=("ar", "sv"),
              locale=locale)
    make_user("cora@example.org", full_name="Cora Koordinator", status=Status.APPROVED, role=Role.COORDINATOR,
              coordinates=[arabic_site_organisation(app, arabic)], locale=locale)
    coordinator, roster = phone_signed_in(browser, app, outbox, "cora@example.org")
    roster.goto(app.base_url + f"/coordinator/shifts/{arabic.id}/roster")
    expect(roster.locator(".roster__person", has_text="Samira Haddad")).to_have_count(0)

    volunteer, page = phone_signed_in(browser, app, outbox, "samira@example.org")
    menu(page).locator("a", has_text=t("Open shifts")).click()
    expect(page.locator("h1")).to_have_text(t("Open shifts"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale in ("ar", "fa") else "ltr")
    expect(page.locator(f"#shift-{other.id}")).to_be_visible()
    screenshot(page, f"{locale}-shifts-1-list")

    page.evaluate("window.__sameDocument = true")
    page.locator("summary", has_text=t("Filters")).click()
    page.locator("#my_languages").check()  # the list updates in place and the URL keeps the filter
    expect(page.locator(f"#shift-{other.id}")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"my_languages=y"))
    card = page.locator(f"#shift-{arabic.id}")
    expect(card.locator(".places-left")).to_have_attribute("data-places-left", "2")

    card.locator('button[data-action="book"]').click()
    card = page.locator(f"#shift-{arabic.id}")
    expect(card.locator(".places-left")).to_have_attribute("data-places-left", "1")
    expect(card).to_contain_text(t("You are booked. Thank you!"))
    assert page.evaluate("window.__sameDocument") is True, "booked in place, no reload"
    assert "text/calendar" in [part.get_content_type() for part in outbox.last().iter_attachments()]
    screenshot(page, f"{locale}-shifts-2-booked")
    roster.reload()  # the coordinator's roster shows her, with a phone number to tap
    person = roster.locator(".roster__person", has_text="Samira Haddad")
    expect(person).to_have_count(1)
    expect(person.locator('a[href^="tel:"]')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"

    page.goto(app.base_url + "/shifts/mine")
    card = page.locator(f"#shift-{arabic.id}")
    expect(card).to_contain_text("Storgatan 1, Testby")
    expect(card.locator("a[download]")).to_have_attribute("href", f"/shifts/{arabic.id}/calendar.ics")
    screenshot(page, f"{locale}-shifts-3-mine")
    card.locator('button[data-action="cancel"]').click()
    expect(card).to_contain_text(t("Cancel your booking on this shift? The place goes to someone else."))
    screenshot(page, f"{locale}-shifts-4-cancel-asked")
    card.locator('form[method=post] button[data-action="cancel"]').click()
    expect(page.locator(f"#shift-{arabic.id}")).to_contain_text(t("Free places. Book to take one."))
    roster.reload()
    expect(roster.locator(".roster__person", has_text="Samira Haddad")).to_have_count(0)
    volunteer.close()
    coordinator.close()


def arabic_site_organisation(app, shift) -> int:
    with app.app_context():
        return db.session.get(Shift, shift.id).site.organisation_id


def test_booking_works_with_javascript_off(served, browser, outbox, make_user, make_shift):
    app = served
    shift = make_shift(places=1)
    make_user("nojs@example.org", status=Status.APPROVED, locale="en")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(app.base_url + "/sign-in")
    page.fill("#email", "nojs@example.org")
    page.locator("#sign-in-form button[type=submit]").click()
    page.goto(app.base_url + re.search(r"(/sign-in/\S+)", outbox.text()).group(1))
    page.locator("main form button[type=submit]").click()
    page.goto(app.base_url + "/shifts?my_languages=")
    page.locator(f'#shift-{shift.id} button[data-action="book"]').click()
    expect(page.locator(".flash--success")).to_contain_text("You are booked")
    expect(page.locator(f"#shift-{shift.id}")).to_contain_text("You are booked. Thank you!")
    context.close()
