"""Who may open which page: one check per blueprint, so a new route cannot forget it."""
from flask import abort
from flask_login import current_user

from .extensions import login_manager


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
