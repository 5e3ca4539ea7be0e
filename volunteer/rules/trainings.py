"""Training sessions as a kind of place: their states, their gates (approval, already qualified) and what
they read. The ladder itself is kinds.decide."""
import enum
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import long_date
from ..models import Enrolment, EnrolmentStatus, Status, TrainingSession, User
from .kinds import Decision, Kind, Standing
from .places import Places

SEATS = Places(parent=TrainingSession, row=Enrolment, parent_key="session_id", taken="seats_taken",
               capacity="seats", held=EnrolmentStatus.ENROLLED, waitlisted=EnrolmentStatus.WAITLISTED,
               offered=EnrolmentStatus.OFFERED, cancelled=EnrolmentStatus.CANCELLED,
               attended=EnrolmentStatus.ATTENDED, no_show=EnrolmentStatus.NO_SHOW, salt="training-offer",
               noun="training")


class EnrolmentState(enum.Enum):
    """Where a person stands with a training session."""

    OPEN = "open"
    ENROLLED = "enrolled"
    WAITLIST = "waitlist"  # full: the waitlist is offered
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed place is held for this person: confirm it
    CLOSED = "closed"  # started or cancelled
    ALREADY_QUALIFIED = "already_qualified"
    NEEDS_APPROVAL = "needs_approval"  # rejected or paused: held by a waitlist from before


# People whose application was turned down, or who are paused, take no trainings.
NOT_TRAINING = (Status.REJECTED, Status.INACTIVE)


def may_take_trainings(user: User) -> bool:
    """Applicants may enrol too (the introduction often comes before the interview)."""
    return user.is_coordinator or user.status not in NOT_TRAINING


def standing(user: User, training_sessions: list[TrainingSession], now: datetime | None = None) -> Standing:
    """The person's enrolments on these sessions and their qualifications: two queries for any list."""
    ids = [training_session.id for training_session in training_sessions]
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.session_id.in_(ids))) if ids else []
    return Standing({enrolment.session_id: enrolment for enrolment in enrolments}, list(user.held_qualifications))


def approval(user: User, training_session: TrainingSession, now: datetime, known: Standing) -> Decision | None:
    if not may_take_trainings(user):
        return Decision(EnrolmentState.NEEDS_APPROVAL,
                        _("You cannot take trainings while your account is paused or your application is declined."))
    return None


def already_qualified(user: User, training_session: TrainingSession, now: datetime,
                      known: Standing) -> Decision | None:
    held = known.holds(training_session.training.qualification_id, now)
    if held is None:
        return None
    if held.expires_at:
        reason = _("You already have this qualification, valid until %(date)s.", date=long_date(held.expires_at))
    else:
        reason = _("You already have this qualification.")
    return Decision(EnrolmentState.ALREADY_QUALIFIED, reason)


def _enrolled(training_session: TrainingSession, now: datetime) -> str:
    return _("You are enrolled. Welcome!")


def _full(training_session: TrainingSession, now: datetime) -> Decision:
    return Decision(EnrolmentState.WAITLIST,
                    _("The session is full. Join the waitlist and we will e-mail you if a place frees up."))


TRAININGS = Kind(
    places=SEATS, states=EnrolmentState, held=EnrolmentState.ENROLLED, take="enrol", take_label=_l("Enrol"),
    cancel_label=_l("Cancel my place"), act_endpoint="trainings.act", offer_endpoint="trainings.offer",
    standing=standing, gates=(approval, already_qualified),
    cancelled=_l("This session has been cancelled."), started=_l("This session has started, so enrolment is closed."),
    open=_l("There are free seats. Enrol to take one."), held_reason=_enrolled, full=_full)
