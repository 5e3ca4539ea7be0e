"""Coordinators: the applicants queue, a person's page, interviews, decisions and record checks."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock, overview
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..models import RecordKind, Status, User
from ..rules.people import ACTIVE_TOGGLE
from ..shifts import today
from ..web.access import contact_visible, readable_interviews, require_coordinator
from ..web.forms import page_number
from ..web.htmx import done, redirect_to, render
from ..web.urls import safe_next
from . import service as vetting
from .forms import DecisionForm, NameForm, ReasonForm, RecordCheckForm, filter_form

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
bp.before_request(require_coordinator)

PER_PAGE = 25
# Each applicant in the queue carries a whole decision form: ten of them keep a page within 50 ms of CPU.
APPLICANTS_PER_PAGE = 10
DECISIONS = {"approve": Status.APPROVED, "reject": Status.REJECTED}
APPLICANT = "vetting/manage/_applicant.html"


def person_or_404(person_id: int) -> User:
    person = vetting.find_person(current_user, person_id)
    if person is None:
        abort(404)
    return person


@bp.get("/")
def index():
    """Where a coordinator lands: today's and tomorrow's shifts first, then the applicants waiting, then the
    overview in charts and tables."""
    people = vetting.people_in_scope(current_user).subquery()
    counts = dict(db.session.execute(select(people.c.status, func.count()).group_by(people.c.status)).all())
    now = clock.now()
    return render_template("vetting/manage/index.html", counts={status.value: n for status, n in counts.items()},
                           days=today.today_and_tomorrow(current_user, now),
                           overview=overview.overview(current_user, now))


@bp.get("/applicants")
def applicants():
    """Confirmed applicants waiting for an interview, newest first."""
    form = filter_form()
    filters = {**form.filters(), "status": Status.CONFIRMED.value}
    query = vetting.filtered(vetting.people_in_scope(current_user), filters)
    page = db.paginate(vetting.with_profile(query.order_by(User.created_at.desc(), User.id.desc())),
                       page=page_number(), per_page=APPLICANTS_PER_PAGE, error_out=False)
    return render_template("vetting/manage/applicants.html", form=form, page=page,
                           query_args={k: v for k, v in request.args.items() if k != "page"},
                           contact=contact_visible(current_user, [person.id for person in page.items]),
                           forms={person.id: decision_form(person, formdata=None) for person in page.items})


def decision_form(person: User, **kwargs) -> DecisionForm:
    return DecisionForm(prefix=f"person{person.id}", **kwargs)


@bp.get("/people/<int:person_id>")
def person(person_id: int):
    """A volunteer's full profile; every view is in the audit log."""
    person = person_or_404(person_id)
    audit("profile_viewed", actor=current_user, subject=person)
    db.session.commit()
    return person_page(person)


def person_context(person: User, **forms) -> dict:
    """What a person's page shows: the profile, its history and the three forms (empty unless given)."""
    forms.setdefault("decision_form", decision_form(person, formdata=None))
    forms.setdefault("check_form", RecordCheckForm(formdata=None))
    forms.setdefault("reason_form", ReasonForm(formdata=None))
    history = vetting.history(person)
    return {"person": person, "history": history, "record_kinds": RecordKind, "names": vetting.name_history(person),
            "name_form": NameForm(formdata=None, name=person.full_name),
            "contact": contact_visible(current_user, [person.id]),
            "readable": readable_interviews(current_user, person, history["interviews"]), **forms}


def person_page(person: User, status: int = 200, **forms):
    return render_template("vetting/manage/person.html", **person_context(person, **forms)), status


@bp.post("/people/<int:person_id>/decision")
def decide(person_id: int):
    """Record the interview and, unless deferred, approve or reject; the queue row updates in place."""
    person = person_or_404(person_id)
    form = decision_form(person)
    back = safe_next(request.form.get("next"), url_for(".person", person_id=person.id))
    if not form.validate():
        return render("vetting/manage/person.html", APPLICANT, 422, **_applicant(person, back, form=form),
                      page_context=lambda: person_context(person, decision_form=form))
    outcome = DECISIONS.get(form.decision.data)
    try:
        vetting.decide(person, current_user, form.held_on.data, form.notes.data, outcome, form.reason.data)
    except vetting.StatusConflict:
        db.session.rollback()
        db.session.refresh(person)
        message = _("Someone else has already decided on this application.")
        return done(APPLICANT, message, back, 409, "error",
                    partial_context=lambda: _applicant(person, back, message=message))()
    db.session.commit()
    message = decision_message(person, outcome)
    return done(APPLICANT, message, back, category="success",
                partial_context=lambda: _applicant(person, back, message=message))()


def _applicant(person: User, back: str, form: DecisionForm | None = None, message: str | None = None) -> dict:
    """What the applicant's row in the queue shows: without the form once decided."""
    return {"person": person, "form": form, "next": back, "message": message,
            "contact": contact_visible(current_user, [person.id])}


def decision_message(person: User, outcome: Status | None) -> str:
    name = person.full_name
    if outcome is None:
        return _("Interview with %(name)s recorded.", name=name)
    if outcome is Status.APPROVED:
        return _("%(name)s is approved; an e-mail telling them is on its way.", name=name)
    return _("%(name)s is not approved; an e-mail telling them is on its way.", name=name)


@bp.post("/people/<int:person_id>/record-check")
def record_check(person_id: int):
    """Note that a criminal-record extract was seen (never a copy)."""
    person = person_or_404(person_id)
    form = RecordCheckForm()
    if not form.validate():
        return person_page(person, 422, check_form=form)
    vetting.record_check(person, current_user, RecordKind(form.kind.data), form.seen_on.data,
                         form.valid_until.data)
    db.session.commit()
    flash(_("The record extract is noted as seen."), "success")
    return redirect_to(url_for(".person", person_id=person.id))


@bp.post("/people/<int:person_id>/name")
def confirm_name(person_id: int):
    """Confirm the name the person now uses for their certificates, as the coordinator saw it on the page."""
    person = person_or_404(person_id)
    form = NameForm()
    try:
        if not form.validate():
            raise vetting.NameChanged()
        vetting.confirm_name(person, current_user, form.name.data)
    except vetting.NameChanged:
        db.session.rollback()
        flash(_("The name has changed meanwhile; look at it again before confirming."), "error")
        return person_page(person, 409)
    db.session.commit()
    flash(_("Certificates will now carry the name %(name)s.", name=person.confirmed_name), "success")
    return redirect_to(url_for(".person", person_id=person.id, _anchor="name"))


@bp.post("/people/<int:person_id>/status")
def set_active(person_id: int):
    """Deactivate an approved volunteer or reactivate an inactive one, with a reason."""
    person = person_or_404(person_id)
    form = ReasonForm()
    if not form.validate():
        return person_page(person, 422, reason_form=form)
    target = ACTIVE_TOGGLE.get(person.status)
    try:
        if target is None:
            raise vetting.StatusConflict()
        vetting.change_status(person, target, current_user, form.reason.data)
    except vetting.StatusConflict:
        db.session.rollback()
        flash(_("This person's status has changed meanwhile; nothing was saved."), "error")
        return redirect_to(url_for(".person", person_id=person.id))
    db.session.commit()
    flash(_("%(name)s is now inactive.", name=person.full_name) if target is Status.INACTIVE
          else _("%(name)s is active again.", name=person.full_name), "success")
    return redirect_to(url_for(".person", person_id=person.id))
