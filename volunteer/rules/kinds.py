"""The one rule for anything with a limited number of places (a shift, a training session): may this person
take a place on it, and if not, why.

One ladder for every kind: closed -> holding a place -> waitlisted -> the kind's gates -> offered -> full ->
open. A kind declares only what differs: its verb and labels, its endpoints, its gates and its status sets
(on its Places). Each gate answers with its state and its reason together, so nothing explains a state by
working it out again. A freed place offered to someone is confirmed only through the same gates as booking."""
import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from .. import clock
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import when
from ..models import PersonQualification, User
from .places import Places
from .qualifications import best_held


@dataclass(frozen=True)
class Decision:
    """Where a person stands with one shift or session: the state, the reason they read, what a POST may do
    (the first action is the main button)."""

    state: enum.Enum
    reason: str
    actions: tuple[str, ...] = ()
    lacks: int | None = None  # the qualification the person needs first, to lead them to a training for it

    def allows(self, action: str) -> bool:
        return action in self.actions


@dataclass
class Standing:
    """What the rules need to know about one person, loaded once for a whole list of shifts or sessions."""

    rows: dict[int, object] = field(default_factory=dict)  # the person's booking or enrolment, by parent id
    qualifications: list[PersonQualification] = field(default_factory=list)
    # What else the person holds a place on, to find overlaps (shifts only).
    busy: list = field(default_factory=list)
    # The last day the person's newest criminal-record extract is valid.
    record_check_until: date | None = None
    # The person's rows holding a place, an offer or a queue spot on coming sessions of the trainings (trainings
    # only), to hold one session of a training at a time.
    elsewhere: list = field(default_factory=list)

    def holds(self, qualification_id: int | None, moment: datetime) -> PersonQualification | None:
        return best_held(self.qualifications, qualification_id, moment)

    def record_check_valid(self, moment: datetime) -> bool:
        return self.record_check_until is not None and moment < record_check_lapses(self.record_check_until)

    def clash(self, parent):
        """Another shift or session the person holds a place on at the same time."""
        return next((other for other in self.busy if other.id != parent.id
                     and other.starts_at < parent.ends_at and parent.starts_at < other.ends_at), None)


def record_check_lapses(valid_until: date) -> datetime:
    """The first moment an extract valid until a day no longer counts: the end of that day in Stockholm."""
    return clock.day_bounds(valid_until)[1]


# A gate: None to let the person through, or the Decision (state and reason) that stops them.
Gate = Callable[[User, object, datetime, Standing], Decision | None]

ACTION_LABELS = {"waitlist": _l("Join the waitlist"), "confirm": _l("Confirm my place")}


@dataclass(frozen=True)
class Kind:
    """What one kind of place adds to the ladder."""

    places: Places  # its columns and named status sets
    states: type  # its state enum: OPEN, WAITLIST, WAITLISTED, OFFERED, CLOSED and its own
    held: enum.Enum  # the state of a person with a place
    take: str  # the action that takes a free place
    take_label: object
    cancel_label: object  # giving up a place held
    act_endpoint: str
    offer_endpoint: str
    standing: Callable[[User, list, datetime], Standing]
    gates: tuple[Gate, ...]
    cancelled: object  # reasons: the parent cancelled, started, a free place
    started: object
    open: object
    held_reason: Callable[[object, datetime], str]
    full: Callable[[object, datetime], Decision]  # no place free: the waitlist, or why not
    labels: dict = field(default_factory=dict)  # the buttons of actions only this kind's gates allow
    held_actions: tuple[str, ...] = ("cancel",)  # what a person with a place may do: give it up (or hand it over)

    def button_label(self, action: str, row) -> str:
        if action == self.take:
            return str(self.take_label)
        if action in self.labels:
            return str(self.labels[action])
        if action != "cancel":
            return str(ACTION_LABELS[action])
        if row.status is self.places.offered:
            return _("No thanks, give the place on")
        return _("Leave the waitlist") if row.status is self.places.waitlisted else str(self.cancel_label)


def live_offer(places: Places, row, now: datetime) -> bool:
    """A place held for the person that they may still take (a lapsed offer is never live)."""
    return (row is not None and row.status is places.offered
            and row.offer_expires_at is not None and row.offer_expires_at > now)


def room_for(places: Places, parent, row, now: datetime) -> bool:
    """A place the person could take now: a free one, or one held for them."""
    return live_offer(places, row, now) or getattr(parent, places.taken) < getattr(parent, places.capacity)


def decide(kind: Kind, user: User, parent, now: datetime, known: Standing | None = None) -> Decision:
    """The one answer to "may this person take a place on this, and if not, why"."""
    known = known or kind.standing(user, [parent], now)
    places, states = kind.places, kind.states
    row = known.rows.get(parent.id)
    if parent.cancelled_at is not None:
        return Decision(states.CLOSED, str(kind.cancelled))
    if parent.starts_at <= now:
        return Decision(states.CLOSED, str(kind.started))
    status = row.status if row is not None else None
    if status is places.held:
        return Decision(kind.held, kind.held_reason(parent, now), kind.held_actions)
    if status is places.waitlisted:
        return Decision(states.WAITLISTED, _("You are on the waitlist. We will e-mail you if a place frees up."),
                        ("cancel",))
    offered = live_offer(places, row, now)
    for gate in kind.gates:
        stopped = gate(user, parent, now, known)
        if stopped is not None:  # an offer that cannot be confirmed can still be given on
            return replace(stopped, actions=stopped.actions + (("cancel",) if offered else ()))
    if offered:
        return Decision(states.OFFERED,
                        _("A place has freed up and is held for you until %(deadline)s. Confirm to take it.",
                          deadline=when(row.offer_expires_at)), ("confirm", "cancel"))
    if not room_for(places, parent, row, now):  # no offer here (that returned above): is a place free?
        full = kind.full(parent, now)
        return Decision(full.state, full.reason, ("waitlist",) if full.state is states.WAITLIST else ())
    return Decision(states.OPEN, str(kind.open), (kind.take,))
