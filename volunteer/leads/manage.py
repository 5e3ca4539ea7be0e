"""Coordinators appoint the leads of their organisations' sites for a period, end them, and read their notes."""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..models import SiteLead, Status, User
from ..vetting.service import people_in_scope
from ..web.access import require_coordinator, site_in_scope
from ..web.forms import ConfirmForm
from ..web.htmx import render_form
from . import queries, service
from .forms import LeadForm

bp = Blueprint("site_leads", __name__, url_prefix="/coordinator")
bp.before_request(require_coordinator)


def _context(site) -> dict:
    now = clock.now()
    return {"site": site, "leads": queries.leads_of(site, now), "notes": queries.notes_of(site),
            "end_form": ConfirmForm(formdata=None), "today": clock.local_day(now)}


@bp.route("/sites/<int:site_id>/leads", methods=["GET", "POST"])
def leads(site_id: int):
    """The site's leads and a form to appoint one: an approved volunteer the coordinator may see, for a period."""
    site = site_in_scope(site_id)
    form = LeadForm()
    if not form.is_submitted():
        form.from_day.data = form.until_day.data = clock.local_day(clock.now())
    if not form.validate_on_submit():
        return render_form("leads/manage.html", form, **_context(site))
    if form.until_day.data < clock.local_day(clock.now()):
        form.until_day.errors.append(_("Choose today or a later day."))
        return render_form("leads/manage.html", form, **_context(site))
    person = db.session.scalar(people_in_scope(current_user).where(User.status == Status.APPROVED,
                                                                   User.email == form.email.normalized))
    if person is None:
        form.email.errors.append(_("No approved volunteer of your organisations has this address."))
        return render_form("leads/manage.html", form, **_context(site))
    service.appoint(site, person, form.from_day.data, form.until_day.data, current_user)
    db.session.commit()
    flash(_("%(name)s leads %(site)s in that period.", name=person.full_name, site=site.name), "success")
    return redirect(url_for(".leads", site_id=site.id), code=303)


@bp.post("/sites/<int:site_id>/leads/<int:lead_id>/end")
def end(site_id: int, lead_id: int):
    site = site_in_scope(site_id)
    lead = db.session.scalar(select(SiteLead).where(SiteLead.id == lead_id, SiteLead.site_id == site.id))
    if lead is None:
        abort(404)
    name = lead.user.full_name
    service.end(lead, current_user)
    db.session.commit()
    flash(_("%(name)s no longer leads %(site)s.", name=name, site=site.name), "success")
    return redirect(url_for(".leads", site_id=site.id), code=303)
