"""Call-outs: asking volunteers who could book a shift to fill its free places.

Whom to ask is the booking rules' answer (rules.kinds.decide, the same as the volunteer's own Book button) for
each approved volunteer within the coordinator's need-to-know; those who speak a wanted language nobody coming
speaks are asked first, then those asked least lately; nobody asked in the last CALLOUT_QUIET_HOURS is asked again,
and at most CALLOUT_MAX are asked. Each gets a message in their language with a link of their own: opening it
only shows the shift (mail scanners open links); its button books through the same path as the shifts page.

The site sends one by itself, with no sender, when a volunteer hands a place over and nobody is waiting for it
(handovers.py): the same selection, within the shift organisation's need-to-know."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.orm import contains_eager, joinedload, selectinload, undefer

from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..mail import absolute_url, send_after_commit
from ..models import CallOut, CallOutRecipient, Shift, User
from ..rules.kinds import decide
from ..rules.shifts import SHIFTS, shift_standings
from .bookings import shift_details
from .staffing import bookable_for, bookable_people, rosters

SALT = "call-out"


@dataclass(frozen=True)
class Selection:
    """Whom a call-out for a shift asks, in order, and why the others are not."""

    people: list[User]
    speakers: frozenset[int]  # the ids of those who speak a wanted language nobody coming speaks
    missing: list[str]  # those languages
    could: int  # how many could book it (before the cap)
    resting: int  # approved volunteers left alone: asked by a call-out in the last CALLOUT_QUIET_HOURS

    @property
    def capped(self) -> bool:
        return self.could > len(self.people)


def refusal(shift: Shift, now: datetime) -> str | None:
    """Why nobody can be asked to fill this shift, or None."""
    if shift.cancelled_at is not None:
        return _("The shift is cancelled.")
    if shift.starts_at <= now:
        return _("The shift has started.")
    if shift.places_taken >= shift.places:
        return _("The shift has no free places.")
    return None


def quiet_since(now: datetime) -> datetime:
    return now - timedelta(hours=current_app.config["CALLOUT_QUIET_HOURS"])


def select_people(coordinator: User, shift: Shift, now: datetime) -> Selection:
    """Who a coordinator's call-out would ask now, within their need-to-know."""
    return select_from(bookable_people(coordinator), shift, now)


def select_for_handover(shift: Shift, now: datetime, without: User) -> Selection:
    """Who the call-out the site sends by itself when a place is handed over would ask now: within the need-to-know
    of the shift's organisation, under the same cap and quiet hours as a coordinator's; never the person who
    handed it over."""
    return select_from(bookable_for(shift).where(User.id != without.id), shift, now)


def select_from(bookable: Select, shift: Shift, now: datetime) -> Selection:
    """Who of these volunteers would be asked now: a fixed number of queries, however many there are."""
    recently = exists().where(CallOutRecipient.user_id == User.id, CallOutRecipient.asked_at > quiet_since(now))
    pool = db.session.scalars(
        bookable.where(~recently)
        .options(selectinload(User.languages), selectinload(User.held_qualifications),
                 undefer(User.record_check_until))).all()
    resting = db.session.scalar(bookable.where(recently).with_only_columns(func.count(User.id)))
    standings = shift_standings(pool, shift, now)
    could = [person for person in pool
             if decide(SHIFTS, person, shift, now, standings[person.id]).allows(SHIFTS.take)]
    roster, = rosters([shift])
    missing = roster.uncovered()
    matches = {person.id: len(set(person.language_codes) & set(missing)) for person in could}
    last_asked = dict(db.session.execute(
        select(CallOutRecipient.user_id, func.max(CallOutRecipient.asked_at))
        .where(CallOutRecipient.user_id.in_(list(matches))).group_by(CallOutRecipient.user_id)).all()) \
        if could else {}
    never = datetime.min.replace(tzinfo=now.tzinfo)
    could.sort(key=lambda p: (-matches[p.id], last_asked.get(p.id) or never, p.full_name.casefold(), p.id))
    chosen = could[:current_app.config["CALLOUT_MAX"]]
    return Selection(chosen, frozenset(p.id for p in chosen if matches[p.id]), missing, len(could), resting)


