"""Taking and giving back places on shifts: booking, the waitlist and its offers, changes made by
coordinators, attendance and reminders.

The place counter, the rows' status moves and the waitlist's offers are shared with trainings (places.py):
places are taken with one conditional UPDATE of the shift's counter, so concurrent bookings never exceed the
places on SQLite or PostgreSQL, however many server processes there are. Every change runs in the caller's
transaction; the caller commits, or rolls back on Conflict or IntegrityError (a double tap meets the unique
constraint on person and shift)."""
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..audit import audit
from ..clock import day_bounds, local_day
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..mail import absolute_url, send_after_commit
from ..models import Booking, BookingStatus, Shift, User, coordinator_organisations
from ..rules.places import Conflict, Places  # noqa: F401 (Conflict: part of this API)
from ..rules.shifts import ShiftStanding, late_cancellation
from . import calendar

PLACES = Places(parent=Shift, row=Booking, parent_key="shift_id", taken="places_taken", capacity="places",
                held=BookingStatus.BOOKED, waitlisted=BookingStatus.WAITLISTED, offered=BookingStatus.OFFERED,
                cancelled=BookingStatus.CANCELLED, salt="shift-offer")
HOLDING = PLACES.holding
HOLDS_PLACE = (BookingStatus.BOOKED, BookingStatus.OFFERED)


def take_place(shift_id: int) -> bool:
    """Take one place if one is free, in this transaction."""
    return PLACES.take(shift_id)


def find(user: User, shift: Shift) -> Booking | None:
    return PLACES.find(user.id, shift.id)


def _known(user: User, shift: Shift, known: ShiftStanding | None) -> Booking | None:
    """The person's booking on the shift: as the rules loaded it in this transaction, or from the database."""
    return known.bookings.get(shift.id) if known is not None else find(user, shift)


def _held(user: User, shift: Shift, known: ShiftStanding | None) -> Booking:
    booking = _known(user, shift, known)
    if booking is None:
        raise Conflict()
    return booking


# The person's own actions. known: where they stood, as loaded in this transaction to decide that the action is
# allowed (saves loading their booking again). Each returns the person's booking as it now is.


def book(user: User, shift: Shift, now: datetime, known: ShiftStanding | None = None) -> Booking:
    """Take a free place; Conflict when the last one has just gone."""
    booking = PLACES.claim(user.id, shift.id, BookingStatus.BOOKED, now, _known(user, shift, known),
                           waitlisted_at=None, offer_expires_at=None, decided_by_id=None, reminded_at=None)
    if not take_place(shift.id):
        raise Conflict()
    audit("shift_booked", actor=user, subject=user, shift_id=shift.id)
    _mail(user, shift, "shift_booked", _l("You are booked on a shift"), attach=True)
    return booking


def join_waitlist(user: User, shift: Shift, now: datetime, known: ShiftStanding | None = None) -> Booking:
    """Queue for a full shift; the queue's order is the time of joining."""
    booking = PLACES.claim(user.id, shift.id, BookingStatus.WAITLISTED, now, _known(user, shift, known),
                           waitlisted_at=now, offer_expires_at=None, reminded_at=None)
    audit("shift_waitlisted", actor=user, subject=user, shift_id=shift.id)
    return booking


def confirm_offer(user: User, shift: Shift, now: datetime, known: ShiftStanding | None = None) -> Booking:
    """Take the place held for the person (the place is already theirs) while the offer lasts."""
    booking = _held(user, shift, known)
    PLACES.confirm_offer(booking, now)
    audit("shift_offer_confirmed", actor=user, subject=user, shift_id=shift.id)
    _mail(user, shift, "shift_booked", _l("You are booked on a shift"), attach=True)
    return booking


def _give_back(booking: Booking, shift: Shift, now: datetime, **values) -> BookingStatus:
    """Cancel the booking; a place it held goes to the waitlist. Returns the status it had."""
    before = PLACES.give_up(booking, now, **values)
    if before in HOLDS_PLACE:
        PLACES.release(shift.id)
        fill_from_waitlist(shift, now)
    return before


def cancel(user: User, shift: Shift, now: datetime, known: ShiftStanding | None = None) -> Booking:
    """Give up a place, an offer or a spot on the waitlist; a freed place goes to the waitlist.

    After the cut-off the coordinators of the site's organisation are e-mailed at once."""
    booking = _held(user, shift, known)
    before = _give_back(booking, shift, now)
    late = before is BookingStatus.BOOKED and late_cancellation(shift, now)
    if late:
        _mail_coordinators(shift, user)
    audit("shift_cancelled_by_person", actor=user, subject=user, shift_id=shift.id, was=before.value, late=late)
    return booking


