"""Dates, times, numbers and lists as the reader's language writes them, in Europe/Stockholm."""
from datetime import date, datetime, timezone
from functools import lru_cache
from unicodedata import bidirectional
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, format_skeleton, get_datetime_format
from babel.lists import format_list
from babel.numbers import format_decimal

from .catalog import current_locale
from .languages import text_direction
from .locale import locale_data


# clock.STOCKHOLM (ZoneInfo gives the same object); not imported from clock, which needs the models, which need this.
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def to_user_timezone(value: datetime) -> datetime:
    """A moment in Stockholm's time (naive values are UTC), as flask_babel.to_user_timezone with the site's
    one timezone, without looking the timezone up again each time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(STOCKHOLM)


def join_list(items) -> str:
    """A list as a sentence in the current locale: "svenska, arabiska och dari"."""
    return format_list([str(item) for item in items], locale=locale_data(current_locale()))


def when(value: datetime) -> str:
    """A moment as a long date and a short time (no seconds) in Europe/Stockholm, glued as CLDR says."""
    glue = get_datetime_format("long", locale=locale_data(current_locale())).replace("'", "")
    return glue.replace("{0}", clock_time(value)).replace("{1}", long_date(value))


def day(value: date) -> str:
    """A calendar date in the current locale, e.g. "24 nov. 2026"."""
    return format_date(value, "medium", locale=locale_data(current_locale()))


def weekday(value: date, full: bool = False) -> str:
    """A calendar day with its weekday: "tis 6 okt." or, full, "tisdag 6 oktober 2026"."""
    return _weekday(value, full, current_locale())


@lru_cache(maxsize=4096)
def _weekday(value: date, full: bool, code: str) -> str:
    if full:
        return format_date(value, "full", locale=locale_data(code))
    return format_skeleton("MMMEd", value, locale=locale_data(code))


def number(value: float) -> str:
    """A number as the locale writes it, with at most two decimals ("2,5" in Swedish)."""
    return format_decimal(value, "#,##0.##", locale=locale_data(current_locale()))


def long_date(value: datetime) -> str:
    """A moment's date in Europe/Stockholm, as the locale writes it ("22 augusti 2029")."""
    return format_date(to_user_timezone(value), "long", locale=locale_data(current_locale()))


def clock_time(value: datetime) -> str:
    """A moment's time of day in Europe/Stockholm on the 24-hour clock, as the locale writes it ("18:00"): the
    Swedish norm in every language (CLDR's short time is "6:00 PM" in English, "6:00 م" in Arabic)."""
    return format_skeleton("Hm", to_user_timezone(value), locale=locale_data(current_locale()))


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
    return format_interval(start, end, "Hm", tzinfo=start.tzinfo, locale=locale_data(code))


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


def short_month(value: date) -> str:
    """A calendar month with its year, short: "nov. 2026" (a chart's axis)."""
    return format_skeleton("yMMM", value, locale=current_locale())


def day_month(value: date) -> str:
    """A calendar day without its year, short: "3 mars" (a chart's axis)."""
    return format_skeleton("MMMd", value, locale=current_locale())


def weekday_number(value: date) -> str:
    """A weekday and the day of the month, short: "tis 6" (a chart's axis)."""
    return format_skeleton("Ed", value, locale=current_locale())


def date_range(start: date, end: date) -> str:
    """Two calendar days as a range, as the locale writes it: "1 jan.–31 okt. 2026"."""
    return format_interval(start, end, "yMMMd", locale=current_locale())