def send(coordinator: User | None, shift: Shift, selection: Selection, now: datetime, actor: User | None = None,
         **details) -> CallOut:
    """Ask everyone selected, each in their language with their own link, in this transaction; audited.

    coordinator None: the site sends it by itself (a hand-over); it has no sender, and the audit names the actor
    whose act made it go out."""
    call_out = CallOut(shift_id=shift.id, sent_by_id=coordinator.id if coordinator else None, created_at=now,
                       asked=len(selection.people))
    db.session.add(call_out)
    asked = [CallOutRecipient(call_out=call_out, user_id=person.id, asked_at=now) for person in selection.people]
    db.session.add_all(asked)
    db.session.flush()  # the rows' ids go into the links
    for person, row in zip(selection.people, asked):
        wanted = [code for code in selection.missing if code in person.language_codes]
        send_after_commit(person.email, person.locale, "call_out", _l("Can you help on a shift?"),
                          about=f"shift:{shift.id}", name=person.full_name, languages=wanted,
                          link=absolute_url("shifts.call_out", token=token(row)), **shift_details(shift, person.locale))
    audit("call_out_sent", actor=actor or coordinator, shift_id=shift.id, asked=len(asked),
          speakers=len(selection.speakers), **details)
    return call_out


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(row: CallOutRecipient) -> str:
    """The link of one person asked by one call-out."""
    return _serializer().dumps([row.id, row.call_out_id, row.user_id])


def asked_by(token: str) -> CallOutRecipient | None:
    """The person and call-out a link names, or None for a forged link or one whose call-out is gone."""
    try:
        row_id, call_out_id, user_id = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    row = db.session.scalar(
        select(CallOutRecipient).options(joinedload(CallOutRecipient.user), joinedload(CallOutRecipient.call_out))
        .where(CallOutRecipient.id == row_id))
    if row is None or (row.call_out_id, row.user_id) != (call_out_id, user_id):
        return None
    return row


def _first(column, row: CallOutRecipient, now: datetime) -> None:
    db.session.execute(update(CallOutRecipient).where(CallOutRecipient.id == row.id, column.is_(None))
                       .values({column.key: now}).execution_options(synchronize_session=False))


def opened(row: CallOutRecipient, now: datetime) -> None:
    """The link was opened (the first time counts), in the caller's transaction."""
    _first(CallOutRecipient.opened_at, row, now)


def booked(row: CallOutRecipient, now: datetime) -> None:
    """The person booked through the link, in the booking's transaction."""
    _first(CallOutRecipient.opened_at, row, now)
    _first(CallOutRecipient.booked_at, row, now)


def asked_for(shift: Shift) -> list[CallOutRecipient]:
    """Everyone asked to fill the shift, newest call-out first, with the person and who asked; one query."""
    return list(db.session.scalars(
        select(CallOutRecipient).join(CallOutRecipient.call_out)
        .options(contains_eager(CallOutRecipient.call_out).joinedload(CallOut.sent_by),
                 joinedload(CallOutRecipient.user))
        .where(CallOut.shift_id == shift.id)
        .order_by(CallOutRecipient.asked_at.desc(), CallOutRecipient.id)))


def forget_ended(now: datetime) -> int:
    """Retention: the call-outs of shifts that ended CALLOUT_RETENTION ago, and whom they asked; how many."""
    old = select(CallOut.id).join(Shift).where(Shift.ends_at < now - current_app.config["CALLOUT_RETENTION"])
    ids = list(db.session.scalars(old))
    if not ids:
        return 0
    db.session.execute(delete(CallOutRecipient).where(CallOutRecipient.call_out_id.in_(ids))
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(CallOut).where(CallOut.id.in_(ids)).execution_options(synchronize_session=False))
    return len(ids)
