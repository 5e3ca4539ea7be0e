"""Every site language on a phone: the page fits the screen and the switcher lists all of them."""
import re

import pytest
from playwright.sync_api import expect

from volunteer.i18n.locale import SITE_LOCALES

from ..helpers import RTL, translated
from .helpers import choose_language


@pytest.mark.parametrize("locale", SITE_LOCALES)
def test_home_and_sign_up_fit_a_phone_in_every_language(live_server, phone, screenshot, locale):
    page = phone.new_page()
    page.goto(live_server.base_url + "/")
    if locale != "sv":
        choose_language(page, locale)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale in RTL else "ltr")
    expect(page.locator(".language-switcher button")).to_have_count(len(SITE_LOCALES))
    for path, name in (("/", "home"), ("/signup", "signup")):
        page.goto(live_server.base_url + path)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} is wider than the phone"
        screenshot(page, f"lang-{locale}-{name}")
    expect(page.locator("h1")).to_have_text(translated(live_server, locale, "Sign up as a volunteer"))


@pytest.mark.parametrize("width, height", [(390, 844), (320, 640)])
@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_the_language_menu_is_one_control_that_works_without_javascript(browser, live_server, screenshot, locale,
                                                                        width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False,
                                  extra_http_headers={"Accept-Language": "sv"})
    page = context.new_page()
    page.goto(live_server.base_url + "/signup")
    header = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    print(f"\nheader at {width}px: content starts {header:.0f} px down")
    assert header <= 120, f"the header takes {header:.0f} px of a {width} px phone"
    expect(page.locator(".language-switcher button").first).to_be_hidden()
    if locale != "sv":
        choose_language(page, locale)
        expect(page).to_have_url(re.compile(r"/signup$"))
    expect(page.locator("html")).to_have_attribute("lang", locale)
    page.locator(".language-menu summary").click()
    screenshot(page, f"language-menu-{locale}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
