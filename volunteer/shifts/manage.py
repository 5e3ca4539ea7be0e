"""Coordinators keep sites, tasks and shifts: one shift or a weekly series, edits and cancellations that the
booked volunteers hear about in their own language."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _, ngettext
from ..i18n.languages import spoken_languages
from ..i18n.locale import SITE_LOCALES
from ..models import Shift, Site, Task
from ..web.access import (organisations_in_scope, qualification_choices, require_coordinator, shift_in_scope,
                          site_in_scope, sites_in_scope)
from ..web.forms import page_number
from ..web.htmx import render_form
from . import bookings, series, target_groups
from .forms import SITE_KINDS, CancelShiftForm, EditShiftForm, NewShiftForm, ShiftForm, SiteForm, TaskForm
from .queries import shift_query

bp = Blueprint("shift_admin", __name__, url_prefix="/coordinator")
bp.before_request(require_coordinator)

PER_PAGE = 50


@bp.get("/sites")
def sites():
    return render_template("shifts/manage/sites.html", sites=sites_in_scope(current_user), kinds=SITE_KINDS)


@bp.route("/sites/new", methods=["GET", "POST"])
@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
def edit_site(site_id: int | None = None):
    site = site_in_scope(site_id) if site_id else None
    form = SiteForm(obj=site)
    form.organisation_id.choices = [SelectChoice(org.id, org.name) for org in organisations_in_scope(current_user)]
    form.target_group_ids.choices = target_groups.choices()
    if site and not form.is_submitted():
        form.target_group_ids.data = [group.id for group in site.target_groups]
    if form.is_submitted() and form.validate() & _is_free(form.name, Site.name, site):
        site = site or Site()
        form.populate_obj(site)
        site.target_groups = target_groups.chosen(form.target_group_ids.data)
        db.session.add(site)
        db.session.flush()
        audit("site_saved", actor=current_user, site_id=site.id)
        db.session.commit()
        flash(_("The site is saved."), "success")
        return redirect(url_for("shift_admin.sites"), code=303)
    return render_form("shifts/manage/site_form.html", form, site=site)


def _is_free(field, column, current) -> bool:
    """A name or code that no other row has; else an error next to the field."""
    taken = db.session.scalar(select(column.table.c.id).where(column == field.data))
    if taken is not None and (current is None or taken != current.id):
        field.errors.append(_("There is already a site with that name.") if column is Site.name
                            else _("There is already a task with that code."))
        return False
    return True


@bp.get("/tasks")
def tasks():
    all_tasks = sorted(db.session.scalars(select(Task)), key=lambda task: task.name_in().casefold())
    return render_template("shifts/manage/tasks.html", tasks=all_tasks)


@bp.route("/tasks/new", methods=["GET", "POST"])
@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
def edit_task(task_id: int | None = None):
    """Tasks are shared by every partner; their names are kept in every site language."""
    task = db.session.get(Task, task_id) or abort(404) if task_id else None
    form = TaskForm.with_names()(obj=task)
    form.target_group_ids.choices = target_groups.choices()
    if task and not form.is_submitted():
        form.fill_names(task.names)
        form.target_group_ids.data = [group.id for group in task.target_groups]
    if form.is_submitted() and form.validate() & _is_free(form.code, Task.code, task):
        task = task or Task()
        task.code, task.names = form.code.data, form.names()
        task.target_groups = target_groups.chosen(form.target_group_ids.data)
        db.session.add(task)
        db.session.flush()
        audit("task_saved", actor=current_user, task_id=task.id)
        db.session.commit()
        flash(_("The task is saved."), "success")
        return redirect(url_for("shift_admin.tasks"), code=303)
    languages = {language.code: language for language in spoken_languages()}
    return render_form("shifts/manage/task_form.html", form, task=task, locales=SITE_LOCALES, languages=languages)


@bp.get("/shifts")
def shifts():
    """Coming shifts at the coordinator's sites, by day; the site filter is in the URL."""
    sites = sites_in_scope(current_user)
    site_id = request.args.get("site", type=int)
    chosen = [site.id for site in sites if site.id == site_id] or [site.id for site in sites]
    query = (shift_query()
             .where(Shift.site_id.in_(chosen), Shift.ends_at > clock.now())
             .order_by(Shift.starts_at, Shift.id))
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("shifts/manage/shifts.html", page=page, sites=sites, site_id=site_id,
                           query_args={"site": site_id} if site_id else {})


