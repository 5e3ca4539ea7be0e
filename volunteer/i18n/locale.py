"""Which of the site's languages a request is served in."""
from functools import lru_cache

from babel import Locale
from flask import request, session
from flask_login import current_user

# The languages the site itself is translated into, in the switcher's order.
SITE_LOCALES = ("sv", "en", "ar", "fa", "so", "ti", "uk")
DEFAULT_LOCALE = "sv"
SESSION_KEY = "locale"

def select_locale() -> str:
    """The explicit choice, then the account's saved language, then Accept-Language, then Swedish."""
    chosen = session.get(SESSION_KEY)
    if chosen in SITE_LOCALES:
        return chosen
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


