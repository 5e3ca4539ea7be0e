"""May this person book this shift, and why not."""
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import contains_eager

from .. import clock
from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import long_date, span, when
from ..models import PLACE_HOLDING, Booking, BookingStatus, PersonQualification, Shift, Status, User
from .qualifications import best_held


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

    @property
    def actions(self) -> tuple[str, ...]:
        """What a POST may do in this state; the first is the main button."""
        return _BOOKING_ACTIONS.get(self, ())

    def allows(self, action: str) -> bool:
        return action in self.actions


_BOOKING_ACTIONS = {
    BookingState.OPEN: ("book",),
    BookingState.BOOKED: ("cancel",),
    BookingState.WAITLIST: ("waitlist",),
    BookingState.WAITLISTED: ("cancel",),
    BookingState.OFFERED: ("confirm", "cancel"),
}

BOOKING_ACTION_LABELS = {
    "book": _l("Book"),
    "waitlist": _l("Join the waitlist"),
    "confirm": _l("Confirm my place"),
}
BOOKING_CANCEL_LABELS = {
    BookingState.BOOKED: _l("Cancel my booking"),
    BookingState.WAITLISTED: _l("Leave the waitlist"),
    BookingState.OFFERED: _l("No thanks, give the place on"),
}


def booking_button_label(state: BookingState, action: str) -> str:
    return str(BOOKING_CANCEL_LABELS[state] if action == "cancel" else BOOKING_ACTION_LABELS[action])


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


@dataclass
class ShiftStanding:
    """What the rules need to know about one person, loaded once for a whole list of shifts."""

    bookings: dict[int, Booking] = field(default_factory=dict)
    # The person's coming shifts where they hold a place, to find overlaps.
    busy: list[Shift] = field(default_factory=list)
    qualifications: list[PersonQualification] = field(default_factory=list)
    # The last day the person's newest criminal-record extract is valid.
    record_check_until: date | None = None

    def holds(self, qualification_id: int | None, moment: datetime) -> PersonQualification | None:
        return best_held(self.qualifications, qualification_id, moment)

    def record_check_valid(self, moment: datetime) -> bool:
        return self.record_check_until is not None and moment < record_check_lapses(self.record_check_until)

    def clash(self, shift: Shift) -> Shift | None:
        """Another shift the person holds a place on at the same time."""
        return next((other for other in self.busy if other.id != shift.id
                     and other.starts_at < shift.ends_at and shift.starts_at < other.ends_at), None)


def shift_standing(user: User, shifts: list[Shift], now: datetime) -> ShiftStanding:
    """The person's bookings on these shifts and the coming shifts they hold a place on, in one query; their
    qualifications and record check come with the signed-in person (or one query each for someone else)."""
    ids = {shift.id for shift in shifts}
    rows = db.session.scalars(_STANDING, {"user_id": user.id, "shift_ids": sorted(ids), "now": now}).all()
    busy = [booking.shift for booking in rows if booking.status in PLACE_HOLDING
            and booking.shift.ends_at > now and booking.shift.cancelled_at is None]
    return ShiftStanding({booking.shift_id: booking for booking in rows if booking.shift_id in ids}, busy,
                         list(user.held_qualifications), user.record_check_until)


# Built once: every list of shifts and every booking action runs it.
_STANDING = (
    select(Booking).join(Booking.shift).options(contains_eager(Booking.shift).joinedload(Shift.site))
    .where(Booking.user_id == bindparam("user_id"),
           or_(Booking.shift_id.in_(bindparam("shift_ids", expanding=True)),
               and_(Booking.status.in_(PLACE_HOLDING), Shift.ends_at > bindparam("now"),
                    Shift.cancelled_at.is_(None)))))


def live_shift_offer(booking: Booking | None, now: datetime) -> bool:
    return (booking is not None and booking.status is BookingStatus.OFFERED
            and booking.offer_expires_at is not None and booking.offer_expires_at > now)


