""""I can't come" in a real browser on a phone, in Persian: the booked card asks first, in place; the place is
handed over (nobody waiting, so another volunteer is asked), and My shifts shows it as not taken yet, then as
taken over once that volunteer books through the call-out's link."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from volunteer.models import Status

from ..helpers import put_on, translated
from .helpers import PHONE, phone_signed_in


def test_hand_over_a_shift_in_persian_on_a_phone(served, browser, outbox, screenshot, make_user, make_shift, clock):
    app, locale = served, "fa"
    t = lambda msgid, **kw: translated(app, locale, msgid, **kw)  # noqa: E731
    shift = make_shift(starts_at=clock.now.replace(hour=16) + timedelta(days=3), places=1)
    vera = make_user("vera@example.org", full_name="Vera Volontär", status=Status.APPROVED, locale=locale)
    make_user("anna@example.org", full_name="Anna Annan", status=Status.APPROVED, locale=locale)
    put_on(app, shift, vera)

    context, page = phone_signed_in(browser, app, outbox, "vera@example.org")
    page.goto(app.base_url + "/shifts/mine")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    card = page.locator(f"#shift-{shift.id}")
    page.evaluate("window.__sameDocument = true")
    card.locator('button[data-action="hand_over"]').click()
    expect(card).to_contain_text(t("Hand your place on this shift over? It is offered to the waitlist first; if "
                                   "nobody is waiting, volunteers who could come are asked. My shifts then shows "
                                   "whether someone has taken it."))
    assert page.evaluate("window.__sameDocument") is True, "asked in place, no reload"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    screenshot(page, "fa-handover-1-asked")
    card.locator('form[method=post] button[data-action="hand_over"]').click()
    expect(page.locator(f"#shift-{shift.id}")).to_contain_text(t("Free places. Book to take one."))

    page.goto(app.base_url + "/shifts/mine")
    handed = page.locator(f"#handed-over-{shift.id}")
    expect(handed).to_contain_text(t("Not taken yet"))
    expect(handed).to_contain_text(t("Volunteers who could come have been asked; not taken yet."))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    screenshot(page, "fa-handover-2-not-taken")

    asked = next(m for m in outbox.messages() if m["To"] == "anna@example.org")
    link = re.search(r"(/shifts/call-outs/\S+)", outbox.text(asked)).group(1)
    anna = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    anna.goto(app.base_url + link)
    anna.locator('button[data-action="book"]').click()
    expect(anna.locator("main")).to_contain_text(t("You are booked. Thank you!"))  # the page as it now is
    anna.context.close()

    page.reload()
    expect(page.locator(f"#handed-over-{shift.id}")).to_contain_text(t("Taken over"))
    screenshot(page, "fa-handover-3-taken")
    context.close()
