"""Locale selection, the site's languages and the spoken-language list."""
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from unicodedata import bidirectional
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time, get_datetime_format
from babel.lists import format_list
from babel.numbers import format_decimal
from flask import request, session
from flask.globals import _cv_app
from flask_babel import _get_current_context as _babel_context
from flask_babel import get_locale as babel_locale
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user


# The languages the site itself is translated into, in the switcher's order.
SITE_LOCALES = ("sv", "en", "ar", "fa", "so", "ti", "uk")
DEFAULT_LOCALE = "sv"
SESSION_KEY = "locale"

# Languages volunteers can say they speak, as (stored code, CLDR tag for the name).
# Codes are ISO 639; Dari is stored as ISO 639-3 "prs" and named by CLDR's "fa_AF".
SPOKEN_LANGUAGES = (
    ("sv", "sv"), ("en", "en"), ("ar", "ar"), ("fa", "fa"), ("prs", "fa_AF"),
    ("ps", "ps"), ("so", "so"), ("ti", "ti"), ("am", "am"), ("om", "om"),
    ("uk", "uk"), ("ru", "ru"), ("ckb", "ckb"), ("ku", "ku"), ("tr", "tr"),
    ("ur", "ur"), ("bs", "bs"), ("sq", "sq"), ("fr", "fr"), ("es", "es"),
    ("de", "de"), ("pl", "pl"), ("ro", "ro"), ("sw", "sw"), ("my", "my"),
)


@dataclass(frozen=True)
class SpokenLanguage:
    """A spoken language as shown in lists: its own name first."""

    code: str
    tag: str
    autonym: str
    local_name: str
    direction: str


def select_locale() -> str:
    """The explicit choice, then the account's saved language, then Accept-Language, then Swedish."""
    chosen = session.get(SESSION_KEY)
    if chosen in SITE_LOCALES:
        return chosen
    saved = getattr(current_user, "locale", None) if current_user else None
    if saved in SITE_LOCALES:
        return saved
    return request.accept_languages.best_match(SITE_LOCALES) or DEFAULT_LOCALE


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


# clock.STOCKHOLM (ZoneInfo gives the same object); not imported from clock, which needs the models, which need this.
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def to_user_timezone(value: datetime) -> datetime:
    """A moment in Stockholm's time (naive values are UTC), as flask_babel.to_user_timezone with the site's
    one timezone, without looking the timezone up again each time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(STOCKHOLM)


# Locale data and the names and formats made from it never change while the site runs: parse and look them
# up once per process, not on every card of every page.
@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def text_direction(code: str | None = None) -> str:
    """'rtl' or 'ltr' for a language code (the current locale by default)."""
    return _locale(code or current_locale()).text_direction


def _name(tag: str, in_locale: str) -> str:
    return _locale(in_locale).languages.get(tag) or tag


def spoken_language(code: str, in_locale: str | None = None) -> SpokenLanguage:
    """One spoken language, named by itself and in the given (or current) locale."""
    return _spoken_language(code, in_locale or current_locale())


@lru_cache(maxsize=1024)
def _spoken_language(code: str, in_locale: str) -> SpokenLanguage:
    tag = dict(SPOKEN_LANGUAGES).get(code, code)
    locale = _locale(tag)
    return SpokenLanguage(
        code=code,
        tag=tag.replace("_", "-"),
        autonym=locale.languages.get(tag) or tag,
        local_name=_name(tag, in_locale),
        direction=locale.text_direction,
    )


def spoken_languages(in_locale: str | None = None) -> list[SpokenLanguage]:
    """All spoken languages in the list's fixed order."""
    return [spoken_language(code, in_locale) for code, _ in SPOKEN_LANGUAGES]


def language_name(code: str) -> str:
    """A spoken language's name in the current locale ("arabiska")."""
    return spoken_language(code).local_name


def site_locale_options() -> list[SpokenLanguage]:
    """The site's languages for the switcher, each named by itself."""
    return [spoken_language(code) for code in SITE_LOCALES]


def join_list(items) -> str:
    """A list as a sentence in the current locale: "svenska, arabiska och dari"."""
    return format_list([str(item) for item in items], locale=_locale(current_locale()))


