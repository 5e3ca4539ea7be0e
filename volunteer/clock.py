"""The time now, and Stockholm's calendar days; tests move the time by setting the CLOCK config key to a
callable, never by sleeping."""
from datetime import date, datetime, time, timedelta, timezone
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
    """A Stockholm wall-clock time on a day (the same wall clock on either side of a daylight-saving change).

    The night the clocks go back, 02:00-02:59 happens twice; it means the first time, still summer time (fold 0),
    as people read "02:30" before the clocks have been turned. A time the clocks skip (exists() is False) must be
    refused before it gets here: zoneinfo would quietly move it an hour on."""
    return datetime.combine(day, wall_clock.replace(fold=0), tzinfo=STOCKHOLM)


def exists(day: date, wall_clock: time) -> bool:
    """Whether this wall-clock time happens in Stockholm on that day: not in the hour skipped in spring."""
    moment = at(day, wall_clock)
    return moment.astimezone(timezone.utc).astimezone(STOCKHOLM).replace(tzinfo=None) == moment.replace(tzinfo=None)


def local_day(moment: datetime) -> date:
    """The Stockholm calendar day a moment falls on."""
    return moment.astimezone(STOCKHOLM).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A Stockholm calendar day as its first moment and the next day's (23 or 25 hours at a clock change)."""
    return at(day), at(day + timedelta(days=1))


def end_of_tomorrow(moment: datetime) -> datetime:
    """Midnight at the end of tomorrow in Stockholm: reminders go out the day before a shift or a training."""
    return day_bounds(local_day(moment) + timedelta(days=1))[1]
