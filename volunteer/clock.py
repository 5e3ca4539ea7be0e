"""The time now, and Stockholm's calendar days; tests move the time by setting the CLOCK config key to a
callable, never by sleeping."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .models.base import utcnow

# Where the work happens: days, wall-clock times and "tomorrow" are Stockholm's.
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return clock() if clock else utcnow()


def at(day: date, wall_clock: time = time(0)) -> datetime:
    """A Stockholm wall-clock time on a day (the same wall clock on either side of a daylight-saving change)."""
    return datetime.combine(day, wall_clock, tzinfo=STOCKHOLM)


def local_day(moment: datetime) -> date:
    """The Stockholm calendar day a moment falls on."""
    return moment.astimezone(STOCKHOLM).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A Stockholm calendar day as its first moment and the next day's (23 or 25 hours at a clock change)."""
    return at(day), at(day + timedelta(days=1))