ACTIONS = {"book": book, "waitlist": join_waitlist, "confirm": confirm_offer, "cancel": cancel}


def fill_from_waitlist(shift: Shift, now: datetime) -> int:
    """Hold free places for the people first in the queue and e-mail them; how many were offered."""
    def offer_made(first: Booking, deadline: datetime) -> None:
        audit("shift_offered", subject=first.user, shift_id=shift.id)
        _mail(first.user, shift, "shift_offer", _l("A place on a shift is held for you"), deadline=deadline,
              link=absolute_url("shifts.offer", token=offer_token(first)))

    return PLACES.offer_to_queue(shift, now, offer_made)


def process_expired_offers(now: datetime) -> int:
    """Pass lapsed offers on to the next in the queue, or free the place; how many lapsed."""
    def lapsed(booking: Booking) -> None:
        audit("shift_offer_expired", subject=booking.user, shift_id=booking.shift_id)
        fill_from_waitlist(db.session.get(Shift, booking.shift_id), now)

    return PLACES.lapse_offers(now, lapsed)


def offer_token(booking: Booking) -> str:
    return PLACES.offer_token(booking)


def booking_for_token(token: str) -> Booking | None:
    """The booking an offer link was made for (the link is useful only while the offer lasts)."""
    return PLACES.for_token(token)


# Coordinators' changes ---------------------------------------------------------------------------------------


def add_by_hand(person: User, shift: Shift, by: User, now: datetime) -> Booking:
    """A coordinator books someone (who agreed on the phone, say); places are still never exceeded."""
    if shift.cancelled_at is not None or shift.ends_at <= now:
        raise Conflict()
    booking = find(person, shift)
    if booking is not None and booking.status is BookingStatus.WAITLISTED:
        # Someone waiting in the queue is given a place directly.
        PLACES.move(booking, BookingStatus.BOOKED, now, allowed=(BookingStatus.WAITLISTED,), decided_by_id=by.id)
    else:
        booking = PLACES.claim(person.id, shift.id, BookingStatus.BOOKED, now, waitlisted_at=None,
                               offer_expires_at=None, decided_by_id=by.id, reminded_at=None)
    if not take_place(shift.id):
        raise Conflict()
    audit("shift_added_by_coordinator", actor=by, subject=person, shift_id=shift.id)
    _mail(person, shift, "shift_added", _l("A coordinator has booked you on a shift"), attach=True)
    return booking


def remove_by_hand(booking: Booking, by: User, now: datetime) -> None:
    """A coordinator takes someone off a shift that has not started; the place goes to the waitlist."""
    shift = booking.shift
    if shift.starts_at <= now:
        raise Conflict()
    before = _give_back(booking, shift, now, decided_by_id=by.id)
    audit("shift_removed_by_coordinator", actor=by, subject=booking.user, shift_id=shift.id, was=before.value)
    _mail(booking.user, shift, "shift_removed", _l("You are no longer booked on a shift"))


def cancel_shift(shift: Shift, by: User, now: datetime) -> int:
    """Cancel a shift that has not started; everyone holding a place or queueing is e-mailed."""
    cancelled = db.session.execute(
        update(Shift).where(Shift.id == shift.id, Shift.cancelled_at.is_(None), Shift.starts_at > now)
        .values(cancelled_at=now, cancelled_by_id=by.id, places_taken=0)
        .execution_options(synchronize_session=False)).rowcount
    if cancelled != 1:
        raise Conflict()
    db.session.expire(shift)
    affected = holders(shift)
    for booking in affected:
        PLACES.give_up(booking, now)
        _mail(booking.user, shift, "shift_cancelled", _l("A shift is cancelled"), attach=True, cancelled=True)
    audit("shift_cancelled", actor=by, shift_id=shift.id, people=len(affected))
    return len(affected)


def tell_about_change(shift: Shift) -> int:
    """E-mail everyone holding a place or queueing that the shift's time, place or task has changed."""
    affected = holders(shift)
    for booking in affected:
        _mail(booking.user, shift, "shift_changed", _l("A shift has changed"),
              attach=booking.status is BookingStatus.BOOKED)
    return len(affected)


