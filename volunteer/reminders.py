"""Reminders the day before a place someone holds (a booked shift, a seat on a training session), for any kind of
place, and the claim that every reminder goes through (lapses.py's too): each is claimed with a conditional UPDATE
and queued in the outbox in the same transaction, committed one by one, so running it often, or twice at once,
never queues one twice."""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .extensions import db
from .rules.places import Places


def due(places: Places, now: datetime, until: datetime) -> list:
    """Held places on parents that start between now and until and whose person has not been reminded, with the
    person and the parent loaded, soonest first."""
    model, parent = places.row, places.parent
    return list(db.session.scalars(
        select(model).options(joinedload(model.user), joinedload(getattr(model, places.parent_relation)))
        .join(parent, getattr(model, places.parent_key) == parent.id)
        .where(model.status == places.held, model.reminded_at.is_(None), parent.cancelled_at.is_(None),
               parent.starts_at > now, parent.starts_at < until)
        .order_by(parent.starts_at, model.id)))


def send(places: Places, now: datetime, until: datetime, remind) -> int:
    """Claim each due reminder and queue it (remind(row)) in the same transaction; how many were queued."""
    model = places.row
    return claim_each(due(places, now, until), lambda row: update(model).where(
        model.id == row.id, model.reminded_at.is_(None), model.status == places.held).values(reminded_at=now), remind)


def claim_each(rows, claim, remind) -> int:
    """For each row, run its claim (a conditional UPDATE that changes the row only while no reminder went out) and,
    when this call changed it, queue the reminder (remind(row)) in the same transaction; one commit per row. How
    many were queued."""
    sent = 0
    for row in rows:
        claimed = db.session.execute(claim(row).execution_options(synchronize_session=False)).rowcount
        if claimed == 1:
            remind(row)
            sent += 1
        db.session.commit()
    return sent
