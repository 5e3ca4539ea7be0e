"""Calendar files (.ics) for shifts, one at a time or as a person's private feed, built with icalendar."""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import current_app, url_for
from icalendar import Calendar, Event

from ..i18n.catalog import gettext as _
from ..mail import absolute_url
from ..models import Shift, User


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Volunteer at evacuation housing//volunteer//")
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Stockholm")
    return calendar


def event_for(shift: Shift, *, cancelled: bool = False) -> Event:
    """One shift as an event; its UID stays the same, so a changed or cancelled shift replaces the old one."""
    site = shift.site
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "volunteer.local"
    event = Event()
    event.add("uid", f"shift-{shift.id}@{host}")
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", shift.starts_at)
    event.add("dtend", shift.ends_at)
    event.add("summary", f"{shift.task.name_in()} – {site.name}")
    event.add("location", site.address)
    lines = [line for line in (site.access_notes, shift.notes) if line]
    if site.contact_on_duty:
        lines.append(_("Contact on duty: %(contact)s", contact=site.contact_on_duty))
    lines.append(absolute_url("shifts.mine"))
    event.add("description", "\n\n".join(lines))
    event.add("status", "CANCELLED" if cancelled or shift.cancelled_at else "CONFIRMED")
    return event


def single(shift: Shift, *, cancelled: bool = False) -> bytes:
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    calendar.add_component(event_for(shift, cancelled=cancelled))
    return calendar.to_ical()


def feed(name: str, shifts: list[Shift]) -> bytes:
    calendar = _calendar(name)
    for shift in shifts:
        calendar.add_component(event_for(shift))
    return calendar.to_ical()


def feed_url(user: User) -> str | None:
    if not user.calendar_token:
        return None
    return url_for("shifts.feed", token=user.calendar_token, _external=True)
