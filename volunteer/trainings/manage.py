"""Coordinators' trainings: trainings and sessions, enrolment lists, attendance and qualifications granted by hand."""
import uuid
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from .. import clock, mail
from ..audit import audit
from ..clock import STOCKHOLM
from ..extensions import db
from ..i18n.catalog import gettext as _, ngettext
from ..i18n.languages import spoken_languages
from ..i18n.locale import SITE_LOCALES
from ..models import Enrolment, EnrolmentStatus, Qualification, Training, TrainingSession
from ..vetting.service import find_volunteer
from ..web import places
from ..web.access import (acts_for, organisation_scope, organisations_in_scope, qualification_choices,
                          qualifications_given_in_scope, require_coordinator, training_session_in_scope)
from ..web.forms import ConfirmForm
from ..web.htmx import done, render, render_form
from . import enrolments
from .forms import GrantForm, NewSessionForm, QualificationForm, SessionForm, TrainingForm

bp = Blueprint("training_admin", __name__, url_prefix="/coordinator/trainings")
bp.before_request(require_coordinator)

PERSON = "trainings/manage/_person.html"

# The enrolment list's order: places first, then offers, then the queue.
LIST_ORDER = [EnrolmentStatus.ATTENDED, EnrolmentStatus.NO_SHOW, EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED,
              EnrolmentStatus.WAITLISTED]


def _training(training_id: int) -> Training:
    """A training of one of the coordinator's organisations; others' are not found."""
    training = db.session.get(Training, training_id)
    if training is None or not acts_for(current_user, training.organisation_id):
        abort(404)
    return training


def _training_session(session_id: int) -> TrainingSession:
    return training_session_in_scope(session_id)


@bp.get("/")
def index():
    scope = organisation_scope(current_user)
    query = select(Training).options(joinedload(Training.organisation), joinedload(Training.qualification)) \
        .order_by(Training.title)
    if scope is not None:
        query = query.where(Training.organisation_id.in_(scope))
    trainings = db.session.scalars(query).all()
    since = clock.now() - timedelta(days=30)  # recent sessions stay listed for attendance
    training_sessions = db.session.scalars(
        select(TrainingSession).where(TrainingSession.training_id.in_([t.id for t in trainings]),
                                      TrainingSession.starts_at > since)
        .order_by(TrainingSession.starts_at)).all()
    by_training = {}
    for training_session in training_sessions:
        by_training.setdefault(training_session.training_id, []).append(training_session)
    return render_template("trainings/manage/index.html", trainings=trainings, sessions=by_training,
                           now=clock.now())


def _training_form(training: Training | None = None) -> TrainingForm:
    form = TrainingForm.with_translations()(obj=training)
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations_in_scope(current_user)]
    form.qualification_id.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(value, label) for value, label in qualification_choices()]
    if training is not None and not form.is_submitted():
        form.qualification_id.data = training.qualification_id or 0
        form.fill_translations(training)
    return form


def _training_form_page(form: TrainingForm, training: Training | None):
    languages = {language.code: language for language in spoken_languages()}
    # The other languages stay folded away until one is filled in or has an error.
    fields = [form[f"{name}_{code}"] for code in form.OTHER_LOCALES for name in ("title", "description")]
    open_translations = any(field.data or field.errors for field in fields)
    return render_form("trainings/manage/training_form.html", form, training=training, locales=form.OTHER_LOCALES,
                       languages=languages, open_translations=open_translations)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:training_id>/edit", methods=["GET", "POST"])
def edit_training(training_id: int | None = None):
    training = _training(training_id) if training_id else None
    form = _training_form(training)
    if not form.validate_on_submit():
        return _training_form_page(form, training)
    clash = db.session.scalar(select(Training).where(Training.title == form.title.data))
    if clash is not None and clash is not training:
        form.title.errors.append(_("Another training already has this title."))
        return _training_form_page(form, training)
    if training is None:
        training = Training()
        db.session.add(training)
    training.title, training.description = form.title.data, form.description.data or ""
    training.titles, training.descriptions = form.translated("title"), form.translated("description")
    training.organisation_id = form.organisation_id.data
    training.qualification_id = form.qualification_id.data or None
    training.repeatable = form.repeatable.data
    db.session.flush()
    audit("training_saved", actor=current_user, training_id=training.id, title=training.title)
    db.session.commit()
    flash(_("The training is saved."), "success")
    return redirect(url_for("training_admin.index", _anchor=f"training-{training.id}"), code=303)


