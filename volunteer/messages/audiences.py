"""Whom a coordinator's message goes to: the people on a shift or a training session (and its waitlist if asked), or
the confirmed applicants waiting in the queue within its filters. Always only people the coordinator may contact."""
from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Status, User
from ..rules.places import Places
from ..vetting import service as vetting
from ..web.access import contact_visible


@dataclass(frozen=True)
class Audience:
    kind: str  # what the audit trail calls it: shift, training_session, applicants
    about: str | None  # the outbox's reference, so the roster shows whose e-mail arrived
    people: list[User]  # by name


def _contactable(people) -> list[User]:
    """Only the people the signed-in coordinator may contact (need to know), by name."""
    allowed = contact_visible(current_user, [person.id for person in people])
    return sorted((person for person in people if person.id in allowed), key=lambda p: (p.full_name, p.id))


def on_places(places: Places, parent, waitlist: bool) -> Audience:
    """The people holding (or who held) a place on a shift or training session, and its waitlist if asked."""
    statuses = (*places.occupied, *((places.waitlisted,) if waitlist else ()))
    row = places.row
    people = db.session.scalars(select(User).join(row, row.user_id == User.id).where(
        getattr(row, places.parent_key) == parent.id, row.status.in_(statuses))).unique().all()
    noun = places.parent.__tablename__
    return Audience(noun, f"{noun}:{parent.id}", _contactable(people))


def waiting_applicants(filters: dict) -> Audience:
    """The confirmed applicants the queue shows with these filters (every page of it)."""
    query = vetting.filtered(vetting.people_in_scope(current_user), {**filters, "status": Status.CONFIRMED.value})
    return Audience("applicants", None, _contactable(db.session.scalars(query).all()))
