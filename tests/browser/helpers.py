"""Small helpers shared by the browser tests: the phone's size and signing in through the e-mailed link."""
import re

from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def choose_language(page, locale: str) -> None:
    """Open the header's language menu and pick a language, as a person would."""
    page.locator(".language-menu summary").click()
    page.locator(f'.language-switcher button[value="{locale}"]').click()


def absolute(app, link: str) -> str:
    return re.sub(r"^http://localhost", app.base_url, link)


def latest_link(outbox) -> str:
    match = re.search(r"(/(?:confirm|sign-in)/\S+)", outbox.text())
    return match.group(1)


def sign_in(page, app, outbox, address):
    page.goto(app.base_url + "/sign-in")
    page.fill("#email", address)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sign-in/sent$"))
    link = re.search(r"(/sign-in/\S+)", outbox.text()).group(1)
    page.goto(absolute(app, "http://localhost" + link))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(me|coordinator/)$"))  # coordinators land on coordination


def phone_signed_in(browser, app, outbox, email):
    """A phone signed in through the e-mailed link, as a person would."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="sv-SE", timezone_id="Europe/Stockholm")
    page = context.new_page()
    page.goto(app.base_url + "/sign-in")
    page.fill("#email", email)
    page.locator("#sign-in-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sign-in/sent$"))
    page.goto(app.base_url + re.search(r"(/sign-in/\S+)", outbox.text()).group(1))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/(me|coordinator/)$"))  # coordinators land on coordination
    return context, page


def menu(page):
    """Open the header's menu of a signed-in person, as a person would, and give its panel."""
    if page.locator(".site-menu[open]").count() == 0:
        page.locator(".site-menu summary").click()
    return page.locator(".site-menu__panel")
