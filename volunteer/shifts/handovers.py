""""I can't come": a volunteer hands a booked place over instead of only cancelling.

The place is given up through the same path as cancelling (bookings.cancel: the waitlist is offered it first, a
late one tells the coordinators at once). If nobody was waiting, the site sends a call-out by itself, through the
same selection and sending as a coordinator's (callouts.select_for_handover, callouts.send): within the shift
organisation's need-to-know, under CALLOUT_MAX and CALLOUT_QUIET_HOURS. That call-out has no sender (no coordinator
sent it); the hand-over row links it, and the audit names the volunteer as the actor.

The places on a shift are alike, so the hand-over counts as taken once someone takes a place on the shift after it
(through the waitlist's offer, the call-out's link, the shifts page or a coordinator): bookings.take_over marks
the oldest open hand-over of the shift in that booking's transaction."""
from datetime import datetime

from sqlalchemy import select

from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..models import Booking, BookingStatus, Handover, Shift, User
from ..models.base import LabelledEnum
from ..rules.kinds import Standing
from ..rules.shifts import PLACES, late_cancellation
from . import bookings, callouts


def hand_over(user: User, shift: Shift, now: datetime, known: Standing | None = None) -> Booking:
    """Give up a booked place so that someone else takes it: the waitlist first, else a call-out."""
    booking = PLACES.row_of(user.id, shift.id, known)
    offered = []

    def refill(parent: Shift, at: datetime) -> int:
        offered.append(bookings.fill_from_waitlist(parent, at))
        return offered[-1]

    late = late_cancellation(shift, now)
    bookings.cancel(user, shift, now, known, refill=refill, handed_over=True)
    handover = Handover(booking_id=booking.id, shift_id=shift.id, user_id=user.id, handed_at=now, late=late,
                        offered=sum(offered))
    db.session.add(handover)
    if not handover.offered:
        db.session.refresh(shift, ["places_taken"])  # the counter moved in the database, not in the session
        if callouts.refusal(shift, now) is None:
            selection = callouts.select_for_handover(shift, now, without=user)
            if selection.people:
                handover.call_out = callouts.send(None, shift, selection, now, actor=user, handover=True)
    db.session.flush()
    audit("shift_handed_over", actor=user, subject=user, shift_id=shift.id, offered=handover.offered,
          asked=handover.call_out.asked if handover.call_out else 0, late=late)
    return booking


class Progress(LabelledEnum):
    """How a hand-over stands, as the volunteer sees it on My shifts until the shift starts."""

    TAKEN = "taken", _l("Someone has taken your place. Thank you for handing it over.")
    OFFERED = "offered", _l("Offered to the next person on the waitlist; not taken yet.")
    ASKED = "asked", _l("Volunteers who could come have been asked; not taken yet.")
    OPEN = "open", _l("Nobody could be asked just now; the place is free for anyone to book. Not taken yet.")

    @property
    def taken(self) -> bool:
        return self is Progress.TAKEN


def progress(handover: Handover) -> Progress:
    if handover.taken_at is not None:
        return Progress.TAKEN
    if handover.offered:
        return Progress.OFFERED
    return Progress.ASKED if handover.call_out_id is not None else Progress.OPEN


def refusal(user: User, shift: Shift) -> str | None:
    """Why "I can't come" is refused when the person has handed the place over already, or None."""
    row = PLACES.find(user.id, shift.id)
    if row is None or not latest([row]):
        return None
    return _("You have already handed this shift over. My shifts shows whether someone has taken it.")


def latest(rows: list[Booking]) -> dict[int, Progress]:
    """How the hand-over that cancelled each of these bookings stands, by shift id (bookings cancelled otherwise,
    or taken again since, have none); one query, none for no bookings."""
    cancelled = {row.id: row for row in rows if row.status is BookingStatus.CANCELLED}
    if not cancelled:
        return {}
    found = db.session.scalars(select(Handover).where(Handover.booking_id.in_(list(cancelled)))
                               .order_by(Handover.handed_at, Handover.id))
    return {handover.shift_id: progress(handover) for handover in found
            if handover.handed_at >= cancelled[handover.booking_id].updated_at}
