"""What every kind of place (a shift, a training session) shows and does on the web: its card, the POST that
books, queues, confirms or cancels, and the page an offer's e-mailed link opens. Each feature's routes are
thin calls into here with its Flow."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..i18n.locale import speak_as
from ..models import User
from ..rules.kinds import Decision, Kind, Standing, decide
from ..rules.places import Conflict, lock_person
from . import metrics
from .htmx import done, render
from .urls import safe_next


@dataclass
class Card:
    """One shift or session as a person sees it; its decision is worked out when first asked for (a plain
    form's answer is a redirect, and needs none)."""

    kind: Kind
    subject: object  # the shift or training session
    user: User
    known: Standing
    now: datetime
    refused: bool = False
    confirming: str = ""  # the action ("cancel", "hand_over") it asks to confirm, with the button that does it
    notice: str = ""  # why a change was refused, when the kind knows better than "that could not be done"
    leads: tuple = ()  # the next training sessions that give a qualification the person lacks for it

    @cached_property
    def decision(self) -> Decision:
        return decide(self.kind, self.user, self.subject, self.now, self.known)

    @property
    def row(self):
        """The person's booking or enrolment, if they have one."""
        return self.known.rows.get(self.subject.id)

    @property
    def state(self):
        return self.decision.state

    @property
    def explanation(self) -> str:
        return self.decision.reason

    @property
    def booked(self) -> bool:
        """The person holds a place (the calendar link and the details go with it)."""
        return self.state is self.kind.held

    def allows(self, action: str) -> bool:
        return self.decision.allows(action)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return [(action, self.kind.button_label(action, self.row)) for action in self.decision.actions]

    @property
    def offer_buttons(self) -> list[tuple[str, str]]:
        """What an offer's page may do: take the place (confirm it, or move to it); giving it on is the list's."""
        return [(action, label) for action, label in self.buttons if action not in self.kind.held_actions]


def cards_for(kind: Kind, user: User, subjects: list, known: Standing | None = None) -> list[Card]:
    now = clock.now()
    known = known or kind.standing(user, subjects, now)
    return [Card(kind, subject, user, known, now) for subject in subjects]


@dataclass(frozen=True)
class Flow:
    """What one kind's pages add: how to load one, its services by action, its templates and messages."""

    kind: Kind
    load: Callable[[int], object]  # the shift or session with what its card shows, or None
    actions: dict[str, Callable]  # (user, subject, now, known) -> the person's row as it now is
    lapse: Callable[[datetime], int]  # pass lapsed offers on
    partial: str  # the card alone
    refused: str
    offer_page: str
    back_to: str  # the list's endpoint
    anchor: str  # the card's id prefix
    done: dict  # the message after each action
    confirm_page: str = "places/confirm_cancel.html"  # giving up a held place, asked first


def pass_on_lapsed_offers(flow: Flow) -> None:
    """Offers whose time has run out go on to the next person before anyone acts on a place or an offer.

    Not on every look at a list (shifts): that would cost each page view a query. Cron passes them on
    meanwhile (flask process-waitlists), and the rules never treat a lapsed offer as live."""
    if flow.lapse(clock.now()):
        db.session.commit()


def act(flow: Flow, subject_id: int, action: str, refusal: Callable[[User, object], str | None] | None = None):
    """Book or enrol, join the waitlist, confirm an offer, cancel or hand over: accepted only if the decision
    allows it. refusal(person, subject): what a refused card says instead of "that could not be done", or None."""
    pass_on_lapsed_offers(flow)
    subject = flow.load(subject_id) or abort(404)
    now, kind = clock.now(), flow.kind
    if not lock_person(current_user.id):  # the account has just been deleted
        return _refused(flow, subject)
    known = kind.standing(current_user, [subject], now)
    if decide(kind, current_user, subject, now, known).allows(action):
        answer = _apply(flow, action, current_user, subject, now, known, _back(flow, subject_id))
        if answer is not None:
            return answer
    return _refused(flow, subject, refusal(current_user, subject) if refusal else None)


def confirm_cancel(flow: Flow, subject_id: int, action: str = "cancel", page: str | None = None,
                   refusal: Callable[[User, object], str | None] | None = None):
    """Before a held place is given up (cancelled, or handed over): the card asks to confirm, in place with htmx
    or as a page without. The POST it leads to is the usual action; a card that no longer holds a place is shown
    as refused."""
    subject = flow.load(subject_id) or abort(404)
    card, = cards_for(flow.kind, current_user, [subject])
    back = _back(flow, subject_id, request.args.get("next"))
    if not card.booked or not card.allows(action):
        card.refused = True
        card.notice = (refusal(current_user, subject) if refusal else None) or ""
        return render(flow.refused, flow.partial, status=409, card=card, card_partial=flow.partial, back=back)
    card.confirming = action
    return render(page or flow.confirm_page, flow.partial, card=card, card_partial=flow.partial, back=back,
                  next_page=back.split("#")[0])


def take_from_link(flow: Flow, user: User, subject_id: int, location: str,
                   also: Callable[[datetime], None] | None = None):
    """Book or enrol the person an e-mailed link names (a call-out's), through the same gates and the same path as
    the button on the list; also(now) records it in the same transaction. The answer, or None when the decision
    does not allow it or the last place has just gone."""
    pass_on_lapsed_offers(flow)
    subject = flow.load(subject_id) or abort(404)
    now, kind = clock.now(), flow.kind
    if not lock_person(user.id):
        return None
    known = kind.standing(user, [subject], now)
    if not decide(kind, user, subject, now, known).allows(kind.take):
        return None
    return _apply(flow, kind.take, user, subject, now, known, location, also)


def _apply(flow: Flow, action: str, user: User, subject, now: datetime, known: Standing, location: str,
           also: Callable[[datetime], None] | None = None):
    """Run an allowed action (and also(now), if given) and commit it; the answer, or None when it lost a race
    (rolled back)."""
    held = flow.kind.places.held
    before = known.rows.get(subject.id)
    held_before = before is not None and before.status is held
    try:
        row = known.rows[subject.id] = flow.actions[action](user, subject, now, known)
        held_after = row.status is held
        if also is not None:
            also(now)
        # Made before the commit, from what this transaction knows (the person's language, too): after it, all
        # of it would load again. Of what the standing knew, only this row and the places have changed.
        answer = done(flow.partial, flow.done[action], location, card=Card(flow.kind, subject, user, known, now))
        db.session.commit()
        metrics.place_changed(flow.kind.places.noun, held_before, held_after)
        return answer()
    except (Conflict, IntegrityError):
        db.session.rollback()
        return None


def _back(flow: Flow, subject_id: int, wanted: str | None = None) -> str:
    target = safe_next(wanted or request.form.get("next"), url_for(flow.back_to))
    return f"{target.split('#')[0]}#{flow.anchor}-{subject_id}"  # the id: the commit expires the subject


def _refused(flow: Flow, subject, notice: str | None = None):
    """The card again, with where the person now stands: 409, never a 500."""
    db.session.refresh(subject)
    card, = cards_for(flow.kind, current_user, [subject])
    card.refused, card.notice = True, notice or ""
    return render(flow.refused, flow.partial, status=409, card=card, card_partial=flow.partial,
                  back=_back(flow, subject.id))


def offer(flow: Flow, token: str):
    """The e-mailed link: a page with a button that takes the held place (scanners only GET); the place is
    taken only through the same gates as booking, and only for the offer the link was made for. The button is
    confirm, or another way to take it that the gates allow (move here from another session)."""
    places, kind = flow.kind.places, flow.kind
    link = places.offer_link(token) or abort(404)
    pass_on_lapsed_offers(flow)
    row, now = db.session.get(places.row, link.row_id, populate_existing=True), clock.now()
    # The page is the person's the offer was e-mailed to: in their language, whoever opens it.
    speak_as(row.user.locale if row is not None else None)
    if not link.opens(row, now):
        return render_template("places/offer_ended.html", until=link.until), 409 if request.method == "POST" else 410
    subject, user, status = getattr(row, places.parent_relation), row.user, 200
    if request.method == "POST":
        action = request.form.get("action", "confirm")
        if action != "cancel" and lock_person(user.id):
            db.session.refresh(row)
            known = kind.standing(user, [subject], now)
            if link.is_current(places, row) and decide(kind, user, subject, now, known).allows(action):
                answer = _apply(flow, action, user, subject, now, known, url_for(kind.offer_endpoint, token=token))
                if answer is not None:
                    return answer
        status = 409
    card, = cards_for(kind, user, [subject])
    return render_template(flow.offer_page, card=card, token=token, anchor=flow.anchor,
                           current=link.is_current(places, row)), status


def record_attendance(attendance: dict, mark: Callable, row) -> int:
    """Record the attendance a coordinator's form names for one person (404 for any other value): 200, or 409
    when the person or their shift or session no longer allows it."""
    to = attendance.get(request.form.get("status", "")) or abort(404)
    try:
        mark(row, to, current_user, clock.now())
        db.session.commit()
        return 200
    except Conflict:
        db.session.rollback()
        return 409
