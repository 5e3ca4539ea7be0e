"""Taking and giving back seats on training sessions, the waitlist and its offers, attendance.

The seat counter, the rows' status moves and the waitlist's offers are shared with shifts (places.py):
seats are taken with one conditional UPDATE, so concurrent enrolments never exceed the seats on SQLite or
PostgreSQL. Every change runs in the caller's transaction; the caller commits, or rolls back on Conflict or
IntegrityError (a double tap meets the unique constraint)."""
from datetime import datetime

from dateutil.relativedelta import relativedelta
from flask_babel import force_locale
from sqlalchemy import select

from .. import reminders
from ..audit import audit
from ..clock import end_of_tomorrow
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..mail import absolute_url, send_after_commit
from ..models import Enrolment, EnrolmentStatus, PersonQualification, Qualification, TrainingSession, User
from ..rules.kinds import Standing, live_offer
from ..rules.places import Conflict
from ..rules.trainings import SEATS, TRAININGS, other_sessions
from ..shifts import calendar


def enrol(user: User, training_session: TrainingSession, now: datetime, known: Standing | None = None) -> Enrolment:
    """Take a free seat; Conflict when the last one has just gone."""
    enrolment = SEATS.hold(user, training_session, now, known, reminded_at=None)
    audit("training_enrolled", actor=user, subject=user, session_id=training_session.id)
    _mail_enrolled(user, training_session)
    return enrolment


def confirm_offer(user: User, training_session: TrainingSession, now: datetime,
                  known: Standing | None = None) -> Enrolment:
    """Take the seat held for the person; confirmed by e-mail like an enrolment."""
    enrolment = SEATS.confirm(user, training_session, now, known)
    _mail_enrolled(user, training_session)
    return enrolment


def _mail_enrolled(user: User, training_session: TrainingSession) -> None:
    """The confirmation of a seat, with a calendar file, as a booked shift's (shifts/bookings.py)."""
    with force_locale(user.locale):
        attachment = ("training.ics", calendar.training_session(training_session), "text/calendar")
    send_after_commit(user.email, user.locale, "training_enrolled", _l("You are enrolled on a training"),
                      name=user.full_name, link=absolute_url("trainings.mine"), attachments=[attachment],
                      **_session_details(training_session, user.locale))


def cancel(user: User, training_session: TrainingSession, now: datetime, known: Standing | None = None) -> Enrolment:
    """Give up a place, an offer or a spot on the waitlist; a freed seat goes to the waitlist."""
    enrolment = SEATS.row_of(user.id, training_session.id, known)
    SEATS.cancel(user, enrolment, now, fill_from_waitlist)
    return enrolment


def move(user: User, training_session: TrainingSession, now: datetime, known: Standing) -> Enrolment:
    """Take a seat on this session (a free one, or the one held for the person) and give up what the person
    holds on the training's other coming sessions, in one transaction: freed seats go to their waitlists.
    Conflict when the seat has just gone or the other session has changed meanwhile."""
    if live_offer(SEATS, known.rows.get(training_session.id), now):
        enrolment = confirm_offer(user, training_session, now, known)
    else:
        enrolment = enrol(user, training_session, now, known)
    for other in other_sessions(training_session, known):
        SEATS.cancel(user, other, now, fill_from_waitlist, moved_to=training_session.id)
    return enrolment


def join_waitlist(user: User, training_session: TrainingSession, now: datetime,
                  known: Standing | None = None) -> Enrolment:
    return SEATS.queue(user, training_session, now, known, reminded_at=None)


ACTIONS = {"enrol": enrol, "waitlist": join_waitlist, "confirm": confirm_offer, "cancel": cancel, "move": move}


def send_reminders(now: datetime) -> int:
    """The day-before reminders of seats on training sessions that are due, each claimed and queued once (as
    shifts' are); how many."""
    return reminders.send(SEATS, now, end_of_tomorrow(now), _remind)


def _remind(enrolment: Enrolment) -> None:
    user, training_session = enrolment.user, enrolment.session
    with force_locale(user.locale):
        attachment = ("training.ics", calendar.training_session(training_session), "text/calendar")
    send_after_commit(user.email, user.locale, "training_reminder", _l("Reminder: your training tomorrow"),
                      about=f"training_session:{training_session.id}", name=user.full_name,
                      link=absolute_url("trainings.mine"), attachments=[attachment],
                      **_session_details(training_session, user.locale))


