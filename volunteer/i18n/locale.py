"""Which of the site's languages a request is served in."""
from functools import lru_cache

from babel import Locale
from flask import g, has_request_context, request, session
from flask_babel import refresh
from flask_login import current_user

# The languages the site itself is translated into, in the switcher's order.
SITE_LOCALES = ("sv", "en", "ar", "fa", "so", "ti", "uk")
DEFAULT_LOCALE = "sv"
SESSION_KEY = "locale"


def chosen_locale() -> str | None:
    """The language this browser chose with the switcher, if it chose one."""
    chosen = session.get(SESSION_KEY) if has_request_context() else None
    return chosen if chosen in SITE_LOCALES else None


def speak_as(code: str | None) -> None:
    """Serve this request in the language of the person a link belongs to (a confirmation, sign-in or offer
    link), not the browser's: the one who opens it may be on a borrowed phone or in a mail app's browser.
    An explicit choice with the switcher still wins."""
    if code in SITE_LOCALES:
        g.link_locale = code
        refresh()


def select_locale() -> str:
    """The explicit choice, then the language of the person whose link this page is, then the account's saved
    language, then Accept-Language, then Swedish."""
    chosen = chosen_locale()
    if chosen:
        return chosen
    for_link = g.get("link_locale")
    if for_link:
        return for_link
    saved = getattr(current_user, "locale", None) if current_user else None
    if saved in SITE_LOCALES:
        return saved
    return request.accept_languages.best_match(SITE_LOCALES) or DEFAULT_LOCALE


# Locale data and the names and formats made from it never change while the site runs: parse and look them
# up once per process, not on every card of every page.
@lru_cache(maxsize=None)
def locale_data(code: str) -> Locale:
    """Babel's data for a language code, parsed once per process."""
    return Locale.parse(code)


