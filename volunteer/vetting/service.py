"""Vetting: the applicants a coordinator may see, interviews, decisions, record checks and status changes."""
from datetime import date

from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.orm import selectinload

from ..audit import audit, note_status_change
from ..clock import now
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..mail import absolute_url, send_after_commit
from ..models import (AuditEvent, Interview, Organisation, PersonQualification, RecordCheck, RecordKind, Role,
                      Status, StatusChange, User, UserLanguage, UserSkill)
from ..rules.people import TRANSITIONS, may_decide
from ..web.access import organisation_scope

class StatusConflict(Exception):
    """The person's status changed before this decision was saved, or the change is not allowed."""


class NameChanged(Exception):
    """The person changed their name again after the coordinator looked at it."""


def people_in_scope(coordinator: User) -> Select:
    """Volunteers this coordinator may see: those who chose one of their organisations, or none."""
    return people_of(organisation_scope(coordinator))


def people_of(scope: set[int] | None) -> Select:
    """Volunteers within these organisations' need-to-know (None: all): those who chose one of them, or none."""
    query = select(User).where(User.role == Role.VOLUNTEER)
    if scope is not None:
        chosen = User.preferred_organisations
        query = query.where(or_(~chosen.any(), chosen.any(Organisation.id.in_(scope)) if scope else false()))
    return query


def filtered(query: Select, filters: dict) -> Select:
    """Apply the directory's search and filters (see forms.DirectoryFilterForm)."""
    if text := filters.get("q"):
        query = query.where(or_(User.full_name.icontains(text, autoescape=True),
                                User.email.icontains(text, autoescape=True)))
    if status := filters.get("status"):
        query = query.where(User.status == Status(status))
    if language := filters.get("language"):
        query = query.where(User.languages.any(UserLanguage.code == language))
    if skill := filters.get("skill"):
        query = query.where(User.skills.any(UserSkill.code == skill))
    if availability := filters.get("availability"):
        query = query.where(getattr(User, f"available_{availability}").is_(True))
    if organisation := filters.get("organisation"):
        query = query.where(User.preferred_organisations.any(Organisation.id == organisation))
    if qualification := filters.get("qualification"):
        moment = now()
        query = query.where(select(PersonQualification.id).where(
            PersonQualification.user_id == User.id, PersonQualification.qualification_id == qualification,
            or_(PersonQualification.expires_at.is_(None), PersonQualification.expires_at > moment)).exists())
    return query


def with_profile(query: Select) -> Select:
    """Load the lists a person's card shows in a fixed number of queries, however many people there are."""
    return query.options(selectinload(User.languages), selectinload(User.skills),
                         selectinload(User.preferred_organisations))


def find_person(coordinator: User, person_id: int) -> User | None:
    """A volunteer by id, or None when there is none or the coordinator may not see them."""
    return db.session.scalar(people_in_scope(coordinator).where(User.id == person_id))


def find_volunteer(coordinator: User, email: str) -> User | None:
    """A volunteer by (normalised) e-mail address, or None when there is none or the coordinator may not see them."""
    return db.session.scalar(people_in_scope(coordinator).where(User.email == email))


def record_interview(person: User, coordinator: User, held_on: date, notes: str) -> Interview:
    interview = Interview(user_id=person.id, held_on=held_on, interviewer_id=coordinator.id, notes=notes)
    db.session.add(interview)
    audit("interview_recorded", actor=coordinator, subject=person, held_on=held_on.isoformat())
    return interview


def change_status(person: User, to_status: Status, actor: User, reason: str = "") -> None:
    """Move a person to a new status, kept with who, when and why; raises StatusConflict if it cannot be."""
    from_status = person.status
    action = TRANSITIONS.get((from_status, to_status))
    if action is None:
        raise StatusConflict()
    moment = now()
    values = {"status": to_status, "status_changed_at": moment, "status_changed_by_id": actor.id}
    if action == "approved":
        # The name the coordinator has just seen in the application is the one certificates will carry.
        values |= {"confirmed_name": User.full_name, "name_confirmed_at": moment, "name_confirmed_by_id": actor.id}
    # Conditional on the status we read, so two coordinators deciding at once cannot both win.
    changed = db.session.execute(
        update(User).where(User.id == person.id, User.status == from_status).values(**values)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise StatusConflict()
    db.session.refresh(person)
    note_status_change(person, from_status, actor, reason)
    audit(action, actor=actor, subject=person, reason=reason)


def confirm_name(person: User, coordinator: User, seen: str) -> None:
    """Make the name the person now uses the one their certificates carry; raises NameChanged unless it is still
    the name the coordinator saw."""
    previous = person.confirmed_name
    changed = db.session.execute(
        update(User).where(User.id == person.id, User.full_name == seen)
        .values(confirmed_name=seen, name_confirmed_at=now(), name_confirmed_by_id=coordinator.id)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise NameChanged()
    db.session.refresh(person)
    audit("name_confirmed", actor=coordinator, subject=person, name=seen, previous_name=previous)


def name_history(person: User) -> list[tuple[AuditEvent, User | None]]:
    """The names coordinators have confirmed for the person since approval, and who did, newest first."""
    return list(db.session.execute(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_id == person.id, AuditEvent.action == "name_confirmed")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())).all())


