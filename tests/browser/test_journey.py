"""The whole public journey in a real browser on a phone: home, sign up, e-mail, confirm, sign in, My page."""
import re

import pytest
from playwright.sync_api import expect

from ..helpers import translated
from .helpers import absolute, choose_language, latest_link, menu


@pytest.mark.parametrize("locale, direction", [("sv", "ltr"), ("ar", "rtl")])
def test_sign_up_confirm_and_sign_in(live_server, phone, outbox, screenshot, locale, direction):
    app = live_server
    t = lambda msgid, **kw: translated(app, locale, msgid, **kw)  # noqa: E731
    page = phone.new_page()
    page.goto(app.base_url + "/")
    if locale != "sv":
        choose_language(page, locale)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    expect(page.locator("h1")).to_have_text(t("Volunteer with people who have fled to our municipality"))
    screenshot(page, f"{locale}-1-home")

    page.locator("a.button--primary", has_text=t("Sign up as a volunteer")).click()
    expect(page).to_have_url(re.compile(r"/signup$"))
    page.evaluate("window.__sameDocument = true")

    # Leaving a field checks it in place (htmx), without reloading the page.
    page.fill("#full_name", "Samira Haddad")
    page.fill("#email", "samira@")
    with page.expect_request(lambda request: "/signup/check/email" in request.url) as check:
        page.press("#email", "Tab")
    headers = check.value.all_headers()
    assert headers["hx-request"] == "true"
    assert headers["x-csrftoken"], "htmx sends the CSRF token set once on <body>"
    expect(page.locator("#email-error")).to_have_text(t("Write a whole address, for example name@example.se."))
    page.fill("#email", "samira@example.org")
    page.press("#email", "Tab")
    expect(page.locator("#email-error")).to_have_count(0)
    page.fill("#phone", "0701234567")
    page.check("#languages-ar")
    page.check("#languages-sv")
    page.check("#availability-weekends")
    page.fill("#motivation", "Jag talar arabiska och vill hjälpa barnfamiljer.")
    page.check("#adult")
    screenshot(page, f"{locale}-2-signup-filled")

    # Submitting without consent: the form comes back (422, swapped by htmx) with the message and our input.
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("#consent-error")).to_have_text(t("We need your consent to handle your application."))
    expect(page.locator("#full_name")).to_have_value("Samira Haddad")
    expect(page.locator("#languages-ar")).to_be_checked()
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, f"{locale}-3-signup-error")

    page.check("#consent")
    page.locator("#signup-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/signup/sent$"))
    expect(page.locator("h1")).to_have_text(t("Check your e-mail"))

    message = outbox.last()
    assert message["To"] == "samira@example.org"
    assert message["Subject"] == t("Confirm your e-mail address")
    page.goto(absolute(app, app.base_url + latest_link(outbox)))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me"))
    expect(page.locator("main")).to_contain_text(t("What happens next"))
    expect(page.locator("main")).to_contain_text("Samira Haddad")
    screenshot(page, f"{locale}-4-my-page")

    menu(page).locator("button").click()
    expect(page.locator(".flash")).to_have_text(t("You are signed out."))
    page.locator(".site-nav a", has_text=t("Sign in")).click()
    page.fill("#email", "samira@example.org")
    page.locator("#sign-in-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sign-in/sent$"))
    assert outbox.last()["Subject"] == t("Your sign-in link")
    page.goto(app.base_url + latest_link(outbox))
    screenshot(page, f"{locale}-5-sign-in-button")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.locator("h1")).to_have_text(t("Hello, %(name)s", name="Samira Haddad"))
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert any(c["name"] == "remember_token" for c in phone.cookies())


def test_the_form_works_with_javascript_off(live_server, browser, outbox):
    app = live_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(app.base_url + "/signup")
    page.fill("#full_name", "Olle Ek")
    page.fill("#email", "olle@example")
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("#email-error")).to_have_text(
        translated(app, "sv", "Write a whole address, for example name@example.se."))
    expect(page.locator("#full_name")).to_have_value("Olle Ek")
    page.fill("#email", "olle@example.org")
    page.fill("#phone", "+46 70 111 22 33")
    page.check("#languages-sv")
    page.check("#availability-weekdays")
    page.fill("#motivation", "Pensionär med tid över.")
    page.check("#adult")
    page.check("#consent")
    page.locator("#signup-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/signup/sent$"))
    assert outbox.last()["To"] == "olle@example.org"
    context.close()
