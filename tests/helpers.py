"""Small helpers shared by the test modules."""
import re
from html import unescape

from flask_babel import force_locale, gettext

from volunteer.i18n.locale import SITE_LOCALES
from volunteer.statements import statements_of  # noqa: F401 (the tests' statement counter)

LOCALES = list(SITE_LOCALES)
RTL = {"ar", "fa"}


def translated(app, locale: str, msgid: str, **variables) -> str:
    """The catalog's text for msgid in a locale; fails if a non-English locale lacks a translation."""
    with app.test_request_context():
        with force_locale(locale):
            text = gettext(msgid, **variables)
        with force_locale("en"):
            english = gettext(msgid, **variables)
    if locale != "en":
        assert text != english, f"{msgid!r} is not translated into {locale}"
    return text


def page_text(response) -> str:
    """The response body with HTML entities decoded, for plain-text assertions."""
    return unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str | None:
    """The message shown next to a field, or None."""
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', response.get_data(as_text=True))
    return unescape(match.group(1)) if match else None


def html_root(response) -> tuple[str, str]:
    """The lang and dir attributes of the <html> element."""
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', response.get_data(as_text=True))
    return match.group(1), match.group(2)
