"""Places that people hold on something with a limited number of them: seats on a training session, places
on a shift. One counter on the parent row, taken and given back with conditional UPDATEs; one row per person
(an enrolment or a booking) whose status moves only from the statuses a change expects; a waitlist whose first
person is offered a freed place for a while; attendance; the audit events all kinds share. Whether a person
may do a change is not decided here but by the ladder (kinds.py).

Every change runs in the caller's transaction; the caller commits, or rolls back on Conflict or
IntegrityError (a double tap meets the unique constraint on person and parent)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..audit import audit
from ..extensions import db
from ..models import User

# How long a freed place is held for the first person on the waitlist.
OFFER_WINDOW = timedelta(hours=24)
# claim() without the person's row: it looks the row up.
LOOK_UP = object()


class Conflict(Exception):
    """The change lost a race or no longer fits the state: roll back and show where things stand."""


def lock_person(user_id: int) -> bool:
    """Make one person's changes to their places wait for each other, in this transaction: whatever a change
    reads of the person's rows to decide (an overlap, another session of the training, what an erasure gives
    back) then stays true until it commits. Whether the person's account is still there.

    PostgreSQL locks the person's row (FOR NO KEY UPDATE: rows that only refer to the person can still be
    written). SQLite needs no statement: a request that writes takes the database's write lock when it begins,
    before it even finds out who is signed in."""
    if db.session.get_bind().dialect.name == "sqlite":
        return True
    return db.session.scalar(select(User.id).where(User.id == user_id).with_for_update(key_share=True)) is not None


@dataclass(frozen=True)
class Places:
    """The columns and statuses of one kind of place (training seats or shift places)."""

    parent: type  # TrainingSession or Shift
    row: type  # Enrolment or Booking
    parent_key: str  # the row's column naming its parent
    taken: str  # the parent's counter of places held
    capacity: str  # the parent's number of places
    held: object  # the status of a person with a place (enrolled, booked)
    waitlisted: object
    offered: object
    cancelled: object
    attended: object
    no_show: object
    salt: str  # for the offer links' signatures
    noun: str  # what the audit trail calls this kind's events: shift_waitlisted, training_waitlisted

    @property
    def holds_place(self) -> tuple:
        """The statuses that hold one of the counted places: held, or offered and kept for the person."""
        return (self.held, self.offered)

    @property
    def cancellable(self) -> tuple:
        """The statuses that give up something when cancelled: a place, an offer or a spot in the queue."""
        return (*self.holds_place, self.waitlisted)

    @property
    def occupied(self) -> tuple:
        """The statuses counted in the parent's places taken: held, offered, or already marked (and so the ones
        that take up the person's time, for overlaps)."""
        return (*self.holds_place, self.attended, self.no_show)

    @property
    def markable(self) -> tuple:
        """The statuses attendance can be recorded over (and changed back between)."""
        return (self.held, self.attended, self.no_show)

    @property
    def attendance(self) -> dict:
        """The attendance a coordinator's form may record, by the form's value."""
        return {"attended": self.attended, "no_show": self.no_show}

    def _parent_id(self, row) -> int:
        return getattr(row, self.parent_key)

    @property
    def parent_relation(self) -> str:
        return self.parent_key.removesuffix("_id")

    def _audit(self, event: str, parent_id: int, **details) -> None:
        audit(f"{self.noun}_{event}", **{self.parent_key: parent_id}, **details)

    def take(self, parent_id: int) -> bool:
        """Take one place if one is free (and the parent is not cancelled), in this transaction."""
        parent, counter = self.parent, getattr(self.parent, self.taken)
        return self._count(
            update(parent).where(parent.id == parent_id, counter < getattr(parent, self.capacity),
                                 parent.cancelled_at.is_(None))
            .values({self.taken: counter + 1}), parent_id)

    def resize(self, parent_id: int, capacity: int) -> bool:
        """Set a parent's number of places if the places taken still fit, in one conditional UPDATE: a
        booking that takes a place meanwhile either comes first (and the smaller number is refused) or waits."""
        parent = self.parent
        resized = db.session.execute(
            update(parent).where(parent.id == parent_id, getattr(parent, self.taken) <= capacity)
            .values({self.capacity: capacity}).execution_options(synchronize_session=False)).rowcount == 1
        loaded = db.session.identity_map.get(identity_key(parent, parent_id))
        if loaded is not None:
            if resized:
                set_committed_value(loaded, self.capacity, capacity)
            db.session.expire(loaded, [self.taken])
        return resized

    def differences(self) -> list[tuple[int, int, int]]:
        """Parents whose counter differs from their rows: (id, places taken, rows holding places). Attended
        rows of people who have since been erased count on as anonymous_attended."""
        model, parent = self.row, self.parent
        rows = (select(func.count()).where(getattr(model, self.parent_key) == parent.id,
                                           model.status.in_(self.occupied)).scalar_subquery())
        expected = rows + parent.anonymous_attended
        taken = getattr(parent, self.taken)
        return [tuple(row) for row in db.session.execute(
            select(parent.id, taken, expected).where(taken != expected).order_by(parent.id))]

    def repair(self, parent_id: int, expected: int) -> bool:
        """Set a counter to its rows; False when they are more than the parent's places (left as it is)."""
        parent = self.parent
        return db.session.execute(
            update(parent).where(parent.id == parent_id, getattr(parent, self.capacity) >= expected)
            .values({self.taken: expected}).execution_options(synchronize_session=False)).rowcount == 1

    def release(self, parent_id: int) -> None:
        parent, counter = self.parent, getattr(self.parent, self.taken)
        self._count(update(parent).where(parent.id == parent_id, counter > 0).values({self.taken: counter - 1}),
                    parent_id)

    def _count(self, statement, parent_id: int) -> bool:
        """Run a conditional UPDATE of a parent's counter; whether it matched. A parent this session has loaded
        gets the new count back from the UPDATE (RETURNING, where the database has it: SQLite 3.35 and later,
        PostgreSQL), or else loads it again when next read."""
        statement = statement.execution_options(synchronize_session=False)
        loaded = db.session.identity_map.get(identity_key(self.parent, parent_id))
        if not db.session.get_bind().dialect.update_returning:
            matched = db.session.execute(statement).rowcount == 1
            if matched and loaded is not None:
                db.session.expire(loaded, [self.taken])
            return matched
        count = db.session.execute(statement.returning(getattr(self.parent, self.taken))).scalar()
        if count is not None and loaded is not None:
            set_committed_value(loaded, self.taken, count)
        return count is not None

    def move(self, row, to, now: datetime, *, allowed: tuple, **values) -> None:
        """Change a row's status only if it still has one of the allowed statuses."""
        model = self.row
        moved = db.session.execute(
            update(model).where(model.id == row.id, model.status.in_(allowed))
            .values(status=to, updated_at=now, **values).execution_options(synchronize_session=False)).rowcount
        if moved != 1:
            raise Conflict()
        # The row now holds exactly these values: no need to load it again.
        for key, value in {"status": to, "updated_at": now, **values}.items():
            set_committed_value(row, key, value)

    def find(self, user_id: int, parent_id: int):
        model = self.row
        return db.session.scalar(
            select(model).where(getattr(model, self.parent_key) == parent_id, model.user_id == user_id))

    def current(self, user_id: int, parent_id: int, known=None):
        """The person's row: as the rules loaded it in this transaction (known, a Standing), or from the database."""
        return known.rows.get(parent_id) if known is not None else self.find(user_id, parent_id)

    def row_of(self, user_id: int, parent_id: int, known=None):
        row = self.current(user_id, parent_id, known)
        if row is None:
            raise Conflict()
        return row

    def claim(self, user_id: int, parent_id: int, to, now: datetime, row=LOOK_UP, **values):
        """The person's row for this parent in a new status: inserted, or reused if they had cancelled.

        row: the person's row (or None) if the caller has loaded it already in this transaction."""
        if row is LOOK_UP:
            row = self.find(user_id, parent_id)
        if row is None:
            row = self.row(user_id=user_id, status=to, created_at=now, updated_at=now,
                           **{self.parent_key: parent_id}, **values)
            db.session.add(row)
            db.session.flush()  # a double tap fails here on the unique constraint
        else:
            self.move(row, to, now, allowed=(self.cancelled,), **values)
        return row

    def hold(self, user, parent, now: datetime, known=None, **values):
        """Take a free place for the person, their row inserted or reused; Conflict when the last one has just
        gone. The caller audits it (each kind names it: booked, enrolled, added by a coordinator)."""
        row = self.claim(user.id, parent.id, self.held, now, self.current(user.id, parent.id, known),
                         waitlisted_at=None, offer_expires_at=None, **values)
        if not self.take(parent.id):
            raise Conflict()
        return row

    def queue(self, user, parent, now: datetime, known=None, **values):
        """Queue for a full parent; the queue's order is the time of joining."""
        row = self.claim(user.id, parent.id, self.waitlisted, now, self.current(user.id, parent.id, known),
                         waitlisted_at=now, offer_expires_at=None, **values)
        self._audit("waitlisted", parent.id, actor=user, subject=user)
        return row

    def confirm(self, user, parent, now: datetime, known=None):
        """Take the place held for the person (it is already theirs) while the offer lasts."""
        row = self.row_of(user.id, parent.id, known)
        self.confirm_offer(row, now)
        self._audit("offer_confirmed", parent.id, actor=user, subject=user)
        return row

    def cancel(self, user, row, now: datetime, refill, **details):
        """The person gives up a place, an offer or a spot in the queue; a freed place goes to the queue."""
        before = self.give_back(row, now, refill)
        self._audit("cancelled_by_person", self._parent_id(row), actor=user, subject=user, was=before.value,
                    **details)
        return before

    def release_all(self, user, now: datetime, refill) -> None:
        """Before an account is deleted (the caller has locked the person): give up what it holds on coming
        parents, audited as the person's own, and stop counting the places its rows held on parents that have
        started (attended ones stay counted: the erasure keeps them as anonymous_attended)."""
        for row in self.coming(user.id, now):
            for _attempt in range(3):  # the queue may offer a waiting row a place meanwhile: read it again
                try:
                    self.cancel(user, row, now, refill)
                    break
                except Conflict:
                    db.session.refresh(row)
                    if row.status not in self.cancellable:
                        break
        model, parent = self.row, self.parent
        past = db.session.scalars(
            select(model).join(parent, getattr(model, self.parent_key) == parent.id)
            .where(model.user_id == user.id, parent.starts_at <= now).with_for_update(of=model)
            .execution_options(populate_existing=True)).all()
        for row in past:
            if row.status in self.occupied and row.status is not self.attended:
                self.release(self._parent_id(row))

    def give_up(self, row, now: datetime, allowed: tuple | None = None, **values):
        """Cancel a row that holds a place, an offer or a queue spot (allowed: only from these statuses).
        Returns the status it had."""
        before = row.status
        self.move(row, self.cancelled, now, allowed=self.cancellable if allowed is None else allowed,
                  offer_expires_at=None, **values)
        return before

    def give_back(self, row, now: datetime, refill, **values):
        """Cancel a row; a place it held is released and refill(parent, now) offers it to the queue. The status
        it had.

        Only from the status this transaction read: had the queue just offered the row a place, cancelling it
        as still waiting would keep that place counted with nobody holding it (Conflict instead)."""
        read = row.status
        before = self.give_up(row, now, allowed=(read,) if read in self.cancellable else (), **values)
        if before in self.holds_place:
            self.release(self._parent_id(row))
            refill(getattr(row, self.parent_relation), now)
        return before

    def holders(self, parent_id: int) -> list:
        """Everyone with a place, an offer or a spot in the queue, with their person loaded."""
        model = self.row
        return list(db.session.scalars(
            select(model).options(joinedload(model.user))
            .where(getattr(model, self.parent_key) == parent_id, model.status.in_(self.cancellable))))

    def close(self, parent, by_id: int, now: datetime) -> list:
        """Cancel a parent that has not started and everyone's rows on it; the rows given up (to tell them)."""
        model = self.parent
        closed = db.session.execute(
            update(model).where(model.id == parent.id, model.cancelled_at.is_(None), model.starts_at > now)
            .values({"cancelled_at": now, "cancelled_by_id": by_id, self.taken: 0})
            .execution_options(synchronize_session=False)).rowcount
        if closed != 1:
            raise Conflict()
        db.session.expire(parent)
        affected = self.holders(parent.id)
        for row in affected:
            self.give_up(row, now)
        return affected

    def coming(self, user_id: int, now: datetime) -> list:
        """The person's rows that hold something on parents that have not started."""
        model, parent = self.row, self.parent
        return list(db.session.scalars(
            select(model).join(parent, getattr(model, self.parent_key) == parent.id)
            .where(model.user_id == user_id, model.status.in_(self.cancellable), parent.starts_at > now)
            .execution_options(populate_existing=True)))

    def mark(self, row, to, by, now: datetime):
        """Attendance once the parent has started; the status it had, or None if it already was that."""
        parent, before = getattr(row, self.parent_relation), row.status
        if parent.cancelled_at is not None or parent.starts_at > now or before not in self.markable:
            raise Conflict()
        if before is to:
            return None
        self.move(row, to, now, allowed=self.markable, decided_by_id=by.id)
        self._audit("attendance", parent.id, actor=by, subject=row.user, status=to.value)
        return before

    def confirm_offer(self, row, now: datetime) -> None:
        if row.offer_expires_at is None or row.offer_expires_at <= now:
            raise Conflict()
        self.move(row, self.held, now, allowed=(self.offered,), offer_expires_at=None)

    def offer_to_queue(self, parent, now: datetime, offer_made) -> int:
        """Hold free places for the people first in the queue; offer_made(row, deadline) tells each one.
        How many were offered."""
        model, offered = self.row, 0
        while True:
            first = db.session.scalar(
                select(model).options(joinedload(model.user))
                .where(getattr(model, self.parent_key) == parent.id, model.status == self.waitlisted)
                .order_by(model.waitlisted_at, model.id).limit(1))
            if first is None:
                return offered
            if not offered:  # someone is waiting: the parent as it stands now (nobody is, most of the time)
                db.session.refresh(parent)
                if parent.cancelled_at is not None or parent.starts_at <= now:
                    return 0
            if not self.take(parent.id):
                return offered
            deadline = min(now + OFFER_WINDOW, parent.starts_at)
            try:
                self.move(first, self.offered, now, allowed=(self.waitlisted,), offer_expires_at=deadline)
            except Conflict:  # they left the queue just now: give the place back and try the next
                self.release(parent.id)
                continue
            self._audit("offered", parent.id, subject=first.user)
            offer_made(first, deadline)
            offered += 1

    def lapse_offers(self, now: datetime, refill) -> int:
        """Cancel offers whose time has run out and free their places; refill(parent, now) passes each one on."""
        model = self.row
        rows = db.session.scalars(
            select(model).where(model.status == self.offered, model.offer_expires_at <= now)
            .order_by(model.offer_expires_at)).all()
        count = 0
        for row in rows:
            try:
                self.move(row, self.cancelled, now, allowed=(self.offered,), offer_expires_at=None)
            except Conflict:
                continue
            self.release(self._parent_id(row))
            self._audit("offer_expired", self._parent_id(row), subject=row.user)
            refill(db.session.get(self.parent, self._parent_id(row)), now)
            count += 1
        return count

    def _serializer(self) -> URLSafeSerializer:
        return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=self.salt)

    def offer_token(self, row) -> str:
        """The link to one offer: the row, when this offer was made and until when it lasts. It opens nothing once
        that time has run out, and confirms nothing but this offer (a later one on the same row has its own)."""
        return self._serializer().dumps([row.id, row.updated_at.isoformat(), row.offer_expires_at.isoformat()])

    def offer_link(self, token: str):
        """What a link names (an OfferLink), or None for a forged one or one of another kind."""
        try:
            row_id, made, until = self._serializer().loads(token)
            return OfferLink(row_id, datetime.fromisoformat(made), datetime.fromisoformat(until))
        except (BadSignature, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class OfferLink:
    """One offer on one row, as its e-mailed link names it."""

    row_id: int
    made: datetime  # the row's updated_at when the offer was made
    until: datetime

    def opens(self, row, now: datetime) -> bool:
        """The link still shows the row (its offer, or what became of it) while the offer's time lasts."""
        return row is not None and now < self.until

    def is_current(self, places: Places, row) -> bool:
        """The row still holds this very offer."""
        return (row.status is places.offered and row.updated_at == self.made
                and row.offer_expires_at == self.until)
