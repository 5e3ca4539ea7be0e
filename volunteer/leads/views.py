"""A site's day for its lead (and the coordinators): today's and tomorrow's roster with phones and languages, the
shifts' check-in codes, checking people in and out, no-shows, notes, and who is here now."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..audit import audit
from ..extensions import db
from ..hours import qr
from ..i18n.catalog import gettext as _
from ..models import Booking, Shift, Site
from ..rules.leads import current_leads, lead_actions, open_for_check_in
from ..rules.places import Conflict
from ..web.access import require_lead, site_led
from ..web.htmx import render_form
from . import codes, queries, service
from .forms import NoteForm

bp = Blueprint("site_lead", __name__, url_prefix="/lead")
bp.before_request(require_lead)

ACTIONS = {"check_in": service.check_in, "check_out": service.check_out, "no_show": service.no_show}


@bp.get("")
def index():
    """The sites the person leads today."""
    return render_template("leads/index.html", leads=current_leads(current_user, clock.now()))


def _note_form(site: Site, days: list, formdata=None) -> NoteForm:
    form = NoteForm(formdata=formdata) if formdata is not None else NoteForm()
    form.shift_id.choices = [("", _("The whole day"))] + [
        (roster.shift.id, f"{roster.shift.task.name_in()}, {clock.local_day(roster.shift.starts_at).isoformat()}")
        for day in days for roster in day.rosters]
    return form


def _day_context(site: Site) -> dict:
    now = clock.now()
    days = queries.two_days(site, now)
    check_in = {}
    for roster in days[0].rosters:
        if open_for_check_in(roster.shift, now):
            code = codes.code_for(roster.shift.id, now)
            link = url_for("check_in.form", code=code, _external=True)
            check_in[roster.shift.id] = {"code": code, "until": codes.changes_at(now),
                                         "qr": qr.svg(link, _("QR code for checking in"))}
    actions = {booking.id: lead_actions(booking, now) for day in days for roster in day.rosters
               for booking in roster.coming}
    return {"site": site, "days": days, "check_in": check_in, "actions": actions}


@bp.get("/sites/<int:site_id>/today")
def today(site_id: int):
    """Today's and tomorrow's roster with phone numbers and languages: each opening is audited."""
    site = site_led(site_id)
    context = _day_context(site)
    audit("site_day_viewed", actor=current_user, site_id=site.id,
          rows=sum(len(r.coming) + len(r.waitlist) for day in context["days"] for r in day.rosters))
    db.session.commit()
    return render_template("leads/today.html", form=_note_form(site, context["days"]), **context)


def _booking_at(site: Site, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.shift.site_id != site.id:
        abort(404)
    return booking


@bp.post("/sites/<int:site_id>/bookings/<int:booking_id>/<any(check_in, check_out, no_show):action>")
def mark(site_id: int, booking_id: int, action: str):
    """Check someone in or out by hand, or record that they did not come; refused (409) when the booking no longer
    allows it (someone scanned meanwhile, the shift is not on yet)."""
    site = site_led(site_id)
    booking = _booking_at(site, booking_id)
    name, now = booking.user.full_name, clock.now()
    try:
        changed = action in lead_actions(booking, now) and ACTIONS[action](booking, current_user, now)
    except Conflict:
        changed = False
    if not changed:
        db.session.rollback()
        context = _day_context(site)
        return render_template("leads/today.html", form=_note_form(site, context["days"]), message=_(
            "Nothing was changed for %(name)s: their booking does not allow it now.", name=name), **context), 409
    db.session.commit()
    flash({"check_in": _("%(name)s is checked in.", name=name), "check_out": _("%(name)s is checked out.", name=name),
           "no_show": _("%(name)s is marked as not come.", name=name)}[action], "success")
    return redirect(url_for(".today", site_id=site.id, _anchor=f"booking-{booking.id}"), code=303)


@bp.post("/sites/<int:site_id>/notes")
def note(site_id: int):
    """A short note for the coordinators of the site."""
    site = site_led(site_id)
    context = _day_context(site)
    form = _note_form(site, context["days"])
    if not form.validate_on_submit():
        return render_form("leads/today.html", form, **context)
    shift = db.session.get(Shift, form.shift_id.data) if form.shift_id.data else None
    service.note(site, shift, form.text.data, current_user)
    db.session.commit()
    flash(_("Your note is saved for the coordinators."), "success")
    return redirect(url_for(".today", site_id=site.id), code=303)


@bp.get("/sites/<int:site_id>/here")
def here(site_id: int):
    """The people checked in and not out, with their languages and first-timers marked: the evacuation list, to
    print. A list of people, so each opening is audited."""
    site = site_led(site_id)
    now = clock.now()
    present = queries.here_now(site, now)
    audit("here_now_viewed", actor=current_user, site_id=site.id, rows=len(present))
    db.session.commit()
    return render_template("leads/here.html", site=site, present=present, at=now)