def _shift_form(form_class, **kwargs) -> ShiftForm:
    form = form_class(**kwargs)
    form.site_id.choices = [SelectChoice(site.id, site.name) for site in sites_in_scope(current_user)]
    form.task_id.choices = [SelectChoice(task.id, task.name_in()) for task in
                            sorted(db.session.scalars(select(Task)), key=lambda task: task.name_in().casefold())]
    form.qualification_id.choices = [SelectChoice(None, _("No qualification needed"))] + [
        SelectChoice(value, label) for value, label in qualification_choices()]
    form.languages.choices = [SelectChoice(language.code, language.local_name) for language in spoken_languages()]
    form.target_group_ids.choices = target_groups.choices()
    return form


def _render_form(form: ShiftForm, shift: Shift | None, refused: series.Refused | None = None):
    """The form again: 422 once submitted, with what the shifts refused next to its field."""
    if refused is not None:
        form[refused.field].errors.append(refused.message)
    return render_form("shifts/manage/shift_form.html", form, shift=shift)


@bp.route("/shifts/new", methods=["GET", "POST"])
def new_shift():
    """One shift, or the same weekday and times for several weeks (a series)."""
    form = _shift_form(NewShiftForm, data={"site_id": request.args.get("site", type=int)}
                       if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _render_form(form, None)
    try:
        made = series.create(form, current_user, clock.now())
    except series.Refused as refused:
        return _render_form(form, None, refused)
    db.session.commit()
    flash(ngettext("%(num)d shift created.", "%(num)d shifts created.", made), "success")
    return redirect(url_for("shift_admin.shifts", site=form.site_id.data), code=303)


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
def edit_shift(shift_id: int):
    """Edit one shift or the rest of its series; everyone booked or waiting hears about a change of time,
    site or task in their own language. The date applies to this shift; the rest keep their own days."""
    shift = shift_in_scope(shift_id)
    if shift.cancelled_at is not None or shift.starts_at <= clock.now():
        abort(409)
    form = _shift_form(EditShiftForm, obj=shift)
    if not form.is_submitted():
        form.show(shift)
        form.target_group_ids.data = target_groups.shown_narrowing(shift)
    if not form.validate_on_submit():
        return _render_form(form, shift)
    try:
        told = series.edit(shift, form, current_user, clock.now())
    except series.Refused as refused:
        return _render_form(form, shift, refused)
    db.session.commit()
    flash(ngettext("Saved; %(num)d person will be told about the change by e-mail: the roster shows when it "
                   "arrives.", "Saved; %(num)d people will be told about the change by e-mail: the roster shows "
                   "when each message arrives.", told)
          if told else _("Saved."), "success")
    return redirect(url_for("rosters.shift", shift_id=shift.id), code=303)


@bp.route("/shifts/<int:shift_id>/cancel", methods=["GET", "POST"])
def cancel_shift(shift_id: int):
    shift = shift_in_scope(shift_id)
    form = CancelShiftForm()
    if shift.cancelled_at is not None or shift.starts_at <= clock.now():
        flash(_("The shift has already started or been cancelled."), "error")
        return redirect(url_for("rosters.shift", shift_id=shift.id), code=303)
    if not form.validate_on_submit():
        return render_template("shifts/manage/cancel.html", form=form, shift=shift,
                               people=len(bookings.holders(shift))), 422 if form.is_submitted() else 200
    told = series.cancel(shift, form.scope.data, current_user, clock.now(), form.reason.data)
    db.session.commit()
    flash(ngettext("Cancelled; %(num)d person will be told by e-mail: the roster shows when it arrives.",
                   "Cancelled; %(num)d people will be told by e-mail: the roster shows when each message arrives.",
                   told), "success")
    return redirect(url_for("rosters.shift", shift_id=shift.id), code=303)