def _language_names() -> dict:
    return {language.code: language.local_name for language in spoken_languages()}


@bp.route("/<int:training_id>/sessions/new", methods=["GET", "POST"])
def new_session(training_id: int):
    """One session, or the same weekday and time for several weeks (a series)."""
    training = _training(training_id)
    form = NewSessionForm(language_names=_language_names())
    if not form.validate_on_submit():
        return render_form("trainings/manage/session_form.html", form, training=training)
    occurrences = form.occurrences(form.weeks.data)
    if occurrences[0][0] <= clock.now():
        form.day.errors.append(_("Choose a time in the future."))
        return render_form("trainings/manage/session_form.html", form, training=training)
    series = uuid.uuid4().hex if len(occurrences) > 1 else None
    for starts_at, ends_at in occurrences:
        db.session.add(TrainingSession(
            training_id=training.id, starts_at=starts_at, ends_at=ends_at, place=form.place.data,
            language=form.language.data, seats=form.seats.data, series_id=series, created_by_id=current_user.id,
            created_at=clock.now()))
    audit("training_sessions_created", actor=current_user, training_id=training.id,
                   count=len(occurrences), series_id=series)
    db.session.commit()
    flash(ngettext("%(num)d session created.", "%(num)d sessions created.", len(occurrences)), "success")
    return redirect(url_for("training_admin.index", _anchor=f"training-{training.id}"), code=303)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    training_session = _training_session(session_id)
    if training_session.cancelled_at is not None:
        abort(409)
    form = SessionForm(language_names=_language_names(), obj=training_session)
    if not form.is_submitted():
        local_start = training_session.starts_at.astimezone(STOCKHOLM)
        local_end = training_session.ends_at.astimezone(STOCKHOLM)
        form.day.data, form.start.data, form.end.data = local_start.date(), local_start.time(), local_end.time()
    elif form.validate() and (told := _change(form, training_session)) is not None:
        db.session.commit()
        flash(ngettext("The session is saved; %(num)d person will be told about the change by e-mail.",
                       "The session is saved; %(num)d people will be told about the change by e-mail.", told)
              if told else _("The session is saved."), "success")
        return redirect(url_for("training_admin.session", session_id=training_session.id), code=303)
    return render_form("trainings/manage/session_form.html", form, training=training_session.training,
                       training_session=training_session)


def _change(form: SessionForm, training_session: TrainingSession) -> int | None:
    """The form applied to the session: how many people were told, or None with the error on the form."""
    (starts_at, ends_at), = form.occurrences()
    if starts_at != training_session.starts_at and starts_at <= clock.now():
        # Moved into the past, everyone would be e-mailed a time that has gone; a session that has begun keeps its own.
        form.day.errors.append(_("Choose a time in the future."))
        return None
    try:
        return enrolments.change_session(training_session, current_user, clock.now(), seats=form.seats.data,
                                         starts_at=starts_at, ends_at=ends_at, place=form.place.data,
                                         language=form.language.data)
    except enrolments.Conflict:
        db.session.rollback()
        form.seats.errors.append(_("%(num)d seats are taken; the session needs at least that many.",
                                   num=training_session.seats_taken))
        return None


@bp.get("/sessions/<int:session_id>")
def session(session_id: int):
    """The enrolment list with phone numbers, and attendance once the session has started."""
    training_session = _training_session(session_id)
    return render_template("trainings/manage/session.html", training_session=training_session,
                           people=_people(training_session), told=mail.told_about(f"training_session:{session_id}"),
                           **_attendance(training_session))


def _attendance(training_session: TrainingSession) -> dict:
    """Whether attendance may be marked yet, from which statuses, and to which."""
    return {"started": training_session.starts_at <= clock.now(), "markable": enrolments.SEATS.markable,
            "marks": tuple(enrolments.ATTENDANCE.values())}


