"""Shifts for volunteers: open shifts to book, the waitlist's offers, my shifts and calendar files."""
import secrets
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock
from ..audit import audit
from ..extensions import db
from ..hours import totals
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..models import Booking, BookingStatus, Shift, User
from ..rules import shifts as rules
from ..rules.shifts import BookingState
from ..web.access import require_signed_in
from ..web.forms import page_number
from ..web.htmx import is_htmx, redirect_to, render
from ..web.urls import safe_next
from . import bookings, calendar
from .queries import ShiftFilterForm, ShiftPage, filter_choices, open_shifts, shift_query

bp = Blueprint("shifts", __name__)

PER_PAGE = 30
DONE = {
    "book": _l("You are booked. A confirmation with a calendar file is on its way to your e-mail."),
    "waitlist": _l("You are on the waitlist. We will e-mail you if a place frees up."),
    "confirm": _l("The place is yours. Thank you!"),
    "cancel": _l("Done. The place is free for someone else."),
}
PUBLIC_ENDPOINTS = ("shifts.offer", "shifts.feed")
# How far back a calendar feed reaches.
FEED_HISTORY = timedelta(days=31)


@bp.before_request
def guard():
    """Signed-in people; an offer's link and a calendar feed carry their own secret."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return require_signed_in()


@dataclass
class Card:
    """One shift as a person sees it: the state decides the explanation and the buttons."""

    shift: Shift
    state: BookingState
    booking: Booking | None
    explanation: str
    refused: bool = False

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return [(action, rules.booking_button_label(self.state, action)) for action in self.state.actions]

    @property
    def booked(self) -> bool:
        """The person holds a place: the card offers the calendar file."""
        return self.state is rules.BookingState.BOOKED


def cards_for(user: User, shifts: list[Shift], known: rules.ShiftStanding | None = None) -> list[Card]:
    now = clock.now()
    known = known or rules.shift_standing(user, shifts, now)
    cards = []
    for shift in shifts:
        state = rules.booking_state(user, shift, now, known)
        booking = known.bookings.get(shift.id)
        cards.append(Card(shift, state, booking, rules.booking_explanation(state, shift, booking, known, now)))
    return cards


def by_day(cards: list[Card]) -> list[tuple[object, list[Card]]]:
    """Cards grouped by the Stockholm day their shift starts on."""
    return [(day, list(group)) for day, group in
            groupby(cards, key=lambda card: clock.local_day(card.shift.starts_at))]


def process_lapsed_offers() -> None:
    """Offers whose time has run out go on to the next person before anyone acts on a shift or an offer.

    Not on every look at the lists: that would cost each page view a query. Cron passes them on meanwhile
    (flask process-waitlists, flask send-reminders), and the rules never treat a lapsed offer as live."""
    if bookings.process_expired_offers(clock.now()):
        db.session.commit()


@bp.get("/shifts")
def page():
    sites, tasks = filter_choices()
    form = ShiftFilterForm(sites, tasks, request.args)
    filters = form.filters()
    found = ShiftPage(select=open_shifts(current_user, filters, clock.now()), page=page_number(), per_page=PER_PAGE,
                      max_per_page=None, error_out=False)
    cards = cards_for(current_user, found.items)
    query_args = {key: value for key, value in request.args.items() if key != "page"}
    return render("shifts/page.html", "shifts/_results.html", form=form, days=by_day(cards), results=found,
                  query_args=query_args, next_page=request.full_path.rstrip("?"))


@bp.post("/shifts/<int:shift_id>/<any(book, waitlist, confirm, cancel):action>")
def act(shift_id: int, action: str):
    """Book, join the waitlist, confirm an offer or cancel: accepted only if the state allows it."""
    process_lapsed_offers()
    shift = db.session.scalars(shift_query(joinedload).where(Shift.id == shift_id)).unique().first() or abort(404)
    now = clock.now()
    known = rules.shift_standing(current_user, [shift], now)
    if rules.booking_state(current_user, shift, now, known).allows(action):
        try:
            known.bookings[shift.id] = bookings.ACTIONS[action](current_user, shift, now, known)
            # Made before the commit, from what this transaction knows (the person's language, too): after it,
            # all of it would load again.
            done = _fragment(shift, known) if is_htmx() else str(DONE[action])
            db.session.commit()
            return _done(shift_id, done)
        except (bookings.Conflict, IntegrityError):
            db.session.rollback()
    return _refused(shift)


def _back(shift_id: int) -> str:
    target = safe_next(request.form.get("next"), url_for("shifts.page"))
    return f"{target.split('#')[0]}#shift-{shift_id}"


def _card(shift: Shift) -> Card:
    db.session.refresh(shift)
    card, = cards_for(current_user, [shift])
    return card


def _fragment(shift: Shift, known: rules.ShiftStanding):
    """The card after an action, for htmx: of what the standing knew, only this shift's booking and places have
    changed (the shifts that could overlap it are the same)."""
    card, = cards_for(current_user, [shift], known)
    return render("shifts/page.html", "shifts/_shift.html", card=card)


def _done(shift_id: int, done: Response | str):
    """The card for htmx; without it, the message (shown once the change is committed) and back to the page."""
    if isinstance(done, Response):
        return done
    flash(done, "success")
    return redirect_to(_back(shift_id))  # the id, not the shift: the commit has expired it


def _refused(shift: Shift):
    """The card again, with where the person now stands: 409, never a 500."""
    card = _card(shift)
    card.refused = True
    return render("shifts/refused.html", "shifts/_shift.html", status=409, card=card, back=_back(shift.id))


@bp.get("/shifts/mine")
def mine():
    now = clock.now()
    rows = db.session.scalars(
        shift_query(joinedload).join(Booking).where(Booking.user_id == current_user.id)
        .order_by(Shift.starts_at)).unique().all()
    cards = cards_for(current_user, rows)
    coming = [card for card in cards if card.shift.ends_at > now and card.booking.status in bookings.HOLDING]
    past = [card for card in reversed(cards) if card.shift.ends_at <= now
            and card.booking.status in (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)]
    hours = totals.as_hours(sum(totals.worked(card.shift) for card in past
                                if card.booking.status is BookingStatus.ATTENDED))
    return render_template("shifts/mine.html", coming=by_day(coming), past=past, hours=hours,
                           feed_url=calendar.feed_url(current_user), next_page=url_for("shifts.mine"))


@bp.get("/shifts/<int:shift_id>/calendar.ics")
def ics(shift_id: int):
    """One booked shift as a calendar file."""
    booking = db.session.scalar(
        select(Booking).where(Booking.shift_id == shift_id, Booking.user_id == current_user.id,
                              Booking.status.in_((BookingStatus.BOOKED, BookingStatus.ATTENDED))))
    if booking is None:
        abort(404)
    return _calendar_response(calendar.single(booking.shift), f"shift-{shift_id}.ics")


def _calendar_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The private calendar feed -----------------------------------------------------------------------------------


@bp.post("/shifts/calendar-feed")
def new_feed():
    """Make (or replace) the secret address of the person's calendar feed; an old address stops working."""
    current_user.calendar_token = secrets.token_urlsafe(32)
    audit("calendar_feed_created", actor=current_user, subject=current_user)
    db.session.commit()
    flash(_("Your calendar address is ready. Add it to your calendar app as a subscription."), "success")
    return redirect_to(safe_next(request.form.get("next"), url_for("shifts.mine")) + "#calendar-feed")