def holders(shift: Shift) -> list[Booking]:
    """Everyone with a place, an offer or a spot in the queue."""
    return list(db.session.scalars(
        select(Booking).options(joinedload(Booking.user))
        .where(Booking.shift_id == shift.id, Booking.status.in_(HOLDING))))


ATTENDANCE = {"attended": BookingStatus.ATTENDED, "no_show": BookingStatus.NO_SHOW}
MARKABLE = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


def mark_attendance(booking: Booking, to: BookingStatus, by: User, now: datetime) -> None:
    """Once the shift has started: attended (its hours count) or no-show."""
    shift = booking.shift
    if shift.cancelled_at is not None or shift.starts_at > now or booking.status not in MARKABLE:
        raise Conflict()
    if booking.status is to:
        return
    PLACES.move(booking, to, now, allowed=MARKABLE, decided_by_id=by.id)
    audit("shift_attendance", actor=by, subject=booking.user, shift_id=shift.id, status=to.value)


def release_all(user: User, now: datetime) -> None:
    """Before an account is deleted: give its places on coming shifts to the waitlist."""
    held = db.session.scalars(
        select(Booking).join(Shift).where(Booking.user_id == user.id, Booking.status.in_(HOLDING),
                                          Shift.starts_at > now)).all()
    for booking in held:
        _give_back(booking, booking.shift, now)


# Reminders ---------------------------------------------------------------------------------------------------


def end_of_tomorrow(now: datetime) -> datetime:
    """Midnight at the end of tomorrow in Stockholm: reminders go out the day before a shift."""
    return day_bounds(local_day(now) + timedelta(days=1))[1]


def reminders_due(now: datetime) -> list[Booking]:
    """Booked places on shifts that start before the end of tomorrow (Stockholm) and have not been reminded."""
    return list(db.session.scalars(
        select(Booking).options(joinedload(Booking.user), joinedload(Booking.shift))
        .join(Shift).where(Booking.status == BookingStatus.BOOKED, Booking.reminded_at.is_(None),
                           Shift.cancelled_at.is_(None), Shift.starts_at > now,
                           Shift.starts_at < end_of_tomorrow(now))
        .order_by(Shift.starts_at, Booking.id)))


def send_reminders(now: datetime) -> int:
    """Claim each due reminder with a conditional UPDATE, so two runs at once never send one twice."""
    sent = 0
    for booking in reminders_due(now):
        claimed = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.reminded_at.is_(None),
                                  Booking.status == BookingStatus.BOOKED)
            .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed == 1:
            _mail(booking.user, booking.shift, "shift_reminder", _l("Reminder: your shift tomorrow"), attach=True)
            sent += 1
        db.session.commit()
    return sent


# E-mails -----------------------------------------------------------------------------------------------------


def shift_details(shift: Shift, locale: str) -> dict:
    """Plain values for an e-mail about a shift, in the recipient's language."""
    site = shift.site
    return {"task": shift.task.name_in(locale), "site": site.name, "address": site.address,
            "access_notes": site.access_notes, "contact_on_duty": site.contact_on_duty,
            "starts_at": shift.starts_at, "ends_at": shift.ends_at, "notes": shift.notes}


def _mail(user: User, shift: Shift, template: str, subject, *, attach: bool = False, cancelled: bool = False,
          **context) -> None:
    attachments = []
    if attach:
        with force_locale(user.locale):
            attachments.append(("shift.ics", calendar.single(shift, cancelled=cancelled), "text/calendar"))
    send_after_commit(user.email, user.locale, template, subject, name=user.full_name,
                      my_shifts=absolute_url("shifts.mine"), attachments=attachments,
                      **shift_details(shift, user.locale), **context)


def _mail_coordinators(shift: Shift, volunteer: User) -> None:
    """A late cancellation: everyone coordinating the site's organisation hears at once."""
    coordinators = db.session.scalars(
        select(User).join(coordinator_organisations)
        .where(coordinator_organisations.c.organisation_id == shift.site.organisation_id))
    for coordinator in coordinators:
        send_after_commit(coordinator.email, coordinator.locale, "shift_late_cancellation",
                          _l("Late cancellation on a shift"), name=coordinator.full_name,
                          volunteer=volunteer.full_name, phone=volunteer.phone,
                          places_left=shift.places - shift.places_taken,
                          link=absolute_url("rosters.shift", shift_id=shift.id),
                          **shift_details(shift, coordinator.locale))
