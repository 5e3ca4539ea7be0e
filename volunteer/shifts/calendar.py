"""Calendar files (.ics) for shifts, one at a time or as a person's private feed, and for training sessions, built
with icalendar."""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from ..i18n.catalog import gettext as _
from ..mail import absolute_url
from ..models import Shift, TrainingSession, User


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
    """One shift's event; a cancelled one as METHOD:CANCEL, which calendar programs apply to the event they hold."""
    calendar = _calendar()
    calendar.add("method", "CANCEL" if cancelled or shift.cancelled_at else "PUBLISH")
    calendar.add_component(event_for(shift, cancelled=cancelled))
    return calendar.to_ical()


def training_session(session: TrainingSession, *, cancelled: bool = False) -> bytes:
    """One training session's event, made as a shift's is (its own UID, so a change replaces it)."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "volunteer.local"
    training = session.training
    event = Event()
    event.add("uid", f"training-session-{session.id}@{host}")
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{training.title_in()} – {training.organisation.name}")
    event.add("location", session.place)
    event.add("description", absolute_url("trainings.mine"))
    event.add("status", "CANCELLED" if cancelled or session.cancelled_at else "CONFIRMED")
    calendar = _calendar()
    calendar.add("method", "CANCEL" if cancelled or session.cancelled_at else "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()


def feed(name: str, shifts: list[Shift]) -> bytes:
    calendar = _calendar(name)
    for shift in shifts:
        calendar.add_component(event_for(shift))
    return calendar.to_ical()


def feed_url(user: User) -> str | None:
    if not user.calendar_token:
        return None
    return absolute_url("shifts.feed", token=user.calendar_token)