def when(value: datetime) -> str:
    """A moment as a long date and a short time (no seconds) in Europe/Stockholm, glued as CLDR says."""
    glue = get_datetime_format("long", locale=_locale(current_locale())).replace("'", "")
    return glue.replace("{0}", clock_time(value)).replace("{1}", long_date(value))


def day(value: date) -> str:
    """A calendar date in the current locale, e.g. "24 nov. 2026"."""
    return format_date(value, "medium", locale=_locale(current_locale()))


def weekday(value: date, full: bool = False) -> str:
    """A calendar day with its weekday: "tis 6 okt." or, full, "tisdag 6 oktober 2026"."""
    return _weekday(value, full, current_locale())


@lru_cache(maxsize=4096)
def _weekday(value: date, full: bool, code: str) -> str:
    if full:
        return format_date(value, "full", locale=_locale(code))
    return format_skeleton("MMMEd", value, locale=_locale(code))


def number(value: float) -> str:
    """A number as the locale writes it, with at most two decimals ("2,5" in Swedish)."""
    return format_decimal(value, "#,##0.##", locale=_locale(current_locale()))


# A name kept in several languages falls back to Swedish, then English.
NAME_FALLBACKS = ("sv", "en")


def localized(names: dict, locale: str | None = None) -> str:
    """A name from a dict keyed by locale, in the reader's (or the given) language or a fallback."""
    for code in (locale or current_locale(), *NAME_FALLBACKS):
        if names.get(code):
            return names[code]
    return next(iter(names.values()), "")


def long_date(value: datetime) -> str:
    """A moment's date in Europe/Stockholm, as the locale writes it ("22 augusti 2029")."""
    return format_date(to_user_timezone(value), "long", locale=_locale(current_locale()))


def clock_time(value: datetime) -> str:
    """A moment's time of day in Europe/Stockholm, as the locale writes it ("18:00")."""
    return format_time(to_user_timezone(value), "short", locale=_locale(current_locale()))


def short_day(value: datetime) -> str:
    """A moment's weekday and date in Europe/Stockholm, short: "tis 24 nov."."""
    return weekday(to_user_timezone(value).date())


# Unicode's left-to-right isolate and its closing mark: the text between reads left to right inside
# right-to-left text, in HTML, plain-text e-mails and flash messages alike (like <bdi dir="ltr">).
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def left_to_right(text: str) -> str:
    """Digits and separators that must keep their order ("09:00–12:00", "070-123 45 67") in a
    right-to-left language; unchanged in a left-to-right one, and when the text has right-to-left words of its
    own (Persian "9:00 تا 12:00" already reads right)."""
    if not text or text_direction() != "rtl" or any(bidirectional(char) in ("R", "AL") for char in text):
        return text
    return f"{LTR_ISOLATE}{text}{POP_ISOLATE}"


def time_range(start: datetime, end: datetime) -> str:
    """Two moments' times of day in Europe/Stockholm: "17:00–20:00" (kept left to right in Arabic)."""
    return left_to_right(_time_range(start, end, current_locale()))


@lru_cache(maxsize=4096)
def _time_range(start: datetime, end: datetime, code: str) -> str:
    start, end = to_user_timezone(start), to_user_timezone(end)
    return format_interval(start, end, "Hm", tzinfo=start.tzinfo, locale=_locale(code))


def date_and_times(start: datetime, end: datetime) -> str:
    """A session's long date and its times, glued as the locale glues a date and a time:
    "27 november 2026 18:00–21:00" (the times kept left to right in Arabic and Persian)."""
    glue = get_datetime_format("long", locale=current_locale()).replace("'", "")
    return glue.replace("{0}", time_range(start, end)).replace("{1}", long_date(start))


def span(start: datetime, end: datetime) -> str:
    """A shift's day and times: "tis 24 nov. 17:00–20:00"."""
    return f"{short_day(start)} {time_range(start, end)}"


def month_name(value: date) -> str:
    """A calendar month with its year: "november 2026"."""
    return format_skeleton("yMMMM", value, locale=current_locale())


def date_range(start: date, end: date) -> str:
    """Two calendar days as a range, as the locale writes it: "1 jan.–31 okt. 2026"."""
    return format_interval(start, end, "yMMMd", locale=current_locale())