@bp.post("/shifts/calendar-feed/revoke")
def revoke_feed():
    current_user.calendar_token = None
    audit("calendar_feed_revoked", actor=current_user, subject=current_user)
    db.session.commit()
    flash(_("The calendar address no longer works."), "success")
    return redirect_to(safe_next(request.form.get("next"), url_for("shifts.mine")) + "#calendar-feed")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The person's booked shifts from the last month on, for a calendar app to subscribe to."""
    user = db.session.scalar(select(User).where(User.calendar_token == token)) if len(token) <= 64 else None
    if user is None:
        abort(404)
    since = clock.now() - FEED_HISTORY
    shifts = db.session.scalars(
        shift_query().join(Booking).where(
            Booking.user_id == user.id, Shift.starts_at >= since,
            Booking.status.in_((BookingStatus.BOOKED, BookingStatus.ATTENDED)))
        .order_by(Shift.starts_at)).all()
    with force_locale(user.locale):
        data = calendar.feed(_("My shifts"), shifts)
    return _calendar_response(data, "shifts.ics")


# The waitlist's offer ----------------------------------------------------------------------------------------


@bp.route("/shifts/offers/<token>", methods=["GET", "POST"])
def offer(token: str):
    """The e-mailed link: a page with one button that takes the held place (scanners only GET)."""
    booking = bookings.booking_for_token(token) or abort(404)
    process_lapsed_offers()
    db.session.refresh(booking)
    shift, user, now = booking.shift, booking.user, clock.now()
    state = rules.booking_state(user, shift, now)
    status = 200
    if request.method == "POST":
        if state.allows("confirm"):
            try:
                bookings.confirm_offer(user, shift, now)
                db.session.commit()
                flash(str(DONE["confirm"]), "success")
                return redirect(url_for("shifts.offer", token=token), code=303)
            except bookings.Conflict:
                db.session.rollback()
        status = 409
    card, = cards_for(user, [shift])
    return render_template("shifts/offer.html", card=card, token=token), status
