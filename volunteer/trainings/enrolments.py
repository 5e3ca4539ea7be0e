"""Taking and giving back seats on training sessions, the waitlist and its offers, attendance.

The seat counter, the rows' status moves and the waitlist's offers are shared with shifts (places.py):
seats are taken with one conditional UPDATE, so concurrent enrolments never exceed the seats on SQLite or
PostgreSQL. Every change runs in the caller's transaction; the caller commits, or rolls back on Conflict or
IntegrityError (a double tap meets the unique constraint)."""
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..audit import audit
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..mail import absolute_url, send_after_commit
from ..models import Enrolment, EnrolmentStatus, PersonQualification, Qualification, TrainingSession, User
from ..rules.places import Conflict, Places  # noqa: F401 (Conflict: part of this API)

SEATS = Places(parent=TrainingSession, row=Enrolment, parent_key="session_id", taken="seats_taken",
               capacity="seats", held=EnrolmentStatus.ENROLLED, waitlisted=EnrolmentStatus.WAITLISTED,
               offered=EnrolmentStatus.OFFERED, cancelled=EnrolmentStatus.CANCELLED, salt="training-offer")
HOLDING = SEATS.holding


def take_seat(session_id: int) -> bool:
    """Take one seat if one is free, in this transaction."""
    return SEATS.take(session_id)


def _move(enrolment: Enrolment, to: EnrolmentStatus, now: datetime, *, allowed: tuple[EnrolmentStatus, ...],
          **values) -> None:
    SEATS.move(enrolment, to, now, allowed=allowed, **values)


def enrol(user: User, session: TrainingSession, now: datetime) -> None:
    """Take a free seat; Conflict when the last one has just gone."""
    SEATS.claim(user.id, session.id, EnrolmentStatus.ENROLLED, now, waitlisted_at=None, offer_expires_at=None)
    if not take_seat(session.id):
        raise Conflict()
    audit("training_enrolled", actor=user, subject=user, session_id=session.id)


def join_waitlist(user: User, session: TrainingSession, now: datetime) -> None:
    """Queue for a full session; the queue's order is the time of joining."""
    SEATS.claim(user.id, session.id, EnrolmentStatus.WAITLISTED, now, waitlisted_at=now, offer_expires_at=None)
    audit("training_waitlisted", actor=user, subject=user, session_id=session.id)


def confirm_offer(user: User, session: TrainingSession, now: datetime) -> None:
    """Take the place held for the person (the seat is already theirs) while the offer lasts."""
    SEATS.confirm_offer(SEATS.row_of(user.id, session.id), now)
    audit("training_offer_confirmed", actor=user, subject=user, session_id=session.id)


def cancel(user: User, session: TrainingSession, now: datetime) -> None:
    """Give up a place, an offer or a spot on the waitlist; a freed seat goes to the waitlist."""
    before = SEATS.give_up(SEATS.row_of(user.id, session.id), now)
    if before in (EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED):
        SEATS.release(session.id)
        fill_from_waitlist(session, now)
    audit("training_cancelled_by_person", actor=user, subject=user, session_id=session.id, was=before.value)


ACTIONS = {"enrol": enrol, "waitlist": join_waitlist, "confirm": confirm_offer, "cancel": cancel}


def fill_from_waitlist(session: TrainingSession, now: datetime) -> int:
    """Hold free seats for the people first in the queue and e-mail them; how many were offered."""
    def offer_made(first: Enrolment, deadline: datetime) -> None:
        audit("training_offered", subject=first.user, session_id=session.id)
        _mail_offer(first, session, deadline)

    return SEATS.offer_to_queue(session, now, offer_made)


def process_expired_offers(now: datetime) -> int:
    """Pass lapsed offers on to the next in the queue, or free the seat; how many lapsed."""
    def lapsed(enrolment: Enrolment) -> None:
        audit("training_offer_expired", subject=enrolment.user, session_id=enrolment.session_id)
        fill_from_waitlist(db.session.get(TrainingSession, enrolment.session_id), now)

    return SEATS.lapse_offers(now, lapsed)


def offer_token(enrolment: Enrolment) -> str:
    return SEATS.offer_token(enrolment)


def enrolment_for_token(token: str) -> Enrolment | None:
    """The enrolment an offer link was made for (the link stays valid only while the offer does)."""
    return SEATS.for_token(token)


def _session_details(session: TrainingSession, locale: str) -> dict:
    """Plain values for an e-mail about a session, in the recipient's language."""
    return {"title": session.training.title_in(locale), "starts_at": session.starts_at, "ends_at": session.ends_at,
            "place": session.place, "organisation": session.training.organisation.name}


