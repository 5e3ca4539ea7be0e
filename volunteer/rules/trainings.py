"""Training sessions as a kind of place: their states, their gates (approval, already qualified, one session of
a training at a time) and what they read. The ladder itself is kinds.decide."""
import enum
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import long_date, span
from ..models import Enrolment, EnrolmentStatus, Status, TrainingSession, User
from .kinds import Decision, Kind, Standing, room_for
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
    OTHER_SESSION = "other_session"  # holds another session of the same training: may move here


# People whose application was turned down, or who are paused, take no trainings.
NOT_TRAINING = (Status.REJECTED, Status.INACTIVE)


def may_take_trainings(user: User) -> bool:
    """Applicants may enrol too (the introduction often comes before the interview)."""
    return user.is_coordinator or user.status not in NOT_TRAINING


def standing(user: User, training_sessions: list[TrainingSession], now: datetime) -> Standing:
    """The person's enrolments on these sessions and what they hold on other coming sessions of the same
    trainings (one query), and their qualifications."""
    ids = sorted({training_session.id for training_session in training_sessions})
    if not ids:
        return Standing({}, list(user.held_qualifications))
    trainings = sorted({training_session.training_id for training_session in training_sessions})
    rows = db.session.scalars(_STANDING, {"user_id": user.id, "ids": ids, "trainings": trainings, "now": now}).all()
    coming = [row for row in rows if row.status in SEATS.cancellable and row.session.starts_at > now
              and row.session.cancelled_at is None]
    return Standing({row.session_id: row for row in rows if row.session_id in ids}, list(user.held_qualifications),
                    elsewhere=coming)


# Built once: every list of sessions and every enrolment action runs it.
_STANDING = (
    select(Enrolment).join(Enrolment.session).options(contains_eager(Enrolment.session))
    .where(Enrolment.user_id == bindparam("user_id"),
           or_(Enrolment.session_id.in_(bindparam("ids", expanding=True)),
               and_(TrainingSession.training_id.in_(bindparam("trainings", expanding=True)),
                    Enrolment.status.in_(SEATS.cancellable), TrainingSession.starts_at > bindparam("now"),
                    TrainingSession.cancelled_at.is_(None))))
    .order_by(TrainingSession.starts_at))


def other_sessions(training_session: TrainingSession, known: Standing) -> list[Enrolment]:
    """The person's places, offers and queue spots on the training's other coming sessions, soonest first."""
    return [row for row in known.elsewhere
            if row.session.training_id == training_session.training_id and row.session_id != training_session.id]


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


def one_session(user: User, training_session: TrainingSession, now: datetime, known: Standing) -> Decision | None:
    """One session of a training at a time, unless its coordinator made it repeatable; the person may move."""
    others = [] if training_session.training.repeatable else other_sessions(training_session, known)
    if not others:
        return None
    other = next((row for row in others if row.status is not SEATS.waitlisted), others[0])
    room = room_for(SEATS, training_session, known.rows.get(training_session.id), now)
    at = span(other.session.starts_at, other.session.ends_at)
    if other.status is SEATS.waitlisted:
        reason = (_("You are on the waitlist for this training on %(when)s. Move to this session instead?", when=at)
                  if room else _("You are on the waitlist for this training on %(when)s.", when=at))
    else:
        reason = (_("You already have a place on this training on %(when)s. Move to this session instead?", when=at)
                  if room else _("You already have a place on this training on %(when)s.", when=at))
    return Decision(EnrolmentState.OTHER_SESSION, reason, ("move",) if room else ())


def _enrolled(training_session: TrainingSession, now: datetime) -> str:
    return _("You are enrolled. Welcome!")


def _full(training_session: TrainingSession, now: datetime) -> Decision:
    return Decision(EnrolmentState.WAITLIST,
                    _("The session is full. Join the waitlist and we will e-mail you if a place frees up."))


TRAININGS = Kind(
    places=SEATS, states=EnrolmentState, held=EnrolmentState.ENROLLED, take="enrol", take_label=_l("Enrol"),
    cancel_label=_l("Cancel my place"), act_endpoint="trainings.act", offer_endpoint="trainings.offer",
    standing=standing, gates=(approval, already_qualified, one_session),
    cancelled=_l("This session has been cancelled."), started=_l("This session has started, so enrolment is closed."),
    open=_l("There are free seats. Enrol to take one."), held_reason=_enrolled, full=_full,
    labels={"move": _l("Move to this session")})
