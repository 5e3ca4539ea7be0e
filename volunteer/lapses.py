"""Reminders that come first: 30 and 7 days before a person's qualification or criminal-record extract lapses, one
e-mail each, in their language, with the next sessions that renew the qualification (or what to do for a new
extract); and the coordinators' list of who lapses in a month.

Only what still counts is reminded: a qualification held again since (a later or open-ended grant of the same one)
or an extract seen again since (a later one) has been renewed. Each reminder is claimed with the conditional UPDATE
of reminders.claim_each, so running send-reminders often, or twice at once, queues each once."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from . import reminders
from .clock import at, local_day
from .extensions import db
from .i18n.catalog import lazy_gettext as _l
from .mail import absolute_url, send_after_commit
from .models import PersonQualification, Qualification, RecordCheck, RecordKind, Status, TrainingSession, User
from .rules.kinds import record_check_lapses
from .trainings.leads import next_sessions

# Days before the lapse, nearest first: each goes out once, and a later run never sends a farther one.
STAGES = (7, 30)


@dataclass(frozen=True)
class Lapse:
    """Something a person holds that lapses: a qualification, or (qualification None) a record extract of a kind."""

    person: User
    last_day: date  # the last Stockholm day it is valid
    qualification: Qualification | None = None
    record_kind: RecordKind | None = None


def stage_due(lapses_at: datetime, now: datetime) -> int | None:
    """The nearest reminder due for what lapses at that moment: 7 within a week, 30 within 30 days, else None."""
    if lapses_at <= now:
        return None
    return next((days for days in STAGES if lapses_at - now <= timedelta(days=days)), None)


def last_valid_day(expires_at: datetime) -> date:
    """The last Stockholm day a qualification expiring at that moment is valid (the day before, at midnight)."""
    return local_day(expires_at - timedelta(microseconds=1))


def _current_qualifications() -> Select:
    """Held qualifications that expire and have not been renewed, of approved volunteers."""
    later = aliased(PersonQualification)
    held = PersonQualification
    renewed = select(later.id).where(
        later.user_id == held.user_id, later.qualification_id == held.qualification_id, later.id != held.id,
        or_(later.expires_at.is_(None), later.expires_at > held.expires_at,
            and_(later.expires_at == held.expires_at, later.id > held.id))).exists()
    return (select(held, User).join(User, User.id == held.user_id).options(joinedload(held.qualification))
            .where(held.expires_at.is_not(None), ~renewed, User.status == Status.APPROVED))


def _current_record_checks() -> Select:
    """Each approved volunteer's newest criminal-record extract (the one the booking rules read)."""
    later = aliased(RecordCheck)
    renewed = select(later.id).where(
        later.user_id == RecordCheck.user_id, later.id != RecordCheck.id,
        or_(later.valid_until > RecordCheck.valid_until,
            and_(later.valid_until == RecordCheck.valid_until, later.id > RecordCheck.id))).exists()
    return (select(RecordCheck, User).join(User, User.id == RecordCheck.user_id)
            .where(~renewed, User.status == Status.APPROVED))


def _not_reminded_at(model, days: int):
    return or_(model.lapse_reminded_days.is_(None), model.lapse_reminded_days > days)


def send_reminders(now: datetime) -> int:
    """Queue the due reminders of qualifications and record extracts that lapse, each once; how many."""
    furthest = timedelta(days=max(STAGES))
    held = db.session.execute(_current_qualifications().where(
        PersonQualification.expires_at > now, PersonQualification.expires_at <= now + furthest,
        _not_reminded_at(PersonQualification, min(STAGES)))
        .order_by(PersonQualification.expires_at, PersonQualification.id)).all()
    due_held = [(row, person) for row, person in held if _due(row, row.expires_at, now)]
    sent = reminders.claim_each(due_held, lambda pair: _claim(PersonQualification, pair[0], pair[0].expires_at, now),
                                lambda pair: _remind_qualification(*pair, now))
    checks = db.session.execute(_current_record_checks().where(
        RecordCheck.valid_until >= local_day(now), RecordCheck.valid_until <= local_day(now + furthest),
        _not_reminded_at(RecordCheck, min(STAGES))).order_by(RecordCheck.valid_until, RecordCheck.id)).all()
    due_checks = [(check, person) for check, person in checks
                  if _due(check, record_check_lapses(check.valid_until), now)]
    return sent + reminders.claim_each(
        due_checks, lambda pair: _claim(RecordCheck, pair[0], record_check_lapses(pair[0].valid_until), now),
        lambda pair: _remind_record(*pair))


def _due(row, lapses_at: datetime, now: datetime) -> bool:
    stage = stage_due(lapses_at, now)
    return stage is not None and (row.lapse_reminded_days is None or row.lapse_reminded_days > stage)


def _claim(model, row, lapses_at: datetime, now: datetime):
    stage = stage_due(lapses_at, now)
    return update(model).where(model.id == row.id, _not_reminded_at(model, stage)).values(lapse_reminded_days=stage)


def _remind_qualification(held: PersonQualification, user: User, now: datetime) -> None:
    qualification = held.qualification
    leads = next_sessions({qualification.id}, now).get(qualification.id, ())
    sessions = [db.session.get(TrainingSession, lead.session_id, options=[joinedload(TrainingSession.training)])
                for lead in leads]
    name = qualification.name_in(user.locale)
    send_after_commit(
        user.email, user.locale, "qualification_lapsing",
        _l("Your qualification %(qualification)s lapses soon", qualification=name),
        about=f"qualification:{qualification.id}", name=user.full_name, qualification=name,
        last_day=last_valid_day(held.expires_at),
        sessions=[{"title": s.training.title_in(user.locale), "starts_at": s.starts_at, "ends_at": s.ends_at,
                   "place": s.place, "language": s.language} for s in sessions],
        link=absolute_url("trainings.page", gives=qualification.id))


def _remind_record(check: RecordCheck, user: User) -> None:
    send_after_commit(
        user.email, user.locale, "record_check_lapsing", _l("Your criminal-record extract lapses soon"),
        about=f"record_check:{check.id}", name=user.full_name, kind=check.kind, last_day=check.valid_until,
        link=absolute_url("me.page"))


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last day of the calendar month a day falls in."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def lapsing(among: Select, first_day: date, last_day: date) -> list[Lapse]:
    """What lapses from first_day to last_day (their last valid day in that span) and has not been renewed, of the
    people whose ids among selects; by day, then name."""
    people = among.scalar_subquery()
    held = db.session.execute(_current_qualifications().where(
        PersonQualification.user_id.in_(people), PersonQualification.expires_at > at(first_day),
        PersonQualification.expires_at <= at(last_day + timedelta(days=1))))
    found = [Lapse(person, last_valid_day(row.expires_at), qualification=row.qualification) for row, person in held]
    checks = db.session.execute(_current_record_checks().where(
        RecordCheck.user_id.in_(people), RecordCheck.valid_until >= first_day, RecordCheck.valid_until <= last_day))
    found += [Lapse(person, check.valid_until, record_kind=check.kind) for check, person in checks]
    return sorted(found, key=lambda lapse: (lapse.last_day, lapse.person.full_name.casefold(), lapse.person.id))
