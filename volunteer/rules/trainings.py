"""May this person enrol on this training session, and why not."""
import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import long_date, when
from ..models import Enrolment, EnrolmentStatus, PersonQualification, Status, TrainingSession, User
from .qualifications import best_held


class EnrolmentState(enum.Enum):
    """Where a person stands with a training session."""

    OPEN = "open"
    ENROLLED = "enrolled"
    WAITLIST = "waitlist"  # full: the waitlist is offered
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed place is held for this person: confirm it
    CLOSED = "closed"  # started or cancelled
    ALREADY_QUALIFIED = "already_qualified"

    @property
    def actions(self) -> tuple[str, ...]:
        """What a POST may do in this state; the first is the main button."""
        return _ACTIONS[self]

    def allows(self, action: str) -> bool:
        return action in self.actions


_ACTIONS = {
    EnrolmentState.OPEN: ("enrol",),
    EnrolmentState.ENROLLED: ("cancel",),
    EnrolmentState.WAITLIST: ("waitlist",),
    EnrolmentState.WAITLISTED: ("cancel",),
    EnrolmentState.OFFERED: ("confirm", "cancel"),
    EnrolmentState.CLOSED: (),
    EnrolmentState.ALREADY_QUALIFIED: (),
}

# The button for each action; cancelling reads differently from where the person stands.
ACTION_LABELS = {
    "enrol": _l("Enrol"),
    "waitlist": _l("Join the waitlist"),
    "confirm": _l("Confirm my place"),
}
CANCEL_LABELS = {
    EnrolmentState.ENROLLED: _l("Cancel my place"),
    EnrolmentState.WAITLISTED: _l("Leave the waitlist"),
    EnrolmentState.OFFERED: _l("No thanks, give the place on"),
}


def button_label(state: EnrolmentState, action: str) -> str:
    return str(CANCEL_LABELS[state] if action == "cancel" else ACTION_LABELS[action])


# People whose application was turned down, or who are paused, take no trainings.
NOT_TRAINING = (Status.REJECTED, Status.INACTIVE)


def may_take_trainings(user: User) -> bool:
    """Applicants may enrol too (the introduction often comes before the interview)."""
    return user.is_coordinator or user.status not in NOT_TRAINING


@dataclass
class Standing:
    """What the rules need to know about one person, loaded once for a whole list of sessions."""

    enrolments: dict[int, Enrolment] = field(default_factory=dict)
    qualifications: list[PersonQualification] = field(default_factory=list)

    def holds(self, qualification_id: int | None, now: datetime) -> PersonQualification | None:
        return best_held(self.qualifications, qualification_id, now)


def standing(user: User, sessions: list[TrainingSession]) -> Standing:
    """The person's enrolments on these sessions and their qualifications: two queries for any list."""
    ids = [session.id for session in sessions]
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.session_id.in_(ids))) if ids else []
    return Standing({enrolment.session_id: enrolment for enrolment in enrolments}, list(user.held_qualifications))


def live_offer(enrolment: Enrolment | None, now: datetime) -> bool:
    return (enrolment is not None and enrolment.status is EnrolmentStatus.OFFERED
            and enrolment.offer_expires_at is not None and enrolment.offer_expires_at > now)


def enrolment_state(user: User, session: TrainingSession, now: datetime,
                    known: Standing | None = None) -> EnrolmentState:
    """The one answer to "may this person enrol on this session, and if not, why"."""
    known = known or standing(user, [session])
    enrolment = known.enrolments.get(session.id)
    if session.cancelled_at is not None or session.starts_at <= now:
        return EnrolmentState.CLOSED
    status = enrolment.status if enrolment else None
    if status is EnrolmentStatus.ENROLLED:
        return EnrolmentState.ENROLLED
    if live_offer(enrolment, now):
        return EnrolmentState.OFFERED
    if status is EnrolmentStatus.WAITLISTED:
        return EnrolmentState.WAITLISTED
    if known.holds(session.training.qualification_id, now):
        return EnrolmentState.ALREADY_QUALIFIED
    if session.seats_taken >= session.seats:
        return EnrolmentState.WAITLIST
    return EnrolmentState.OPEN


def explanation(state: EnrolmentState, session: TrainingSession, enrolment: Enrolment | None,
                known: Standing | None = None, now: datetime | None = None) -> str:
    """What the volunteer reads next to the button."""
    if state is EnrolmentState.OPEN:
        return _("There are free seats. Enrol to take one.")
    if state is EnrolmentState.ENROLLED:
        return _("You are enrolled. Welcome!")
    if state is EnrolmentState.WAITLIST:
        return _("The session is full. Join the waitlist and we will e-mail you if a place frees up.")
    if state is EnrolmentState.WAITLISTED:
        return _("You are on the waitlist. We will e-mail you if a place frees up.")
    if state is EnrolmentState.OFFERED:
        return _("A place has freed up and is held for you until %(deadline)s. Confirm to take it.",
                 deadline=when(enrolment.offer_expires_at))
    if state is EnrolmentState.ALREADY_QUALIFIED:
        held = known.holds(session.training.qualification_id, now) if known and now else None
        if held and held.expires_at:
            return _("You already have this qualification, valid until %(date)s.", date=long_date(held.expires_at))
        return _("You already have this qualification.")
    if session.cancelled_at is not None:
        return _("This session has been cancelled.")
    return _("This session has started, so enrolment is closed.")