def _mail_offer(enrolment: Enrolment, session: TrainingSession, deadline: datetime) -> None:
    user = enrolment.user
    send_after_commit(user.email, user.locale, "training_offer", _l("A place on a training is held for you"),
                      name=user.full_name, deadline=deadline,
                      link=absolute_url("trainings.offer", token=offer_token(enrolment)),
                      **_session_details(session, user.locale))


def cancel_session(session: TrainingSession, by: User, now: datetime) -> int:
    """Cancel a session that has not started; everyone holding a place or queueing is e-mailed."""
    cancelled = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session.id, TrainingSession.cancelled_at.is_(None),
               TrainingSession.starts_at > now)
        .values(cancelled_at=now, cancelled_by_id=by.id, seats_taken=0)
        .execution_options(synchronize_session=False)).rowcount
    if cancelled != 1:
        raise Conflict()
    affected = _holders(session)
    for enrolment in affected:
        SEATS.give_up(enrolment, now)
    _mail_holders(affected, session, "training_cancelled", _l("A training session is cancelled"), "trainings.page")
    audit("training_session_cancelled", actor=by, session_id=session.id, people=len(affected))
    db.session.expire(session)
    return len(affected)


def tell_about_change(session: TrainingSession) -> int:
    """E-mail everyone holding a place or queueing that the session's time or place has changed."""
    affected = _holders(session)
    _mail_holders(affected, session, "training_changed", _l("A training session has changed"), "trainings.mine")
    return len(affected)


def _holders(session: TrainingSession) -> list[Enrolment]:
    """Everyone with a place, an offer or a spot in the queue."""
    return list(db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.user))
        .where(Enrolment.session_id == session.id, Enrolment.status.in_(HOLDING))))


def _mail_holders(holders: list[Enrolment], session: TrainingSession, template: str, subject, endpoint: str) -> None:
    for enrolment in holders:
        user = enrolment.user
        send_after_commit(user.email, user.locale, template, subject, name=user.full_name,
                          link=absolute_url(endpoint), **_session_details(session, user.locale))


def grant(user: User, qualification: Qualification, by: User | None, now: datetime, *,
          session: TrainingSession | None = None, reason: str = "") -> PersonQualification:
    """Record a qualification; it expires after its validity period from the training (or now)."""
    start = session.ends_at if session else now
    held = PersonQualification(
        user_id=user.id, qualification_id=qualification.id, granted_at=now, granted_by_id=by.id if by else None,
        session_id=session.id if session else None, reason=reason,
        expires_at=start + relativedelta(months=qualification.validity_months) if qualification.validity_months
        else None)
    db.session.add(held)
    audit("qualification_granted", actor=by, subject=user, qualification=qualification.code,
          session_id=session.id if session else None, reason=reason)
    return held


ATTENDANCE = {"attended": EnrolmentStatus.ATTENDED, "no_show": EnrolmentStatus.NO_SHOW}
MARKABLE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.ATTENDED, EnrolmentStatus.NO_SHOW)


def mark_attendance(enrolment: Enrolment, to: EnrolmentStatus, by: User, now: datetime) -> None:
    """After the session starts: attended grants the training's qualification, no-show takes it back."""
    session = enrolment.session
    before = enrolment.status
    if session.cancelled_at is not None or session.starts_at > now or before not in MARKABLE:
        raise Conflict()
    if before is to:
        return
    _move(enrolment, to, now, allowed=MARKABLE, decided_by_id=by.id)
    qualification = session.training.qualification
    if to is EnrolmentStatus.ATTENDED and qualification is not None:
        grant(enrolment.user, qualification, by, now, session=session)
    elif before is EnrolmentStatus.ATTENDED:
        for held in db.session.scalars(select(PersonQualification).where(
                PersonQualification.session_id == session.id, PersonQualification.user_id == enrolment.user_id)):
            db.session.delete(held)
    audit("training_attendance", actor=by, subject=enrolment.user, session_id=session.id, status=to.value)


def release_all(user: User, now: datetime) -> None:
    """Before an account is deleted: give its held seats on coming sessions to the waitlist."""
    held = db.session.scalars(
        select(Enrolment).join(TrainingSession).where(
            Enrolment.user_id == user.id, Enrolment.status.in_(HOLDING), TrainingSession.starts_at > now)).all()
    for enrolment in held:
        cancel(user, enrolment.session, now)
