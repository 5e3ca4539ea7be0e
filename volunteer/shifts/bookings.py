"""Taking and giving back places on shifts: booking, the waitlist and its offers, changes made by
coordinators, attendance and reminders.

The place counter, the rows' status moves and the waitlist's offers are shared with trainings (places.py):
places are taken with one conditional UPDATE of the shift's counter, so concurrent bookings never exceed the
places on SQLite or PostgreSQL, however many server processes there are. Every change runs in the caller's
transaction; the caller commits, or rolls back on Conflict or IntegrityError (a double tap meets the unique
constraint on person and shift)."""
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select, update

from .. import reminders
from ..audit import audit
from ..clock import end_of_tomorrow
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..mail import absolute_url, send_after_commit
from ..models import Booking, BookingStatus, Handover, Shift, User, coordinator_organisations
from ..rules.by_hand import unmet_rules
from ..rules.kinds import Standing
from ..rules.places import Conflict, lock_person
from ..rules.shifts import PLACES, SHIFTS, late_cancellation
from . import calendar


def find(user: User, shift: Shift) -> Booking | None:
    return PLACES.find(user.id, shift.id)


# The person's own actions. known: where they stood, as loaded in this transaction to decide that the action is
# allowed (saves loading their booking again). Each returns the person's booking as it now is.


def book(user: User, shift: Shift, now: datetime, known: Standing | None = None) -> Booking:
    """Take a free place; Conflict when the last one has just gone."""
    booking = PLACES.hold(user, shift, now, known, decided_by_id=None, reminded_at=None)
    take_over(shift, user, now)
    audit("shift_booked", actor=user, subject=user, shift_id=shift.id)
    _mail(user, shift, "shift_booked", _l("You are booked on a shift"), attach=True)
    return booking


def join_waitlist(user: User, shift: Shift, now: datetime, known: Standing | None = None) -> Booking:
    return PLACES.queue(user, shift, now, known, reminded_at=None)


def confirm_offer(user: User, shift: Shift, now: datetime, known: Standing | None = None) -> Booking:
    booking = PLACES.confirm(user, shift, now, known)
    take_over(shift, user, now)
    _mail(user, shift, "shift_booked", _l("You are booked on a shift"), attach=True)
    return booking


def cancel(user: User, shift: Shift, now: datetime, known: Standing | None = None, refill=None,
           **details) -> Booking:
    """Give up a place, an offer or a spot on the waitlist; a freed place goes to the waitlist (refill, by default
    fill_from_waitlist).

    A given-up place is confirmed by e-mail with a calendar file that cancels the event. After the cut-off the
    coordinators of the site's organisation are e-mailed at once."""
    booking = PLACES.row_of(user.id, shift.id, known)
    held = booking.status is BookingStatus.BOOKED
    late = held and late_cancellation(shift, now)
    if held:  # the booking's e-mail put it in their calendar: this one takes it out (sent before any offer it frees)
        _mail(user, shift, "shift_unbooked", _l("Your booking is cancelled"), attach=True, cancelled=True)
    PLACES.cancel(user, booking, now, refill or fill_from_waitlist, late=late, **details)
    if late:
        _mail_coordinators(shift, user)
    return booking


ACTIONS = {"book": book, "waitlist": join_waitlist, "confirm": confirm_offer, "cancel": cancel}


def take_over(shift: Shift, user: User, now: datetime) -> None:
    """Someone took a place on the shift: the oldest open hand-over of it (see handovers; the person's own first,
    if they come back) counts as taken, in the caller's transaction."""
    # One statement for every booking, whether or not the shift has a hand-over.
    oldest = (select(Handover.id).where(Handover.shift_id == shift.id, Handover.taken_at.is_(None))
              .order_by((Handover.user_id == user.id).desc(), Handover.handed_at, Handover.id).limit(1)
              .scalar_subquery())
    db.session.execute(update(Handover).where(Handover.id == oldest, Handover.taken_at.is_(None))
                       .values(taken_at=now).execution_options(synchronize_session=False))