def booking_state(user: User, shift: Shift, now: datetime, known: ShiftStanding | None = None) -> BookingState:
    """The one answer to "may this person book this shift, and if not, why"."""
    known = known or shift_standing(user, [shift], now)
    booking = known.bookings.get(shift.id)
    if shift.cancelled_at is not None or shift.starts_at <= now:
        return BookingState.CLOSED
    status = booking.status if booking else None
    if status is BookingStatus.BOOKED:
        return BookingState.BOOKED
    if live_shift_offer(booking, now):
        return BookingState.OFFERED
    if status is BookingStatus.WAITLISTED:
        return BookingState.WAITLISTED
    if shift.starts_at > now + booking_horizon():
        return BookingState.CLOSED
    if not may_book_shifts(user):
        return BookingState.NEEDS_APPROVAL
    if shift.required_qualification_id and not known.holds(shift.required_qualification_id, shift.ends_at):
        return BookingState.NEEDS_QUALIFICATION
    if shift.requires_record_check and not known.record_check_valid(shift.ends_at):
        return BookingState.NEEDS_RECORD_CHECK
    if known.clash(shift):
        return BookingState.OVERLAPS
    if shift.places_taken >= shift.places:
        return BookingState.FULL if shift.starts_at - now <= waitlist_closes() else BookingState.WAITLIST
    return BookingState.OPEN


def late_cancellation(shift: Shift, now: datetime) -> bool:
    """Cancelling after the cut-off is allowed, but the site's coordinators are told at once."""
    return shift.starts_at - now < cancel_cutoff()


def booking_explanation(state: BookingState, shift: Shift, booking: Booking | None, known: ShiftStanding,
                        now: datetime) -> str:
    """What the volunteer reads on the card: why, and how to fix it."""
    if state is BookingState.OPEN:
        return _("Free places. Book to take one.")
    if state is BookingState.BOOKED:
        if late_cancellation(shift, now):
            return _("You are booked. If you cannot come after all, cancel here and the coordinators will be told.")
        return _("You are booked. Thank you!")
    if state is BookingState.WAITLIST:
        return _("Full — join the waitlist and we will e-mail you if a place frees up.")
    if state is BookingState.FULL:
        return _("Full. The shift starts soon, so there is no waitlist.")
    if state is BookingState.WAITLISTED:
        return _("You are on the waitlist. We will e-mail you if a place frees up.")
    if state is BookingState.OFFERED:
        return _("A place has freed up and is held for you until %(deadline)s. Confirm to take it.",
                 deadline=when(booking.offer_expires_at))
    if state is BookingState.NEEDS_APPROVAL:
        return _("Waiting for approval: you can book shifts once a coordinator has approved your application.")
    if state is BookingState.NEEDS_QUALIFICATION:
        name = shift.required_qualification.name_in()
        expired = [held for held in known.qualifications
                   if held.qualification_id == shift.required_qualification_id]
        if expired:
            return _("Your qualification “%(name)s” has expired by then. Take the training again to book.",
                     name=name)
        return _("Complete “%(name)s” to book.", name=name)
    if state is BookingState.NEEDS_RECORD_CHECK:
        return _("This shift is with children: show a coordinator a valid extract from the criminal records "
                 "register to book.")
    if state is BookingState.OVERLAPS:
        other = known.clash(shift)
        return _("You are on another shift then (%(when)s, %(site)s).",
                 when=span(other.starts_at, other.ends_at), site=other.site.name)
    if shift.cancelled_at is not None:
        return _("This shift has been cancelled.")
    if shift.starts_at <= now:
        return _("Booking closed: the shift has started.")
    return _("Booking opens %(date)s.", date=long_date(shift.starts_at - booking_horizon()))


def record_check_lapses(valid_until: date) -> datetime:
    """The first moment an extract valid until a day no longer counts: the end of that day in Stockholm."""
    return clock.day_bounds(valid_until)[1]
