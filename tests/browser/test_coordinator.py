"""A coordinator approves an applicant from the queue on a phone; the applicant signs in and sees "approved"."""
import pytest
from playwright.sync_api import expect

from volunteer.models import Role, Status, UserSkill

from ..helpers import translated
from .helpers import menu, sign_in


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_a_coordinator_approves_and_the_applicant_sees_it(live_server, browser, phone, outbox, screenshot,
                                                          make_user, make_organisation, locale):
    app = live_server
    t = lambda msgid, **kw: translated(app, locale, msgid, **kw)  # noqa: E731
    frg = make_organisation("FRG Testby")
    make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED, role=Role.COORDINATOR,
              coordinates=[frg], locale=locale)
    make_user("samira@example.org", full_name="Samira Haddad", status=Status.CONFIRMED, locale=locale,
              languages=("ar", "sv"), available_evenings=True, skills=[UserSkill(code="teaching")])
    make_user("omar@example.org", full_name="Omar Said", status=Status.CONFIRMED, locale=locale, languages=("so",))

    page = phone.new_page()
    sign_in(page, app, outbox, "coord@example.org")
    menu(page).locator("a", has_text=t("Coordination")).click()
    page.locator(".subnav a", has_text=t("Applicants")).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    expect(page.locator(".count")).to_contain_text("2" if locale == "sv" else "متقدمان")
    page.evaluate("window.__sameDocument = true")

    row = page.locator(".applicant", has_text="Samira Haddad")
    row.locator("summary").click()
    row.locator("input[value=reject]").check()
    screenshot(page, f"{locale}-coordinator-1-queue")
    row.locator("button[type=submit]").click()
    # Not approving without a reason: the row comes back in place with the message next to the field.
    expect(row.locator(".error")).to_have_text(t("Write why the application is not approved."))
    row.locator("input[value=approve]").check()
    row.locator("textarea[name$=notes]").fill("Bra samtal, kan kvällar.")
    row.locator("button[type=submit]").click()
    expect(row.locator(".flash")).to_have_text(t("%(name)s is approved; an e-mail telling them is on its way.",
                                                  name="Samira Haddad"))
    assert page.evaluate("window.__sameDocument") is True, "the row was updated without a page load"
    expect(page.locator(".applicant", has_text="Omar Said").locator("summary")).to_be_visible()
    screenshot(page, f"{locale}-coordinator-2-approved")

    page.locator(".subnav a", has_text=t("Volunteers")).click()
    screenshot(page, f"{locale}-coordinator-3-directory")
    page.locator("a", has_text="Samira Haddad").click()
    expect(page.locator("h1")).to_have_text("Samira Haddad")
    expect(page.locator("main")).to_contain_text("Bra samtal, kan kvällar.")
    screenshot(page, f"{locale}-coordinator-4-person")

    applicant = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                    locale="sv-SE", timezone_id="Europe/Stockholm")
    try:
        own = applicant.new_page()
        assert outbox.last()["To"] == "samira@example.org"
        sign_in(own, app, outbox, "samira@example.org")
        expect(own.locator(".status__label")).to_have_text(t("Approved volunteer"))
        screenshot(own, f"{locale}-coordinator-5-applicant-approved")
    finally:
        applicant.close()
