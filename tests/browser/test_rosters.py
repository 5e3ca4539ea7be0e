"""A coordinator on a phone runs a site: the needs overview, the day, the roster, attendance marked in place."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from volunteer.models import Role, Status, utcnow

from ..helpers import put_on, translated
from .helpers import menu, sign_in


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_a_coordinator_opens_the_roster_and_marks_attendance_in_place(live_server, phone, outbox, screenshot,
                                                                      make_user, make_shift, frg, locale):
    app = live_server
    make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED, role=Role.COORDINATOR,
              coordinates=[frg], locale=locale)
    # Started an hour ago, so attendance can be marked; Tigrinya is wanted and nobody coming speaks it.
    shift = make_shift(starts_at=utcnow() - timedelta(hours=1), places=3, languages=("ar", "ti"))
    for email, name, languages in (("samira@example.org", "Samira Haddad", ("ar", "sv")),
                                   ("omar@example.org", "Omar Said", ("so",))):
        put_on(app, shift, make_user(email, full_name=name, status=Status.APPROVED, languages=languages))

    page = phone.new_page()
    sign_in(page, app, outbox, "coord@example.org")
    menu(page).locator("a", has_text=translated(app, locale, "Coordination")).click()
    page.locator('.subnav a[href="/coordinator/needs"]').click()
    expect(page.locator("td[data-uncovered]").first).to_have_attribute("data-uncovered", "ti")
    screenshot(page, f"{locale}-rosters-1-needs")

    page.locator("td a[href*='/day/']").first.click()
    expect(page.locator(f"#shift-{shift.id}")).to_contain_text("Samira Haddad")
    expect(page.locator("[data-print]")).to_be_visible()
    screenshot(page, f"{locale}-rosters-2-day")

    page.locator(f"#shift-{shift.id} h2 a").click()
    expect(page.locator('a[href="tel:+46701234567"]').first).to_be_visible()
    assert page.locator('a[href="tel:+46701234567"]').first.bounding_box()["height"] >= 44, "a button for a thumb"
    page.evaluate("window.__sameDocument = true")
    row = page.locator(".roster__person", has_text="Samira Haddad")
    row.locator("[data-mark=attended]").click()
    expect(row.locator("[data-mark=attended]")).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".roster__hours")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the row was swapped without a page load"
    screenshot(page, f"{locale}-rosters-3-roster")
