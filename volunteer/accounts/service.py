"""Accounts: registration, one-time links, status changes and the audit trail."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..audit import audit, note_status_change
from ..extensions import db
from ..models import (LoginToken, Organisation, Role, Status, TokenPurpose, User, UserLanguage, UserSkill,
                      coordinator_organisations, utcnow)


class InvalidToken(Exception):
    """The link is unknown, already used or expired."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def register(form, locale: str) -> tuple[User, bool]:
    """Create an applicant from a valid SignupForm; an existing address is returned untouched.

    For an existing address the same rows are written under a stand-in address and rolled back, so that the
    answer takes as long either way and does not tell whether the address has an account."""
    email = form.email.normalized
    existing = find_user(email)
    if existing is None:
        return _applicant(form, locale, email), True
    savepoint = db.session.begin_nested()
    _applicant(form, locale, f"{secrets.token_hex(16)}@rehearsal.invalid")
    savepoint.rollback()
    return existing, False


def _applicant(form, locale: str, email: str) -> User:
    """A new applicant from a valid SignupForm, added and flushed, its sign-up noted and audited."""
    now = utcnow()
    user = User(
        email=email,
        full_name=form.full_name.data,
        phone=form.phone.normalized,
        locale=locale,
        motivation=form.motivation.data,
        other_languages=form.other_languages.data or "",
        available_weekdays="weekdays" in form.availability.data,
        available_evenings="evenings" in form.availability.data,
        available_weekends="weekends" in form.availability.data,
        adult_confirmed=True,
        privacy_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        consented_at=now,
        status=Status.APPLIED,
        status_changed_at=now,
    )
    user.languages = [UserLanguage(code=code) for code in sorted(set(form.languages.data)) if code != "other"]
    user.skills = [UserSkill(code=code) for code in sorted(set(form.skills.data or []))]
    chosen = set(form.organisations.data or [])
    if chosen:
        user.preferred_organisations = list(
            db.session.scalars(select(Organisation).where(Organisation.id.in_(chosen))))
    db.session.add(user)
    db.session.flush()
    note_status_change(user, None, user)
    audit("signed_up", actor=user, subject=user, privacy_version=user.privacy_version)
    return user


def issue_token(user: User | None, purpose: TokenPurpose, locale: str | None = None) -> str:
    """Create a one-time token and return it; only its hash is stored. Without a user it leads nowhere.

    locale: the language the asker chose with the switcher, saved on the account when the link is used."""
    raw = secrets.token_urlsafe(32)
    lifetime = current_app.config[
        "SIGNIN_TOKEN_LIFETIME" if purpose is TokenPurpose.SIGN_IN else "CONFIRM_TOKEN_LIFETIME"]
    db.session.add(LoginToken(user=user, token_hash=hash_token(raw), purpose=purpose, locale=locale,
                              expires_at=utcnow() + lifetime))
    return raw


# A form sent twice in a row (a double tap, a reload) mails its link once; after this pause it may mail again.
LINK_RESEND_PAUSE = timedelta(minutes=1)


def link_just_sent(user: User, purpose: TokenPurpose) -> bool:
    """Whether a live link of this kind went to this person within the last LINK_RESEND_PAUSE."""
    return db.session.scalar(select(LoginToken.id).where(
        LoginToken.user_id == user.id, LoginToken.purpose == purpose, LoginToken.used_at.is_(None),
        LoginToken.created_at > utcnow() - LINK_RESEND_PAUSE).limit(1)) is not None


def peek_token(raw: str, purpose: TokenPurpose) -> LoginToken:
    """The live token for this link, without using it up."""
    token = db.session.scalar(select(LoginToken).where(LoginToken.token_hash == hash_token(raw)))
    if token is None or token.user_id is None or token.purpose is not purpose or token.used_at is not None \
            or token.expires_at <= utcnow():
        raise InvalidToken()
    return token


def redeem(token: LoginToken) -> User:
    """Use up a live token (from peek_token) and return its user; a second use raises InvalidToken."""
    now = utcnow()
    # The conditional UPDATE makes "single use" hold even for two clicks at the same moment.
    claimed = db.session.execute(
        update(LoginToken).where(LoginToken.id == token.id, LoginToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvalidToken()
    user = token.user
    confirm_email(user, now)
    user.last_sign_in_at = now
    return user


def confirm_email(user: User, now: datetime) -> None:
    """Following any link we sent proves the address: an applicant becomes confirmed."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    if user.status is Status.APPLIED:
        user.status = Status.CONFIRMED
        user.status_changed_at = now
        user.status_changed_by_id = user.id
        note_status_change(user, Status.APPLIED, user)
        audit("email_confirmed", actor=user, subject=user)


def make_coordinator(email: str, name: str, organisations: list[Organisation], admin: bool) -> User:
    """Create or promote a coordinator from the command line; a change is audited."""
    user = find_user(email)
    if user is None:
        now = utcnow()
        user = User(email=email, full_name=name, status=Status.APPROVED, status_changed_at=now,
                    email_confirmed_at=now)
        db.session.add(user)
    user.full_name = name
    set_coordinator(user, list({*user.coordinated_organisations, *organisations}), admin)
    return user


def set_coordinator(user: User, organisations: list[Organisation], admin: bool, actor: User | None = None) -> None:
    """Make a person a coordinator of exactly these organisations (or an admin); audited when it changes.

    A decision by hand: the role and organisations no longer end when the identity provider stops granting them."""
    before = (user.role, {org.id for org in user.coordinated_organisations})
    user.role = Role.ADMIN if admin else Role.COORDINATOR
    user.role_before_oidc = None
    user.coordinated_organisations = sorted(organisations, key=lambda org: org.name)
    db.session.flush()
    db.session.execute(update(coordinator_organisations).where(coordinator_organisations.c.user_id == user.id)
                       .values(via_oidc=False))
    if before != (user.role, {org.id for org in organisations}):
        audit("coordinator_role_granted", actor=actor, subject=user, role=user.role.value,
              organisations=[org.name for org in user.coordinated_organisations])


def remove_coordinator(user: User, actor: User) -> None:
    """Back to an ordinary volunteer account; audited."""
    audit("coordinator_role_removed", actor=actor, subject=user, role=user.role.value,
          organisations=[org.name for org in user.coordinated_organisations])
    user.role = Role.VOLUNTEER
    user.role_before_oidc = None
    user.coordinated_organisations = []
