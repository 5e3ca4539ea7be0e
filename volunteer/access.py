"""Who may open which page: one check per blueprint, so a new route cannot forget it."""
from flask import abort
from flask_login import current_user

from sqlalchemy import select, true
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .extensions import db, login_manager
from .models import Organisation, Qualification, Shift, Site, coordinator_organisations


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


def shift_in_scope(shift_id: int) -> Shift:
    """A shift at a site of one of the signed-in coordinator's organisations, with what its pages show."""
    shift = db.session.scalar(
        select(Shift).join(Shift.site).options(contains_eager(Shift.site), joinedload(Shift.task),
                                               selectinload(Shift.languages))
        .where(Shift.id == shift_id, in_scope(Site.organisation_id)))
    if shift is None:
        abort(404)
    return shift
