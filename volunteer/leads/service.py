"""Changes a site's day is made of: appointing and ending leads, checking people in and out (by the shift's code
or by hand), no-shows and the lead's notes. Each runs in the caller's transaction; the caller commits.

Checking in and out are conditional UPDATEs on the booking: two scans at once, or a scan and the lead's button,
give one check-in, on SQLite and PostgreSQL alike."""
import enum
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from ..audit import audit
from ..extensions import db
from ..models import Booking, BookingStatus, Shift, Site, SiteLead, SiteNote, User
from ..rules.leads import CHECKABLE, EARLY, LATE, SAME_ARRIVAL, Presence, presence
from ..rules.places import Conflict
from ..rules.shifts import PLACES
from . import codes


def appoint(site: Site, person: User, from_day: date, until_day: date, by: User) -> SiteLead:
    lead = SiteLead(site_id=site.id, user_id=person.id, from_day=from_day, until_day=until_day, created_by_id=by.id)
    db.session.add(lead)
    db.session.flush()
    audit("site_lead_appointed", actor=by, subject=person, site_id=site.id, lead_id=lead.id,
          from_day=from_day.isoformat(), until_day=until_day.isoformat())
    return lead


def end(lead: SiteLead, by: User) -> None:
    """The person leads the site no more, from now on."""
    audit("site_lead_ended", actor=by, subject=lead.user, site_id=lead.site_id, lead_id=lead.id)
    db.session.delete(lead)


def check_in(booking: Booking, by: User, now: datetime, *, by_code: bool = False) -> bool:
    """Mark the person arrived (and attended); False when someone else just did, or the booking no longer allows it."""
    if presence(booking, now) is not Presence.CHECK_IN:
        return False
    values = {"checked_in_at": now, "status": BookingStatus.ATTENDED, "decided_by_id": by.id, "updated_at": now}
    if not _update(booking, values, Booking.checked_in_at.is_(None), Booking.status.in_(CHECKABLE)):
        return False
    audit("shift_checked_in", actor=by, subject=booking.user, shift_id=booking.shift_id, by_code=by_code)
    return True


def check_out(booking: Booking, by: User, now: datetime, *, by_code: bool = False) -> bool:
    """Mark the person gone; False when they are not checked in, left already or arrived a moment ago."""
    if presence(booking, now) is not Presence.CHECK_OUT:
        return False
    if not _update(booking, {"checked_out_at": now, "updated_at": now}, Booking.checked_in_at.is_not(None),
                   Booking.checked_in_at <= now - SAME_ARRIVAL, Booking.checked_out_at.is_(None)):
        return False
    audit("shift_checked_out", actor=by, subject=booking.user, shift_id=booking.shift_id, by_code=by_code)
    return True


def _update(booking: Booking, values: dict, *conditions) -> bool:
    moved = db.session.execute(
        update(Booking).where(Booking.id == booking.id, *conditions).values(**values)
        .execution_options(synchronize_session=False)).rowcount == 1
    if moved:
        for key, value in values.items():
            set_committed_value(booking, key, value)
    return moved


def no_show(booking: Booking, by: User, now: datetime) -> bool:
    """The person did not come (once the shift has started); Conflict if they checked in meanwhile."""
    if booking.checked_in_at is not None:
        raise Conflict()
    PLACES.move(booking, BookingStatus.NO_SHOW, now, allowed=(BookingStatus.BOOKED,), decided_by_id=by.id)
    audit("shift_attendance", actor=by, subject=booking.user, shift_id=booking.shift_id, status="no_show")
    return True


def note(site: Site, shift: Shift | None, text: str, by: User) -> SiteNote:
    written = SiteNote(site_id=site.id, shift_id=shift.id if shift else None, author_id=by.id, text=text.strip())
    db.session.add(written)
    db.session.flush()
    audit("site_note_written", actor=by, site_id=site.id, note_id=written.id)
    return written


class Scan(enum.Enum):
    """What a typed or scanned code did."""

    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    JUST_ARRIVED = "just_arrived"  # the same arrival again: nothing more
    LEFT = "left"  # checked out already
    NO_MATCH = "no_match"  # not the code of a shift of theirs that is open now


def by_code(user: User, typed: str, now: datetime) -> tuple[Scan, Booking | None]:
    """Check the person in or out of their shift whose code this is; only their own bookings on shifts starting
    within the hour, running or just ended are tried, so a code cannot check in someone else or on another shift."""
    for booking in _open_bookings(user, now):
        if not codes.matches(booking.shift_id, typed, now):
            continue
        state = presence(booking, now)
        if state is Presence.CHECK_IN:
            return (Scan.CHECKED_IN if check_in(booking, user, now, by_code=True) else Scan.JUST_ARRIVED), booking
        if state is Presence.CHECK_OUT:
            return (Scan.CHECKED_OUT if check_out(booking, user, now, by_code=True) else Scan.LEFT), booking
        if state is Presence.JUST_ARRIVED:
            return Scan.JUST_ARRIVED, booking
        if state is Presence.LEFT:
            return Scan.LEFT, booking
    return Scan.NO_MATCH, None


def _open_bookings(user: User, now: datetime) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).join(Booking.shift).options(contains_eager(Booking.shift))
        .where(Booking.user_id == user.id, Booking.status.in_(CHECKABLE), Shift.cancelled_at.is_(None),
               Shift.starts_at <= now + EARLY, Shift.ends_at > now - LATE)
        .order_by(Shift.starts_at, Booking.id)))

