"""Every site language on a phone: the page fits the screen and the switcher lists all of them."""
import pytest
from playwright.sync_api import expect

from volunteer.i18n.locale import SITE_LOCALES

from ..helpers import RTL, translated


@pytest.mark.parametrize("locale", SITE_LOCALES)
def test_home_and_sign_up_fit_a_phone_in_every_language(live_server, phone, screenshot, locale):
    page = phone.new_page()
    page.goto(live_server.base_url + "/")
    if locale != "sv":
        page.locator(f'.language-switcher button[value="{locale}"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale in RTL else "ltr")
    expect(page.locator(".language-switcher button")).to_have_count(len(SITE_LOCALES))
    for path, name in (("/", "home"), ("/signup", "signup")):
        page.goto(live_server.base_url + path)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} is wider than the phone"
        screenshot(page, f"lang-{locale}-{name}")
    expect(page.locator("h1")).to_have_text(translated(live_server, locale, "Sign up as a volunteer"))
