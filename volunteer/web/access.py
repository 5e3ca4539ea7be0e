"""Who may open which page: one check per blueprint, so a new route cannot forget it."""
from flask import abort
from flask_login import current_user

from sqlalchemy import select, true, union
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import clock
from ..extensions import db, login_manager
from ..models import (Booking, BookingStatus, Enrolment, EnrolmentStatus, Interview, Organisation, Qualification, Shift,
                      Site, Status, Training, TrainingSession, User, coordinator_organisations, preferred_organisations)
from ..rules.leads import leads_any, leads_site


def require_coordinator():
    """A blueprint's before_request: anonymous visitors sign in first; volunteers get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_coordinator:
        abort(403)
    return None


def require_admin():
    """Like require_coordinator, for pages only admins may open."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def require_signed_in():
    """A blueprint's before_request for pages any signed-in person may open."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def require_lead():
    """A blueprint's before_request for a site's day: a person who leads a site today, or a coordinator; any other
    volunteer gets 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not (current_user.is_coordinator or leads_any(current_user, clock.now())):
        abort(403)
    return None


def organisation_scope(user) -> set[int] | None:
    """The organisations a coordinator acts for; None means all of them (an admin)."""
    if user.is_admin:
        return None
    return {organisation.id for organisation in user.coordinated_organisations}


def acts_for(user, organisation_id: int) -> bool:
    scope = organisation_scope(user)
    return scope is None or organisation_id in scope


def organisations_in_scope(user) -> list[Organisation]:
    """The organisations a coordinator acts for, by name (all of them for an admin)."""
    query = select(Organisation).order_by(Organisation.name)
    scope = organisation_scope(user)
    if scope is not None:
        query = query.where(Organisation.id.in_(scope))
    return list(db.session.scalars(query))


def qualification_choices() -> list[tuple[int, str]]:
    """Every qualification as (id, name in the reader's language), for select fields."""
    return [(q.id, q.name_in()) for q in db.session.scalars(select(Qualification).order_by(Qualification.id))]


def qualifications_given_in_scope(user) -> list[tuple[int, str]]:
    """The qualifications the trainings of a coordinator's organisations give (every one, for an admin)."""
    query = select(Qualification).order_by(Qualification.id)
    scope = organisation_scope(user)
    if scope is not None:
        query = query.where(Qualification.id.in_(
            select(Training.qualification_id).where(Training.organisation_id.in_(scope))))
    return [(q.id, q.name_in()) for q in db.session.scalars(query)]


def sites_in_scope(user) -> list[Site]:
    """The sites of the organisations a coordinator acts for, by name (all of them for an admin)."""
    query = select(Site).options(joinedload(Site.organisation)).order_by(Site.name)
    scope = organisation_scope(user)
    if scope is not None:
        query = query.where(Site.organisation_id.in_(scope))
    return list(db.session.scalars(query))


def in_scope(organisation_id):
    """SQL for acts_for: the organisation is one the signed-in coordinator acts for (any, for an admin).

    A page that looks up one site or shift checks the scope in the same query."""
    if current_user.is_admin:
        return true()
    return organisation_id.in_(select(coordinator_organisations.c.organisation_id)
                               .where(coordinator_organisations.c.user_id == current_user.id))


def site_in_scope(site_id: int) -> Site:
    """A site of one of the signed-in coordinator's organisations; others' are not found (404)."""
    site = db.session.scalar(select(Site).where(Site.id == site_id, in_scope(Site.organisation_id)))
    if site is None:
        abort(404)
    return site


def site_led(site_id: int) -> Site:
    """A site the signed-in person leads today, or of one of their organisations (a coordinator); others 404."""
    site = db.session.get(Site, site_id)
    if site is None:
        abort(404)
    if current_user.is_coordinator and acts_for(current_user, site.organisation_id):
        return site
    if not leads_site(current_user, site.id, clock.now()):
        abort(404)
    return site


def shift_in_scope(shift_id: int) -> Shift:
    """A shift at a site of one of the signed-in coordinator's organisations, with what its pages show."""
    shift = db.session.scalar(
        select(Shift).join(Shift.site).options(contains_eager(Shift.site), joinedload(Shift.task),
                                               selectinload(Shift.languages))
        .where(Shift.id == shift_id, in_scope(Site.organisation_id)))
    if shift is None:
        abort(404)
    return shift


def training_session_in_scope(session_id: int) -> TrainingSession:
    """A session of a training of one of the signed-in coordinator's organisations; others' are not found (404)."""
    training_session = db.session.get(TrainingSession, session_id)
    if training_session is None or not acts_for(current_user, training_session.training.organisation_id):
        abort(404)
    return training_session


def contact_visible(coordinator, user_ids, through_interviews: bool = True) -> set[int]:
    """Whose phone number and interview notes a coordinator may see (need to know), among these people.

    An admin sees all. A coordinator sees those who chose one of their organisations, applicants who chose
    none (anyone may call them for the interview), people they interviewed themselves, and people who are or
    were on their shifts or trainings. Interviewing unlocks nothing new: only an applicant waiting for a
    decision can be interviewed (rules.people.may_decide), and every coordinator in scope already sees them;
    with through_interviews=False the interviews do not count (whose notes a coordinator may read)."""
    ids = set(user_ids)
    scope = organisation_scope(coordinator)
    if not ids or scope is None:
        return ids
    chose_us = select(preferred_organisations.c.user_id).where(
        preferred_organisations.c.user_id.in_(ids), preferred_organisations.c.organisation_id.in_(scope))
    open_applicants = select(User.id).where(User.id.in_(ids), User.status.in_((Status.APPLIED, Status.CONFIRMED)),
                                            ~User.preferred_organisations.any())
    on_our_shifts = select(Booking.user_id).join(Shift).join(Site).where(
        Booking.user_id.in_(ids), Booking.status != BookingStatus.CANCELLED, Site.organisation_id.in_(scope))
    on_our_trainings = select(Enrolment.user_id).join(TrainingSession).join(Training).where(
        Enrolment.user_id.in_(ids), Enrolment.status != EnrolmentStatus.CANCELLED,
        Training.organisation_id.in_(scope))
    reasons = [chose_us, open_applicants, on_our_shifts, on_our_trainings]
    if through_interviews:
        reasons.append(select(Interview.user_id).where(Interview.user_id.in_(ids),
                                                       Interview.interviewer_id == coordinator.id))
    return set(db.session.scalars(union(*reasons)))


def readable_interviews(coordinator, person, interviews) -> set[int]:
    """The interviews whose notes a coordinator may read: their own, and all of them when they need to know the
    person for another reason than having interviewed them too."""
    if person.id in contact_visible(coordinator, [person.id], through_interviews=False):
        return {interview.id for interview in interviews}
    return {interview.id for interview in interviews if interview.interviewer_id == coordinator.id}
