"""Signed-in sessions kept on the server: the cookie names a session that signing out deletes."""
import secrets

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload, undefer

from .. import clock
from ..extensions import db
from ..models import DeviceSession, User
from .service import hash_token


def open_session(user: User) -> str:
    """Record a new session for this person; the id that Flask-Login keeps in the cookies ("user:key")."""
    key = secrets.token_urlsafe(32)
    db.session.add(DeviceSession(user_id=user.id, key_hash=hash_token(key), created_at=clock.now()))
    return f"{user.id}:{key}"


def _parts(session_id: str) -> tuple[int, str] | None:
    user_id, _, key = (session_id or "").partition(":")
    return (int(user_id), key) if user_id.isdigit() and key else None


def load_user(session_id: str) -> User | None:
    """The person whose live session this is; None for an ended, expired, unknown or old-style id."""
    parts = _parts(session_id)
    if parts is None:
        return None
    return db.session.scalars(_SIGNED_IN, {"user_id": parts[0], "key_hash": hash_token(parts[1]),
                                           "not_before": expired_before()}).unique().first()


def expired_before():
    """Sessions opened before this moment have ended: 30 days after signing in, however often it was used.

    The cookies are renewed as they are used, so the server, not the browser, holds the absolute limit."""
    return clock.now() - current_app.config["PERMANENT_SESSION_LIFETIME"]


# Every signed-in request runs this, so the statement is built once, not on each request. With what the booking
# and enrolment rules read about the person, in the same one query.
_SIGNED_IN = (select(User).join(DeviceSession, DeviceSession.user_id == User.id)
              .options(joinedload(User.held_qualifications), undefer(User.record_check_until))
              .where(User.id == bindparam("user_id"), DeviceSession.key_hash == bindparam("key_hash"),
                     DeviceSession.created_at > bindparam("not_before")))


def close_session(session_id: str) -> None:
    """End one session: its cookies, wherever they were copied, no longer sign anyone in."""
    parts = _parts(session_id)
    if parts is not None:
        db.session.execute(delete(DeviceSession).where(DeviceSession.user_id == parts[0],
                                                       DeviceSession.key_hash == hash_token(parts[1])))