def _people(training_session: TrainingSession) -> list[Enrolment]:
    enrolled = db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.user))
        .where(Enrolment.session_id == training_session.id, Enrolment.status.in_(LIST_ORDER))).all()
    return sorted(enrolled, key=lambda e: (LIST_ORDER.index(e.status), e.waitlisted_at or e.created_at,
                                           e.user.full_name))


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
def cancel_session(session_id: int):
    training_session = _training_session(session_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("trainings/manage/cancel.html", form=form, training_session=training_session,
                               people=_people(training_session))
    try:
        count = enrolments.cancel_session(training_session, current_user, clock.now())
    except enrolments.Conflict:
        db.session.rollback()
        flash(_("The session has already started or been cancelled."), "error")
        return redirect(url_for("training_admin.session", session_id=session_id), code=303)
    db.session.commit()
    flash(ngettext("The session is cancelled; %(num)d person will be told by e-mail.",
                   "The session is cancelled; %(num)d people will be told by e-mail.", count), "success")
    return redirect(url_for("training_admin.session", session_id=session_id), code=303)


@bp.post("/sessions/<int:session_id>/attendance/<int:enrolment_id>")
def attendance(session_id: int, enrolment_id: int):
    """Mark one person attended (grants the qualification) or no-show."""
    training_session = _training_session(session_id)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.session_id != training_session.id:
        abort(404)
    if places.record_attendance(enrolments.ATTENDANCE, enrolments.mark_attendance, enrolment) == 409:
        return render("trainings/manage/session.html", PERSON, status=409,
                      **_person_context(training_session, enrolment))
    return done(PERSON, None, url_for("training_admin.session", session_id=training_session.id,
                                      _anchor=f"person-{enrolment.id}"),
                partial_context=lambda: _person_context(training_session, enrolment))()


def _person_context(training_session: TrainingSession, enrolment: Enrolment) -> dict:
    """The enrolment list with one person's row as it now stands."""
    return {"training_session": training_session, "people": _people(training_session), "enrolment": enrolment,
            **_attendance(training_session)}


@bp.route("/grant", methods=["GET", "POST"])
def grant():
    """Record a qualification by hand, with a reason (e.g. a training taken elsewhere).

    Only to the coordinator's people and only what their organisations' trainings give; an address outside
    that scope is answered like an unknown one, so the form tells no one who has an account."""
    form = GrantForm()
    form.qualification_id.choices = [SelectChoice(value, label)
                                     for value, label in qualifications_given_in_scope(current_user)]
    if not form.validate_on_submit():
        return render_form("trainings/manage/grant.html", form)
    person = find_volunteer(current_user, form.email.normalized)
    if person is None:
        form.email.errors.append(_("No volunteer you coordinate has that address."))
        return render_form("trainings/manage/grant.html", form)
    qualification = db.session.get(Qualification, form.qualification_id.data)
    enrolments.grant(person, qualification, current_user, clock.now(), reason=form.reason.data)
    db.session.commit()
    flash(_("%(name)s now has the qualification %(qualification)s.", name=person.full_name,
            qualification=qualification.name_in()), "success")
    return redirect(url_for("training_admin.grant"), code=303)


@bp.get("/qualifications")
def qualifications():
    """What trainings give, shared by all partners, named in every site language."""
    held = sorted(db.session.scalars(select(Qualification)), key=lambda q: q.name_in().casefold())
    return render_template("trainings/manage/qualifications.html", qualifications=held)


@bp.route("/qualifications/new", methods=["GET", "POST"])
@bp.route("/qualifications/<int:qualification_id>/edit", methods=["GET", "POST"])
def edit_qualification(qualification_id: int | None = None):
    qualification = (db.session.get(Qualification, qualification_id) or abort(404)) if qualification_id else None
    form = QualificationForm.with_names()(obj=qualification)
    if qualification and not form.is_submitted():
        form.fill_names(qualification.names)
    if form.validate_on_submit():
        taken = db.session.scalar(select(Qualification.id).where(Qualification.code == form.code.data))
        if taken is not None and (qualification is None or taken != qualification.id):
            form.code.errors.append(_("There is already a qualification with that code."))
        else:
            qualification = qualification or Qualification()
            qualification.code, qualification.names = form.code.data, form.names()
            qualification.validity_months = form.validity_months.data or None
            db.session.add(qualification)
            db.session.flush()
            audit("qualification_saved", actor=current_user, qualification_id=qualification.id)
            db.session.commit()
            flash(_("The qualification is saved."), "success")
            return redirect(url_for("training_admin.qualifications", _anchor=f"qualification-{qualification.id}"),
                            code=303)
    languages = {language.code: language for language in spoken_languages()}
    return render_form("trainings/manage/qualification_form.html", form, qualification=qualification,
                       locales=SITE_LOCALES, languages=languages)
