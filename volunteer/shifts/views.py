"""Shifts for volunteers: open shifts to book, the waitlist's offers, my shifts and calendar files."""
import secrets
from datetime import timedelta
from itertools import groupby

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..audit import audit
from ..extensions import db
from ..hours import totals
from ..trainings import leads
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.locale import speak_as
from ..models import Booking, BookingStatus, Shift, User
from ..rules import shifts as rules
from ..web import places
from ..web.access import require_signed_in
from ..web.forms import page_number
from ..web.htmx import redirect_to, render
from ..web.urls import safe_next
from . import bookings, calendar, callouts, handovers
from .queries import ShiftFilterForm, ShiftPage, filter_choices, open_shifts, shift_query

bp = Blueprint("shifts", __name__)

PER_PAGE = 30
DONE = {
    "book": _l("You are booked. A confirmation with a calendar file is on its way to your e-mail."),
    "waitlist": _l("You are on the waitlist. We will e-mail you if a place frees up."),
    "confirm": _l("The place is yours. Thank you!"),
    "cancel": _l("Done. The place is free for someone else."),
    "hand_over": _l("Your place is handed over. My shifts shows whether someone has taken it."),
}
PUBLIC_ENDPOINTS = ("shifts.offer", "shifts.feed", "shifts.call_out")
# How far back a calendar feed reaches.
FEED_HISTORY = timedelta(days=31)


@bp.before_request
def guard():
    """Signed-in people; an offer's link and a calendar feed carry their own secret."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return require_signed_in()


def shift_by_id(shift_id: int) -> Shift | None:
    return db.session.scalars(shift_query(joinedload).where(Shift.id == shift_id)).unique().first()

    @property
    def booked(self) -> bool:
        """The person holds a place: the card offers the calendar file."""
        return self.state is rules.BookingState.BOOKED


FLOW = places.Flow(kind=rules.SHIFTS, load=shift_by_id, actions={**bookings.ACTIONS, "hand_over": handovers.hand_over},
                   lapse=bookings.process_expired_offers, partial="shifts/_shift.html", refused="shifts/refused.html",
                   offer_page="shifts/offer.html", back_to="shifts.page", anchor="shift", done=DONE)


def cards_for(user: User, shifts: list[Shift]) -> list[places.Card]:
    return places.cards_for(rules.SHIFTS, user, shifts)


def by_day(cards: list[places.Card]) -> list[tuple[object, list[places.Card]]]:
    """Cards grouped by the Stockholm day their shift starts on."""
    return [(day, list(group)) for day, group in
            groupby(cards, key=lambda card: clock.local_day(card.subject.starts_at))]


@bp.get("/shifts")
def page():
    sites, tasks = filter_choices()
    form = ShiftFilterForm(sites, tasks, request.args)
    filters = form.filters()
    found = ShiftPage(select=open_shifts(current_user, filters, clock.now()), page=page_number(), per_page=PER_PAGE,
                      max_per_page=None, error_out=False)
    cards = cards_for(current_user, found.items)
    leads.lead_to_trainings(cards, clock.now())
    query_args = {key: value for key, value in request.args.items() if key != "page"}
    return render("shifts/page.html", "shifts/_results.html", form=form, days=by_day(cards), results=found,
                  query_args=query_args, next_page=request.full_path.rstrip("?"))


@bp.post("/shifts/<int:shift_id>/<any(book, waitlist, confirm, cancel, hand_over):action>")
def act(shift_id: int, action: str):
    """Book, join the waitlist, confirm an offer, cancel or hand over: accepted only if the decision allows it."""
    return places.act(FLOW, shift_id, action, refusal=handovers.refusal if action == "hand_over" else None)


@bp.get("/shifts/<int:shift_id>/cancel")
def confirm_cancel(shift_id: int):
    """Cancel my booking? Asked before the POST that cancels."""
    return places.confirm_cancel(FLOW, shift_id)


@bp.get("/shifts/<int:shift_id>/hand-over")
def confirm_hand_over(shift_id: int):
    """Hand my place over? Asked before the POST that hands it over."""
    return places.confirm_cancel(FLOW, shift_id, "hand_over", page="shifts/confirm_hand_over.html",
                                 refusal=handovers.refusal)


@bp.get("/shifts/mine")
def mine():
    now = clock.now()
    rows = db.session.scalars(
        shift_query(joinedload).join(Booking).where(Booking.user_id == current_user.id)
        .order_by(Shift.starts_at)).unique().all()
    cards = cards_for(current_user, rows)
    coming = [card for card in cards if card.subject.ends_at > now and card.row.status in rules.PLACES.cancellable]
    # Only given-up places on shifts not started can be hand-overs: no query for them when there are none.
    handed = [card for card in cards if card.subject.starts_at > now and card.row.status is BookingStatus.CANCELLED
              and card.subject.cancelled_at is None]
    progress = handovers.latest([card.row for card in handed])
    past = [card for card in reversed(cards) if card.subject.ends_at <= now
            and card.row.status in rules.PLACES.markable]
    hours = totals.as_hours(sum(totals.booking_minutes(card.row) for card in past
                                if card.row.status is BookingStatus.ATTENDED))
    handed_over = [(card.subject, progress[card.subject.id]) for card in handed if card.subject.id in progress]
    return render_template("shifts/mine.html", coming=by_day(coming), past=past, hours=hours, handed_over=handed_over,
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


@bp.route("/shifts/offers/<token>", methods=["GET", "POST"])
def offer(token: str):
    """The e-mailed link: a page with one button that takes the held place (scanners only GET)."""
    return places.offer(FLOW, token)


@bp.route("/shifts/call-outs/<token>", methods=["GET", "POST"])
def call_out(token: str):
    """A call-out's e-mailed link: the shift's card for the person asked; only its button books (scanners GET)."""
    asked = callouts.asked_by(token) or abort(404)
    speak_as(asked.user.locale)  # the person's page, whoever opens it
    shift_id, status = asked.call_out.shift_id, 200
    if request.method == "POST":
        answer = places.take_from_link(FLOW, asked.user, shift_id, url_for(".call_out", token=token),
                                       also=lambda now: callouts.booked(asked, now))
        if answer is not None:
            return answer
        status = 409
    else:
        callouts.opened(asked, clock.now())
        db.session.commit()
    card, = cards_for(asked.user, [shift_by_id(shift_id)])
    filled = not card.booked and not card.allows(rules.SHIFTS.take) and card.subject.places_left == 0
    return render_template("shifts/call_out.html", card=card, token=token, filled=filled), status
