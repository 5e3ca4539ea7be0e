"""A volunteer gets a certificate of their hours on a phone; an employer scans its address and sees it is genuine."""
import re
from datetime import time, timedelta

from playwright.sync_api import expect

from volunteer import clock
from volunteer.extensions import db
from volunteer.models import Booking, BookingStatus, Status, utcnow

from ..helpers import translated
from .helpers import sign_in


def test_a_volunteer_gets_a_certificate_and_anyone_can_verify_it(live_server, browser, phone, outbox, screenshot,
                                                                 make_user, make_shift, coordinator):
    app = live_server
    t = lambda msgid, **kw: translated(app, "sv", msgid, **kw)  # noqa: E731
    person = make_user("hodan@example.org", full_name="Hodan Warsame", status=Status.APPROVED)
    today = clock.local_day(utcnow())
    shifts = [make_shift(starts_at=clock.at(today - timedelta(days=days), time(17)), hours=2) for days in (20, 13)]
    with app.app_context():
        db.session.add_all([Booking(shift_id=s.id, user_id=person.id, status=BookingStatus.ATTENDED,
                                    decided_by_id=coordinator.id) for s in shifts])
        db.session.commit()

    page = phone.new_page()
    sign_in(page, app, outbox, "hodan@example.org")
    page.locator("main a", has_text=t("My hours")).click()
    expect(page.locator("#by-task")).to_contain_text("Stödsamtal")
    page.locator("main a", has_text=t("Get a certificate")).click()
    page.locator("input[name=locale][value=en]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/me/certificates/\d+$"))
    certificate = page.locator(".certificate")
    expect(certificate).to_contain_text("Certificate of volunteer work")
    expect(certificate).to_contain_text("Support conversations: 4 h, 2 shifts")
    expect(certificate).to_contain_text("Cora Koordinator, coordinator, FRG Testby")
    expect(page.locator("svg.qr")).to_be_visible()
    expect(page.locator("[data-print]")).to_be_visible()
    screenshot(page, "sv-certificate")
    address = re.search(r"(http://\S+/verify/[0-9A-Z-]+)", certificate.inner_text()).group(1)

    employer = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB").new_page()
    employer.goto(address)
    expect(employer.locator("h1").first).to_have_text("This certificate is genuine")
    expect(employer.locator(".certificate")).to_contain_text("Hodan Warsame")
    screenshot(employer, "en-certificate-verified")
    employer.context.close()
