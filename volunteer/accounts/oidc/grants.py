"""What the provider says about a person, as an account with a role and the organisations it coordinates."""
from flask import current_app
from sqlalchemy import select, update

from ...audit import audit
from ...extensions import db
from ...i18n.catalog import current_locale
from ...models import Organisation, Role, Status, User, coordinator_organisations, utcnow
from ...web.forms import normalize_email
from ..service import find_user

RANK = {Role.VOLUNTEER: 0, Role.COORDINATOR: 1, Role.ADMIN: 2}


class Refused(Exception):
    """The provider vouched for the person, but this site does not sign them in; reason says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sign_in(claims: dict) -> User:
    """The staff account for verified ID-token claims, its grants brought in line with the provider's groups.

    A person whose groups map to nothing is refused, and loses what the provider granted before."""
    email = verified_email(claims)
    grants = mapped_grants(claims)
    user = find_user(email)
    if user is not None:
        apply_grants(user, grants)
    if not grants:
        audit("oidc_sign_in_refused", subject=user, reason="no_mapped_group")
        db.session.commit()
        raise Refused("no_role")
    if user is None:
        user = _staff_account(email, claims)
    apply_grants(user, grants)
    user.last_sign_in_at = utcnow()
    user.retention_warned_at = None
    audit("signed_in_with_oidc", actor=user, subject=user, issuer=claims.get("iss"),
          organisations=sorted(org.name for org in grants))
    return user


def verified_email(claims: dict) -> str:
    """The e-mail address the provider has verified, as accounts store it; Refused without one."""
    if claims.get("email_verified") not in (True, "true"):
        raise Refused("unverified")
    try:
        return normalize_email(str(claims.get("email") or ""), check_deliverability=False)
    except ValueError as error:  # email-validator's errors are ValueErrors
        raise Refused("unverified") from error


def mapped_grants(claims: dict) -> dict[Organisation, Role]:
    """The organisations and roles the person's groups map to; an organisation the map names but the site does
    not know is left out, with a log line for the operator."""
    groups = claims.get(current_app.config["OIDC_GROUPS_CLAIM"]) or []
    role_map = current_app.config["OIDC_ROLE_MAP"]
    wanted: dict[str, Role] = {}
    for group in [groups] if isinstance(groups, str) else groups:
        grant = role_map.get(group) if isinstance(group, str) else None
        if grant:
            role = Role(grant["role"])
            name = grant["organisation"]
            wanted[name] = max(role, wanted.get(name, role), key=RANK.get)
    found = db.session.scalars(select(Organisation).where(Organisation.name.in_(wanted))).all()
    for name in sorted(set(wanted) - {org.name for org in found}):
        current_app.logger.warning("OIDC_ROLE_MAP names an organisation the site does not know: %s", name)
    return {org: wanted[org.name] for org in found}


def apply_grants(user: User, grants: dict[Organisation, Role]) -> None:
    """Give the role and organisations the provider grants now, and take back those it granted before and no
    longer does; what was given by hand stays. Audited when it changes."""
    before = (user.role, sorted(org.name for org in user.coordinated_organisations))
    from_provider = set(db.session.scalars(select(coordinator_organisations.c.organisation_id).where(
        coordinator_organisations.c.user_id == user.id, coordinator_organisations.c.via_oidc)))
    by_hand = [org for org in user.coordinated_organisations if org.id not in from_provider]
    granted = [org for org in grants if org not in by_hand]
    user.coordinated_organisations = sorted([*by_hand, *granted], key=lambda org: org.name)
    own_role = user.role if user.role_before_oidc is None else user.role_before_oidc
    provider_role = max(grants.values(), key=RANK.get, default=Role.VOLUNTEER)
    if RANK[provider_role] > RANK[own_role]:
        user.role, user.role_before_oidc = provider_role, own_role
    else:
        user.role, user.role_before_oidc = own_role, None
    db.session.flush()
    if granted:
        db.session.execute(update(coordinator_organisations).where(
            coordinator_organisations.c.user_id == user.id,
            coordinator_organisations.c.organisation_id.in_([org.id for org in granted])).values(via_oidc=True))
    after = (user.role, sorted(org.name for org in user.coordinated_organisations))
    if after != before:
        action = "coordinator_role_removed" if user.role is Role.VOLUNTEER else "coordinator_role_granted"
        audit(action, subject=user, role=user.role.value, organisations=after[1], before_role=before[0].value,
              before_organisations=before[1], source="oidc")


def _staff_account(email: str, claims: dict) -> User:
    """A new account for a staff member the provider vouches for: approved, the address confirmed."""
    now = utcnow()
    user = User(email=email, full_name=str(claims.get("name") or email)[:120], status=Status.APPROVED,
                status_changed_at=now, email_confirmed_at=now, locale=current_locale())
    db.session.add(user)
    db.session.flush()
    audit("staff_account_created", actor=user, subject=user, source="oidc")
    return user
