"""Coordinators' rosters: who is coming to a shift, adding and removing people by hand, attendance, a printable
roster, a site's day and the needs of the coming two weeks."""
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import clock, mail
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..models import Booking, Shift, User
from ..web import places
from ..web.access import contact_visible, require_coordinator, shift_in_scope, site_in_scope
from ..web.forms import EARLIEST, LATEST, ConfirmForm, page_number
from ..web.htmx import done, render
from ..web.urls import id_arg
from . import bookings, callouts, staffing
from .forms import AddPersonForm, NeedsFilterForm, PersonSearchForm

bp = Blueprint("rosters", __name__, url_prefix="/coordinator")
bp.before_request(require_coordinator)

PERSON = "shifts/rosters/_person.html"


def _booking(shift: Shift, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.shift_id != shift.id:
        abort(404)
    return booking


def _roster_context(shift: Shift, q: str = "") -> dict:
    """What the roster page and its parts show: the people, whom the coordinator may open, the search."""
    roster, = staffing.rosters([shift])
    people = roster.coming + roster.waitlist
    found = staffing.candidates(current_user, q) if q else []
    now = clock.now()
    return {"roster": roster, "shift": shift, "day": clock.local_day(shift.starts_at), "found": found, "q": q,
            "max_candidates": staffing.MAX_CANDIDATES, "started": shift.starts_at <= now,
            "markable": bookings.PLACES.markable, "marks": tuple(bookings.ATTENDANCE.values()),
            "open_for_adding": shift.cancelled_at is None and shift.ends_at > now,
            "visible": staffing.visible_people(current_user, [b.user_id for b in people]),
            "contact": contact_visible(current_user, [person.id for person in found]),
            "told": mail.told_about(f"shift:{shift.id}"), "asked": callouts.asked_for(shift),
            "gap": callouts.refusal(shift, now) is None}


@bp.get("/shifts/<int:shift_id>/roster")
def shift(shift_id: int):
    """The shift's facts and who is coming, with phones and languages; a search to add someone."""
    shift = shift_in_scope(shift_id)
    search = PersonSearchForm(request.args)
    q = search.q.data if search.validate() else ""
    return render("shifts/rosters/shift.html", "shifts/rosters/_candidates.html", search=search, **_roster_context(shift, q))


def _roster_page(shift: Shift, status: int, message: str, q: str = ""):
    """The roster again after a refused change, with where things now stand and why."""
    search = PersonSearchForm(formdata=None, q=q)
    return render_template("shifts/rosters/shift.html", search=search, message=message,
                           **_roster_context(shift, q)), status


@bp.post("/shifts/<int:shift_id>/roster/add")
def add(shift_id: int):
    """Book an approved volunteer by hand; they are e-mailed. Places are never exceeded, and a rule of the shift
    the person does not meet is shown first and overridden only with a reason."""
    shift = shift_in_scope(shift_id)
    form = AddPersonForm()
    q = (form.q.data or "")[:120]
    form.validate()
    person = None if form.person_id.errors else staffing.candidate(current_user, form.person_id.data)
    if person is None:
        return _roster_page(shift, 422, _("Choose a volunteer from the search results."), q)
    reason = "" if form.override_reason.errors else form.override_reason.data or ""
    try:
        bookings.add_by_hand(person, shift, current_user, clock.now(), form.overridden(), reason)
        db.session.commit()
    except bookings.RulesNotMet as refused:
        db.session.rollback()
        return _override_page(shift, person, form, refused.unmet, q)
    except (bookings.Conflict, IntegrityError):
        db.session.rollback()
        return _roster_page(shift, 409, _not_added(person, shift), q)
    flash(_("%(name)s is booked on the shift; an e-mail telling them is on its way.", name=person.full_name), "success")
    return redirect(url_for(".shift", shift_id=shift.id), code=303)


def _override_page(shift: Shift, person: User, form: AddPersonForm, unmet: list, q: str):
    """The rules the person does not meet and a form to book them anyway: 409 at first, 422 without a reason."""
    shown = {decision.state.value for decision in unmet} <= form.overridden()
    if shown and not form.override_reason.errors:
        form.override_reason.errors.append(_("Write why you book them anyway."))
    form.overrides.data = " ".join(decision.state.value for decision in unmet)
    return render_template("shifts/rosters/shift.html", search=PersonSearchForm(formdata=None, q=q),
                           override={"person": person, "unmet": unmet, "form": form},
                           **_roster_context(shift, q)), 422 if shown else 409


def _not_added(person: User, shift: Shift) -> str:
    """Why a booking by hand was refused, read from the state after the rollback."""
    name = person.full_name
    if shift.cancelled_at is not None:
        return _("The shift is cancelled, so nobody can be added.")
    if shift.ends_at <= clock.now():
        return _("The shift is over, so nobody can be added.")
    booking = bookings.find(person, shift)
    if booking is not None and booking.status in staffing.COMING:
        return _("%(name)s is already on this shift.", name=name)
    return _("The shift is full, so %(name)s was not added. Remove someone or give the shift more places first.",
             name=name)


@bp.route("/shifts/<int:shift_id>/roster/<int:booking_id>/remove", methods=["GET", "POST"])
def remove(shift_id: int, booking_id: int):
    """Take someone off a shift that has not started, after a confirmation; the waitlist moves up."""
    shift = shift_in_scope(shift_id)
    booking = _booking(shift, booking_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("shifts/rosters/remove.html", form=form, shift=shift, booking=booking)
    name = booking.user.full_name
    try:
        bookings.remove_by_hand(booking, current_user, clock.now())
        db.session.commit()
    except bookings.Conflict:
        db.session.rollback()
        return _roster_page(shift, 409, _("%(name)s could not be removed: the shift has started, or they are no "
                                          "longer on it.", name=name))
    flash(_("%(name)s is removed from the shift; an e-mail telling them is on its way.", name=name), "success")
    return redirect(url_for(".shift", shift_id=shift.id), code=303)


@bp.post("/shifts/<int:shift_id>/roster/<int:booking_id>/attendance")
def attendance(shift_id: int, booking_id: int):
    """Mark one person attended (the shift's hours count) or no-show, once the shift has started."""
    shift = shift_in_scope(shift_id)
    booking = _booking(shift, booking_id)
    if places.record_attendance(bookings.ATTENDANCE, bookings.mark_attendance, booking) == 409:
        return render("shifts/rosters/shift.html", PERSON, status=409, **_person_context(shift, booking))
    return done(PERSON, None, url_for(".shift", shift_id=shift.id, _anchor=f"booking-{booking.id}"),
                partial_context=lambda: _person_context(shift, booking))()


def _person_context(shift: Shift, booking: Booking) -> dict:
    """The roster with one person's row as it now stands."""
    context = _roster_context(shift)
    return {**context, "booking": context["roster"].booking_of(booking.user_id) or booking,
            "search": PersonSearchForm(formdata=None)}


@bp.get("/shifts/<int:shift_id>/roster/print")
def print_shift(shift_id: int):
    """A plain table to print and tick on paper; a list of people leaving the site, so it is audited."""
    shift = shift_in_scope(shift_id)
    roster, = staffing.rosters([shift])
    audit("roster_printed", actor=current_user, shift_id=shift.id, rows=len(roster.coming) + len(roster.waitlist))
    db.session.commit()
    return render_template("shifts/rosters/print.html", roster=roster, shift=shift, printed_at=clock.now())


@bp.get("/sites/<int:site_id>/day/<day>")
def day(site_id: int, day: str):
    """Every shift of a site on one Stockholm day, with its people."""
    site = site_in_scope(site_id)
    try:
        on = datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        abort(404)
    if not EARLIEST <= on <= LATEST:  # a day whose neighbours a computer cannot count
        abort(404)
    return render_template("shifts/rosters/day.html", site=site, day=on, previous=on - timedelta(days=1),
                           next=on + timedelta(days=1), rosters=staffing.rosters(staffing.shifts_on(site, on)))


@bp.get("/needs")
def needs():
    """The coming days per organisation in sum, then a page of sites (of one organisation) shift by shift,
    filtered by a missing language, free places and how many days ahead; a refused filter answers 422."""
    now = clock.now()
    organisation_id = id_arg("organisation")
    form = NeedsFilterForm(request.args)
    language, free, days = form.filters()
    page = staffing.needs_sites(current_user, organisation_id, page_number())
    query_args = {key: value for key, value in request.args.items() if key != "page"}
    filter_args = {key: value for key, value in query_args.items() if key != "organisation"}
    response = render_template(
        "shifts/rosters/needs.html", summary=staffing.needs_summary(current_user, now, days), form=form, page=page,
        sites=staffing.needs(page.items, now, days, language, free), organisation_id=organisation_id,
        query_args=query_args, filter_args=filter_args, now=now, today=clock.local_day(now), days=days)
    return response, 422 if form.errors else 200
