"""Shifts as a kind of place: their states, their gates (not open yet, approval, qualification and record
extract on the shift's day, overlap) and what they read. The ladder itself is kinds.decide."""
import enum
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import long_date, span
from ..models import Booking, BookingStatus, Shift, Status, User
from .kinds import Decision, Kind, Standing
from .places import Places

PLACES = Places(parent=Shift, row=Booking, parent_key="shift_id", taken="places_taken", capacity="places",
                held=BookingStatus.BOOKED, waitlisted=BookingStatus.WAITLISTED, offered=BookingStatus.OFFERED,
                cancelled=BookingStatus.CANCELLED, attended=BookingStatus.ATTENDED, no_show=BookingStatus.NO_SHOW,
                salt="shift-offer", noun="shift")


class BookingState(enum.Enum):
    """Where a person stands with a shift."""

    OPEN = "open"
    BOOKED = "booked"
    FULL = "full"  # full, and too close to the start for a waitlist to help
    WAITLIST = "waitlist"  # full: the waitlist is offered
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed place is held for this person: confirm it
    NEEDS_APPROVAL = "needs_approval"
    NEEDS_QUALIFICATION = "needs_qualification"  # missing or expired by the shift's day
    NEEDS_RECORD_CHECK = "needs_record_check"
    OVERLAPS = "overlaps"
    CLOSED = "closed"  # started, cancelled, or not yet open for booking


def may_book_shifts(user: User) -> bool:
    """Only people whose application was approved stand in shifts."""
    return user.status is Status.APPROVED


def booking_horizon() -> timedelta:
    return current_app.config["SHIFT_BOOKING_HORIZON"]


def waitlist_closes() -> timedelta:
    """A waitlist is pointless this close to the start: nobody could confirm in time."""
    return current_app.config["SHIFT_WAITLIST_CLOSES"]


def cancel_cutoff() -> timedelta:
    return current_app.config["SHIFT_CANCEL_CUTOFF"]


def shift_standing(user: User, shifts: list[Shift], now: datetime) -> Standing:
    """The person's bookings on these shifts and the coming shifts they hold a place on, in one query; their
    qualifications and record check come with the signed-in person (or one query each for someone else)."""
    ids = {shift.id for shift in shifts}
    rows = db.session.scalars(_STANDING, {"user_id": user.id, "shift_ids": sorted(ids), "now": now}).all()
    busy = [booking.shift for booking in rows if booking.status in PLACES.occupied
            and booking.shift.ends_at > now and booking.shift.cancelled_at is None]
    return Standing({booking.shift_id: booking for booking in rows if booking.shift_id in ids},
                    list(user.held_qualifications), busy, user.record_check_until)


# Built once: every list of shifts and every booking action runs it.
_STANDING = (
    select(Booking).join(Booking.shift).options(contains_eager(Booking.shift).joinedload(Shift.site))
    .where(Booking.user_id == bindparam("user_id"),
           or_(Booking.shift_id.in_(bindparam("shift_ids", expanding=True)),
               and_(Booking.status.in_(PLACES.occupied), Shift.ends_at > bindparam("now"),
                    Shift.cancelled_at.is_(None)))))


def shift_standings(people: list[User], shift: Shift, now: datetime) -> dict[int, Standing]:
    """shift_standing for many people and one shift, by person: one query reads everyone's row on the shift and
    the places anyone holds on shifts at the same time (the only ones that can overlap it). Load the people with
    their held_qualifications and record_check_until."""
    rows = db.session.scalars(
        select(Booking).join(Booking.shift).options(contains_eager(Booking.shift).joinedload(Shift.site))
        .where(or_(Booking.shift_id == shift.id,
                   and_(Booking.status.in_(PLACES.occupied), Shift.cancelled_at.is_(None), Shift.ends_at > now,
                        Shift.starts_at < shift.ends_at, Shift.ends_at > shift.starts_at))))
    found = {person.id: Standing({}, list(person.held_qualifications), [], person.record_check_until)
             for person in people}
    for booking in rows:
        standing = found.get(booking.user_id)
        if standing is None:
            continue
        if booking.shift_id == shift.id:
            standing.rows[shift.id] = booking
        if booking.status in PLACES.occupied and booking.shift.ends_at > now and booking.shift.cancelled_at is None:
            standing.busy.append(booking.shift)
    return found


def late_cancellation(shift: Shift, now: datetime) -> bool:
    """Cancelling after the cut-off is allowed, but the site's coordinators are told at once."""
    return shift.starts_at - now < cancel_cutoff()


def not_open_yet(user: User, shift: Shift, now: datetime, known: Standing) -> Decision | None:
    if shift.starts_at > now + booking_horizon():
        return Decision(BookingState.CLOSED, _("Booking opens %(date)s.",
                                               date=long_date(shift.starts_at - booking_horizon())))
    return None


def approval(user: User, shift: Shift, now: datetime, known: Standing) -> Decision | None:
    if not may_book_shifts(user):
        return Decision(BookingState.NEEDS_APPROVAL, _(
            "Waiting for approval: you can book shifts once a coordinator has approved your application."))
    return None


def qualification_on_the_day(user: User, shift: Shift, now: datetime, known: Standing) -> Decision | None:
    """The required qualification, still valid when the shift ends."""
    wanted = shift.required_qualification_id
    if not wanted or known.holds(wanted, shift.ends_at):
        return None
    name = shift.required_qualification.name_in()
    if any(held.qualification_id == wanted for held in known.qualifications):
        reason = _("Your qualification “%(name)s” has expired by then. Take the training again to book.", name=name)
    else:
        reason = _("Complete “%(name)s” to book.", name=name)
    return Decision(BookingState.NEEDS_QUALIFICATION, reason, lacks=wanted)


def record_extract_on_the_day(user: User, shift: Shift, now: datetime, known: Standing) -> Decision | None:
    if shift.requires_record_check and not known.record_check_valid(shift.ends_at):
        return Decision(BookingState.NEEDS_RECORD_CHECK, _(
            "This shift is with children: show a coordinator a valid extract from the criminal records "
            "register to book."))
    return None


def overlap(user: User, shift: Shift, now: datetime, known: Standing) -> Decision | None:
    other = known.clash(shift)
    if other is None:
        return None
    return Decision(BookingState.OVERLAPS, _("You are on another shift then (%(when)s, %(site)s).",
                                             when=span(other.starts_at, other.ends_at), site=other.site.name))


def _booked(shift: Shift, now: datetime) -> str:
    if late_cancellation(shift, now):
        return _("You are booked. If you cannot come after all, cancel here and the coordinators will be told.")
    return _("You are booked. Thank you!")


def _full(shift: Shift, now: datetime) -> Decision:
    if shift.starts_at - now <= waitlist_closes():
        return Decision(BookingState.FULL, _("Full. The shift starts soon, so there is no waitlist."))
    return Decision(BookingState.WAITLIST, _("Full — join the waitlist and we will e-mail you if a place frees up."))


SHIFTS = Kind(
    places=PLACES, states=BookingState, held=BookingState.BOOKED, take="book", take_label=_l("Book"),
    cancel_label=_l("Cancel my booking"), act_endpoint="shifts.act", offer_endpoint="shifts.offer",
    standing=shift_standing,
    gates=(not_open_yet, approval, qualification_on_the_day, record_extract_on_the_day, overlap),
    cancelled=_l("This shift has been cancelled."), started=_l("Booking closed: the shift has started."),
    open=_l("Free places. Book to take one."), held_reason=_booked, full=_full,
    labels={"hand_over": _l("I can't come")}, held_actions=("cancel", "hand_over"))