def fill_from_waitlist(training_session: TrainingSession, now: datetime) -> int:
    """Hold free seats for the people first in the queue and e-mail them; how many were offered."""
    def offer_made(first: Enrolment, deadline: datetime) -> None:
        user = first.user
        send_after_commit(user.email, user.locale, "training_offer", _l("A place on a training is held for you"),
                          about=f"training_session:{training_session.id}", name=user.full_name, deadline=deadline,
                          link=absolute_url(TRAININGS.offer_endpoint, token=SEATS.offer_token(first)),
                          **_session_details(training_session, user.locale))

    return SEATS.offer_to_queue(training_session, now, offer_made)


def process_expired_offers(now: datetime) -> int:
    """Pass lapsed offers on to the next in the queue, or free the seat; how many lapsed."""
    return SEATS.lapse_offers(now, fill_from_waitlist)


def release_all(user: User, now: datetime) -> None:
    """Before an account is deleted: give its held seats on coming sessions to the waitlist."""
    SEATS.release_all(user, now, fill_from_waitlist)


def _session_details(training_session: TrainingSession, locale: str) -> dict:
    """Plain values for an e-mail about a session, in the recipient's language."""
    training = training_session.training
    return {"title": training.title_in(locale), "starts_at": training_session.starts_at,
            "ends_at": training_session.ends_at, "place": training_session.place,
            "organisation": training.organisation.name}


def cancel_session(training_session: TrainingSession, by: User, now: datetime) -> int:
    """Cancel a session that has not started; everyone holding a place or queueing is e-mailed."""
    affected = SEATS.close(training_session, by.id, now)
    _mail_holders(affected, training_session, "training_cancelled", _l("A training session is cancelled"),
                  "trainings.page")
    audit("training_session_cancelled", actor=by, session_id=training_session.id, people=len(affected))
    return len(affected)


def tell_about_change(training_session: TrainingSession) -> int:
    """E-mail everyone holding a place or queueing that the session's time or place has changed."""
    affected = SEATS.holders(training_session.id)
    _mail_holders(affected, training_session, "training_changed", _l("A training session has changed"),
                  "trainings.mine")
    return len(affected)


def _mail_holders(holders: list[Enrolment], training_session: TrainingSession, template: str, subject,
                  endpoint: str) -> None:
    for enrolment in holders:
        user = enrolment.user
        send_after_commit(user.email, user.locale, template, subject, about=f"training_session:{training_session.id}",
                          name=user.full_name, link=absolute_url(endpoint),
                          **_session_details(training_session, user.locale))


def grant(user: User, qualification: Qualification, by: User | None, now: datetime, *,
          training_session: TrainingSession | None = None, reason: str = "") -> PersonQualification:
    """Record a qualification; it expires after its validity period from the training (or now)."""
    start = training_session.ends_at if training_session else now
    session_id = training_session.id if training_session else None
    held = PersonQualification(
        user_id=user.id, qualification_id=qualification.id, granted_at=now, granted_by_id=by.id if by else None,
        session_id=session_id, reason=reason,
        expires_at=start + relativedelta(months=qualification.validity_months) if qualification.validity_months
        else None)
    db.session.add(held)
    audit("qualification_granted", actor=by, subject=user, qualification=qualification.code,
          session_id=session_id, reason=reason)
    return held


ATTENDANCE = SEATS.attendance


def mark_attendance(enrolment: Enrolment, to: EnrolmentStatus, by: User, now: datetime) -> None:
    """After the session starts: attended grants the training's qualification, no-show takes it back."""
    training_session = enrolment.session
    before = SEATS.mark(enrolment, to, by, now)
    qualification = training_session.training.qualification
    if to is EnrolmentStatus.ATTENDED and before is not None and qualification is not None:
        grant(enrolment.user, qualification, by, now, training_session=training_session)
    elif before is EnrolmentStatus.ATTENDED:
        for held in db.session.scalars(select(PersonQualification).where(
                PersonQualification.session_id == training_session.id,
                PersonQualification.user_id == enrolment.user_id)):
            db.session.delete(held)


def change_session(training_session: TrainingSession, by: User, now: datetime, seats: int, **values) -> int:
    """A coordinator's edit of a session: more seats go to the queue first, and everyone holding a place or
    queueing hears about a new time or place. How many were told; Conflict when more seats are taken than the
    new number (checked in one conditional UPDATE: an enrolment meanwhile comes first or waits)."""
    if not SEATS.resize(training_session.id, seats):
        raise Conflict()
    before = (training_session.starts_at, training_session.ends_at, training_session.place)
    for name, value in values.items():
        setattr(training_session, name, value)
    db.session.flush()
    fill_from_waitlist(training_session, now)
    moved = before != (training_session.starts_at, training_session.ends_at, training_session.place)
    told = tell_about_change(training_session) if moved else 0
    audit("training_session_edited", actor=by, session_id=training_session.id, told=told)
    return told