def fill_from_waitlist(shift: Shift, now: datetime) -> int:
    """Hold free places for the people first in the queue and e-mail them; how many were offered."""
    def offer_made(first: Booking, deadline: datetime) -> None:
        _mail(first.user, shift, "shift_offer", _l("A place on a shift is held for you"), deadline=deadline,
              link=absolute_url(SHIFTS.offer_endpoint, token=PLACES.offer_token(first)))

    return PLACES.offer_to_queue(shift, now, offer_made)


def process_expired_offers(now: datetime) -> int:
    """Pass lapsed offers on to the next in the queue, or free the place; how many lapsed."""
    return PLACES.lapse_offers(now, fill_from_waitlist)


def release_all(user: User, now: datetime) -> None:
    """Before an account is deleted: give its places on coming shifts to the waitlist."""
    PLACES.release_all(user, now, fill_from_waitlist)


class RulesNotMet(Exception):
    """The person does not meet a rule of the shift that the coordinator has not overridden with a reason."""

    def __init__(self, unmet: list):
        super().__init__()
        self.unmet = unmet


def add_by_hand(person: User, shift: Shift, by: User, now: datetime, overridden: set[str] = frozenset(),
                reason: str = "") -> Booking:
    """A coordinator books someone (who agreed on the phone, say); places are still never exceeded.

    A rule the person does not meet (qualification, record extract, overlap) stops it with RulesNotMet, unless
    the coordinator was shown that rule (overridden: the states) and wrote why; the audit log keeps both."""
    if shift.cancelled_at is not None or shift.ends_at <= now or not lock_person(person.id):
        raise Conflict()
    unmet = unmet_rules(person, shift, now)
    if unmet and ({decision.state.value for decision in unmet} - overridden or not reason.strip()):
        raise RulesNotMet(unmet)
    booking = find(person, shift)
    if booking is not None and booking.status is BookingStatus.WAITLISTED:
        # Someone waiting in the queue is given a place directly.
        PLACES.move(booking, BookingStatus.BOOKED, now, allowed=(BookingStatus.WAITLISTED,), decided_by_id=by.id)
        if not PLACES.take(shift.id):
            raise Conflict()
    else:
        booking = PLACES.hold(person, shift, now, None, decided_by_id=by.id, reminded_at=None)
    take_over(shift, person, now)
    override = {"overridden": [decision.state.value for decision in unmet], "reason": reason} if unmet else {}
    audit("shift_added_by_coordinator", actor=by, subject=person, shift_id=shift.id, **override)
    _mail(person, shift, "shift_added", _l("A coordinator has booked you on a shift"), attach=True)
    return booking


def remove_by_hand(booking: Booking, by: User, now: datetime) -> None:
    """A coordinator takes someone off a shift that has not started; the place goes to the waitlist."""
    shift = booking.shift
    if shift.starts_at <= now:
        raise Conflict()
    before = PLACES.give_back(booking, now, fill_from_waitlist, decided_by_id=by.id)
    audit("shift_removed_by_coordinator", actor=by, subject=booking.user, shift_id=shift.id, was=before.value)
    _mail(booking.user, shift, "shift_removed", _l("You are no longer booked on a shift"))


def cancel_shift(shift: Shift, by: User, now: datetime, reason: str | None = None) -> int:
    """Cancel a shift that has not started; everyone holding a place or queueing is e-mailed, with the
    coordinator's reason as they wrote it (not translated), if they gave one."""
    affected = PLACES.close(shift, by.id, now)
    for booking in affected:
        _mail(booking.user, shift, "shift_cancelled", _l("A shift is cancelled"), attach=True, cancelled=True,
              reason=reason or None)
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
    return PLACES.holders(shift.id)


ATTENDANCE = PLACES.attendance


def mark_attendance(booking: Booking, to: BookingStatus, by: User, now: datetime) -> None:
    """Once the shift has started: attended (its hours count) or no-show."""
    PLACES.mark(booking, to, by, now)


def send_reminders(now: datetime) -> int:
    """The day-before reminders of booked places that are due, each claimed and queued once; how many."""
    return reminders.send(PLACES, now, end_of_tomorrow(now), lambda booking: _mail(
        booking.user, booking.shift, "shift_reminder", _l("Reminder: your shift tomorrow"), attach=True))


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
    send_after_commit(user.email, user.locale, template, subject, about=f"shift:{shift.id}", name=user.full_name,
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
