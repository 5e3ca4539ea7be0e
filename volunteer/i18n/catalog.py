"""The per-request gettext fast path.

It relies on Flask-Babel internals: flask_babel._get_current_context, the context's babel_locale attribute,
get_locale, get_translations and flask_babel.speaklater.LazyString. tests/test_i18n.py fails loudly if any of
them disappears (after a Flask-Babel upgrade, say); then this module goes back to flask_babel's own gettext."""
from flask.globals import _cv_app
from flask_babel import _get_current_context as _babel_context
from flask_babel import get_locale as babel_locale
from flask_babel import get_translations
from flask_babel.speaklater import LazyString

from .locale import DEFAULT_LOCALE


# Flask-Babel finds the locale and its catalog again on every gettext call, through several context lookups
# and a Locale turned back into a string each time: about 10 microseconds a string, and a list of shifts has
# hundreds. They are found once per request instead, and again only when force_locale switches the locale
# (an e-mail in its recipient's language).
def _request_language():
    """(locale, its code, its catalog) for the request being served; None outside a request."""
    app_context = _cv_app.get(None)  # flask.g without its proxy: this runs hundreds of times a page
    if app_context is None:
        return None
    context = app_context.g.__dict__.get("_flask_babel") or _babel_context()
    known = getattr(context, "volunteer_language", None)
    if known is not None and known[0] is getattr(context, "babel_locale", None):
        return known
    locale = babel_locale()
    known = (locale, str(locale or DEFAULT_LOCALE), get_translations())
    context.volunteer_language = known
    return known


def current_locale() -> str:
    """The locale of the request being served, as a language code."""
    known = _request_language()
    return known[1] if known else DEFAULT_LOCALE


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, with the catalog found once per request."""
    known = _request_language()
    text = known[2].ugettext(string) if known else string
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel.ngettext, with the catalog found once per request."""
    variables.setdefault("num", num)
    known = _request_language()
    text = known[2].ungettext(singular, plural, num) if known else (singular if num == 1 else plural)
    return text % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """flask_babel.lazy_gettext over this module's gettext: translated each time it is shown."""
    return LazyString(gettext, string, **variables)


def install_in_templates(app) -> None:
    """Templates' _(), gettext() and ngettext() use the per-request catalog too."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _catalog().ugettext(string),
        ngettext=lambda singular, plural, num: _catalog().ungettext(singular, plural, num),
        pgettext=lambda context, string: _catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _catalog().unpgettext(context, singular, plural, num),
        newstyle=True)


def _catalog():
    known = _request_language()
    return known[2] if known else get_translations()
