"""A coordinator opens the partnership report from the coordination menu on a phone, in Swedish and in Arabic:
the table, the chart (mirrored right to left) and the downloads."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from volunteer.extensions import db
from volunteer.models import Booking, BookingStatus, Role, Shift, Status, TargetGroup, utcnow

from ..helpers import translated
from .helpers import sign_in


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_a_coordinator_reads_the_partnership_report(live_server, phone, outbox, screenshot, make_user,
                                                    make_organisation, make_shift, locale):
    app = live_server
    t = lambda msgid, **kw: translated(app, locale, msgid, **kw)  # noqa: E731
    frg = make_organisation("FRG Testby")
    make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED, role=Role.COORDINATOR,
              coordinates=[frg], locale=locale)
    people = [make_user(f"v{n}@example.org", status=Status.APPROVED, languages=("ar", "sv")) for n in range(6)]
    shift = make_shift(starts_at=utcnow() - timedelta(days=1, hours=3), hours=2)
    with app.app_context():
        newcomers = TargetGroup(code="newcomers", names={"sv": "Nyanlända", "ar": "الوافدون الجدد"})
        db.session.get(Shift, shift.id).target_groups = [newcomers]
        db.session.add_all(Booking(shift_id=shift.id, user_id=person.id, status=BookingStatus.ATTENDED)
                           for person in people)
        db.session.commit()

    page = phone.new_page()
    sign_in(page, app, outbox, "coord@example.org")
    page.locator(".subnav a", has_text=t("Partnership report")).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    expect(page.locator("#partnership-rows")).to_contain_text("Nyanlända" if locale == "sv" else "الوافدون الجدد")
    expect(page.locator(".chart__bar")).not_to_have_count(0)
    expect(page.locator("a[href*='partnership.pdf']")).to_be_visible()
    screenshot(page, f"{locale}-partnership-report")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the report is {width}px wide on a 390px phone"