def decide(person: User, coordinator: User, held_on: date, notes: str, outcome: Status | None,
           reason: str = "") -> None:
    """Record the interview and, unless deferred (no outcome), approve or reject; raises StatusConflict.

    Only an applicant waiting for a decision is interviewed: an interview gives its interviewer the person's
    phone number, so recording one for someone already decided on would go around need to know."""
    if not may_decide(person):
        raise StatusConflict()
    record_interview(person, coordinator, held_on, notes)
    if outcome is not None:
        change_status(person, outcome, coordinator, reason)
        tell_about_decision(person)


def tell_about_decision(person: User) -> None:
    """Queue the e-mail that tells an applicant, in their own language, that they were approved or not."""
    if person.status is Status.APPROVED:
        send_after_commit(person.email, person.locale, "approved", _l("You are approved as a volunteer"),
                          person=person, next_url=absolute_url("trainings.page"))
    else:
        send_after_commit(person.email, person.locale, "not_approved", _l("About your volunteer application"),
                          person=person)


def record_check(person: User, coordinator: User, kind: RecordKind, seen_on: date,
                 valid_until: date) -> RecordCheck:
    """Note that an extract was seen: kind, dates and who; the extract itself is never stored."""
    check = RecordCheck(user_id=person.id, kind=kind, seen_on=seen_on, valid_until=valid_until,
                        seen_by_id=coordinator.id)
    db.session.add(check)
    audit("record_extract_seen", actor=coordinator, subject=person, kind=kind.value,
          valid_until=valid_until.isoformat())
    return check


def valid_record_check(person_id: int, on: date) -> RecordCheck | None:
    """The person's latest record check that is still valid on a date (shifts may require one)."""
    return db.session.scalar(
        select(RecordCheck).where(RecordCheck.user_id == person_id, RecordCheck.valid_until >= on)
        .order_by(RecordCheck.valid_until.desc()).limit(1))


def history(person: User) -> dict:
    """What coordinators have recorded about a person, newest first."""
    def newest(model, column):
        return list(db.session.scalars(
            select(model).where(model.user_id == person.id).order_by(column.desc(), model.id.desc())))

    return {
        "interviews": newest(Interview, Interview.held_on),
        "record_checks": newest(RecordCheck, RecordCheck.seen_on),
        "status_changes": newest(StatusChange, StatusChange.changed_at),
        "qualifications": newest(PersonQualification, PersonQualification.granted_at),
    }


def language_overview(coordinator: User) -> tuple[list[Organisation], dict[str, dict]]:
    """Approved volunteers per spoken language and preferred organisation (None: no preference)."""
    people = people_in_scope(coordinator).where(User.status == Status.APPROVED).subquery()
    chosen = User.preferred_organisations.property.secondary
    rows = db.session.execute(
        select(UserLanguage.code, chosen.c.organisation_id, func.count(func.distinct(people.c.id)))
        .join(people, people.c.id == UserLanguage.user_id)
        .outerjoin(chosen, chosen.c.user_id == people.c.id)
        .group_by(UserLanguage.code, chosen.c.organisation_id))
    totals = db.session.execute(
        select(UserLanguage.code, func.count(func.distinct(people.c.id)))
        .join(people, people.c.id == UserLanguage.user_id).group_by(UserLanguage.code))
    counts: dict[str, dict] = {code: {"total": total} for code, total in totals}
    for code, organisation_id, number in rows:
        counts[code][organisation_id] = number
    scope = organisation_scope(coordinator)
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    if scope is not None:
        organisations = [org for org in organisations if org.id in scope]
    return organisations, dict(sorted(counts.items(), key=lambda item: -item[1]["total"]))
