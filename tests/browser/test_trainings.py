"""Train, in a real browser on a phone: a volunteer enrols in place, a coordinator marks attendance,
and the volunteer sees the qualification."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import Role, TrainingSession

from ..helpers import translated
from .helpers import menu, phone_signed_in


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_enrol_attend_and_see_the_qualification(served, browser, outbox, screenshot, make_user, make_session,
                                                 clock, locale):
    app = served
    t = lambda msgid, **kw: translated(app, locale, msgid, **kw)  # noqa: E731
    evening = clock.now.replace(hour=17) + timedelta(days=2)  # 18:00 or 19:00 in Stockholm
    session = make_session(seats=12, language="ar", starts_at=evening)
    make_session(title="Psykologisk första hjälp", qualification="psychological_first_aid", seats=1,
                 organisation="Röda Korset Testby", starts_at=evening + timedelta(days=3), qualification_names={
                     "sv": "Psykologisk första hjälp", "en": "Psychological first aid",
                     "ar": "الإسعافات الأولية النفسية", "fa": "کمک‌های اولیه روانی"})
    with app.app_context():
        org_id = db.session.get(TrainingSession, session.id).training.organisation_id
        full = db.session.scalar(select(TrainingSession).where(TrainingSession.seats == 1))
        full.seats_taken = 1
        db.session.commit()
    make_user("samira@example.org", full_name="Samira Haddad", locale=locale)
    make_user("cora@example.org", full_name="Cora Koordinator", role=Role.COORDINATOR, coordinates=[org_id],
              locale=locale)

    volunteer, page = phone_signed_in(browser, app, outbox, "samira@example.org")
    menu(page).locator("a", has_text=t("Trainings")).click()
    expect(page.locator("h1")).to_have_text(t("Trainings"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    card = page.locator(f"#session-{session.id}")
    expect(card.locator(".seats-left")).to_have_attribute("data-seats-left", "12")
    screenshot(page, f"{locale}-trainings-1-list")

    page.evaluate("window.__sameDocument = true")
    card.locator('button[data-action="enrol"]').click()
    card = page.locator(f"#session-{session.id}")
    expect(card.locator(".seats-left")).to_have_attribute("data-seats-left", "11")
    expect(card.locator('button[data-action="cancel"]')).to_be_visible()
    expect(card).to_contain_text(t("You are enrolled. Welcome!"))
    assert page.evaluate("window.__sameDocument") is True, "updated in place, no reload"
    screenshot(page, f"{locale}-trainings-2-enrolled")

    clock.now = evening + timedelta(hours=4)  # the session has taken place
    coordinator, admin = phone_signed_in(browser, app, outbox, "cora@example.org")
    admin.goto(f"{app.base_url}/coordinator/trainings/sessions/{session.id}")
    person = admin.locator(".roster__person", has_text="Samira Haddad")
    expect(person.locator('a[href="tel:+46701234567"]')).to_be_visible()
    admin.evaluate("window.__sameDocument = true")
    person.locator('button[data-mark="attended"]').click()
    expect(admin.locator(".roster__person", has_text="Samira Haddad").locator(
        'button[data-mark="attended"]')).to_have_attribute("aria-pressed", "true")
    assert admin.evaluate("window.__sameDocument") is True
    screenshot(admin, f"{locale}-trainings-3-attendance")

    page.goto(app.base_url + "/me")
    page.locator("main a", has_text=t("My trainings and qualifications")).click()
    expect(page.locator(".qualification__name")).to_have_text(
        {"sv": "Introduktion till evakueringsboende", "ar": "مقدمة عن سكن الإخلاء"}[locale])
    screenshot(page, f"{locale}-trainings-4-qualification")
    volunteer.close()
    coordinator.close()
