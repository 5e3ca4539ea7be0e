"""My page: where a signed-in person stands, what comes next, and their own data: see it all, download it,
correct it, delete it."""
from datetime import datetime
from typing import NamedTuple

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..accounts.forms import DetailsForm
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.languages import spoken_language, spoken_languages
from ..labels import AVAILABILITY, OTHER_LANGUAGE, availability_labels, skill_label
from ..models import BookingStatus, EnrolmentStatus, Organisation, RecordKind, Role, Status, UserLanguage, UserSkill
from ..messages import inbox
from ..rules.leads import current_leads
from ..shifts.calendar import feed_url
from ..shifts.queries import coming_shift_count
from ..web.forms import ConfirmForm, page_number
from ..web.htmx import render_form
from . import privacy

bp = Blueprint("me", __name__)

# How the My data page names each part of the export (tests check that every part has a name).
DATA_LABELS = {
    "full_name": _l("Full name"), "name_on_certificates": _l("Name on certificates"),
    "name_confirmed_at": _l("Name confirmed by a coordinator"), "email": _l("E-mail"), "phone": _l("Mobile phone"),
    "status": _l("Status"),
    "role": _l("Role"), "site_language": _l("Site language"), "languages": _l("Languages"),
    "other_languages": _l("Other languages"), "skills": _l("Skills"), "availability": _l("Available"),
    "preferred_organisations": _l("Preferred organisations"), "coordinator_of": _l("Coordinator of"),
    "motivation": _l("Why do you want to volunteer?"), "adult_confirmed": _l("18 years or older"),
    "privacy_notice_version": _l("Privacy notice version accepted"), "consented_at": _l("Accepted"),
    "created_at": _l("Signed up"), "email_confirmed_at": _l("E-mail address confirmed"),
    "last_sign_in_at": _l("Last signed in"), "status_changed_at": _l("Status last changed"),
    "retention_warned_at": _l("Warned about deletion for inactivity"), "status_history": _l("Status history"),
    "interviews": _l("Interviews"), "record_extracts_seen": _l("Criminal-record extracts seen"),
    "trainings": _l("Trainings"), "qualifications": _l("Qualifications"), "shifts": _l("Shifts"),
    "calendar_feed": _l("Calendar feed"), "site_leads": _l("Sites you lead"), "certificates": _l("Certificates"),
    "call_outs": _l("Asked to fill a gap on a shift"),
    "handovers": _l("Shifts you handed over"),
    "messages": _l("E-mails we sent you"), "activity": _l("What has happened on your account"),
}
# Column headings for the parts that are lists of records.
FIELD_LABELS = {
    "from": _l("From"), "status": _l("Status"), "at": _l("When"), "reason": _l("Reason"), "held_on": _l("Date"),
    "notes": _l("Notes"), "kind": _l("Kind"), "seen_on": _l("Seen"), "valid_until": _l("Valid until"),
    "training": _l("Training"), "starts_at": _l("Starts"), "ends_at": _l("Ends"), "since": _l("Since"),
    "waitlisted_at": _l("On the waitlist since"), "offer_expires_at": _l("Offer open until"),
    "qualification": _l("Qualification"), "granted_at": _l("Granted"), "expires_at": _l("Expires"),
    "site": _l("Site"), "task": _l("Task"), "action": _l("Action"),
    "code": _l("Verification code"), "language": _l("Language"), "start": _l("From"), "end": _l("To"),
    "issued_at": _l("Issued"), "facts": _l("Hours in total"), "withdrawn_at": _l("Withdrawn"),
    "withdrawal_reason": _l("Reason for withdrawal"), "subject": _l("Subject"), "to": _l("To"),
    "finished_at": _l("Delivered or given up"), "read_at": _l("Read on My page"), "asked_at": _l("Asked"),
    "opened_at": _l("Opened the link"), "booked_at": _l("Booked through the link"),
    "checked_in_at": _l("Checked in"), "checked_out_at": _l("Checked out"), "until": _l("Until"),
    "reminded_days_before": _l("Reminded this many days before it lapses"),
}


class NextStep(NamedTuple):
    text: str
    heading: bool = False  # shown under "What happens next"


# What My page tells a volunteer about where they stand.
NEXT_STEPS = {
    Status.APPLIED: NextStep(_l("Open the link in the e-mail we sent you to confirm your address.")),
    Status.CONFIRMED: NextStep(_l(
        "Someone from the volunteer resource group (FRG) will contact you, usually within two weeks, to book a "
        "short interview by phone or in person. After an approved interview you can take the introduction "
        "training and then choose shifts."), heading=True),
    Status.APPROVED: NextStep(_l("You are approved. Choose a training, and then pick the shifts that suit you."),
                              heading=True),
    Status.REJECTED: NextStep(_l("Your application was not approved this time. Thank you for wanting to help.")),
    Status.INACTIVE: NextStep(_l("Your volunteer account is paused. Contact a coordinator if you want to start "
                                 "again.")),
}


@bp.get("/me")
@login_required
def page():
    user = current_user
    return render_template(
        "me/page.html",
        user=user,
        welcome=request.args.get("welcome") == "1",
        next_step=NEXT_STEPS[user.status],
        languages=[spoken_language(code) for code in user.language_codes],
        skills=[skill_label(code) for code in user.skill_codes],
        availability=availability_labels(user),
        upcoming_shifts=coming_shift_count(user),
        feed_url=feed_url(user),
        unread=inbox.unread_count(user),
        leading=current_leads(user, clock.now()),
    )


@bp.get("/me/messages")
@login_required
def messages():
    """Every message the site and coordinators sent the person, newest first; opening them marks them read."""
    page = inbox.page_of(current_user, page_number(), per_page=20)
    shown = [inbox.shown(message) for message in page.items]
    inbox.mark_read(current_user, [message.id for message in page.items])
    db.session.commit()
    return render_template("me/messages.html", page=page, messages=shown)


@bp.get("/me/data")
@login_required
def data():
    """Everything stored about the signed-in person on one readable, printable page."""
    return render_template("me/data.html", data=privacy.export_data(current_user), labels=DATA_LABELS,
                           field_labels=FIELD_LABELS, as_time=_as_time,
                           status_word=_in_words(Status, BookingStatus, EnrolmentStatus), role_word=_in_words(Role),
                           kind_word=_in_words(RecordKind),
                           availability_words=lambda codes: [AVAILABILITY[c] for c in codes])


def _in_words(*enums):
    """A value from the export in words: the label of the first of these enums that has it."""
    def word(value: str):
        for kind in enums:
            try:
                return kind(value).label
            except ValueError:
                continue
        return value
    return word


def _as_time(value):
    """An ISO timestamp from the export as a datetime the `when` filter shows; other values as they are."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else value
    except ValueError:
        return value


@bp.get("/me/export")
@login_required
def export():
    """Everything stored about the signed-in person, as a JSON download."""
    response = jsonify(privacy.export_data(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="my-volunteer-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _details_form(**kwargs) -> DetailsForm:
    form = DetailsForm(**kwargs)
    form.organisations.choices = [
        SelectChoice(org.id, org.name) for org in db.session.scalars(select(Organisation).order_by(Organisation.name))]
    return form


@bp.route("/me/details", methods=["GET", "POST"])
@login_required
def details():
    """Correct one's own name, phone, languages, skills, availability, organisations and motivation."""
    user = current_user
    if request.method == "GET":
        form = _details_form(formdata=None, obj=user, data=_current_choices(user))
    else:
        form = _details_form()
    if request.method == "GET" or not form.validate():
        return render_form("me/details.html", form, spoken_languages={
            language.code: language for language in spoken_languages()})
    changed = _apply(user, form)
    if changed:
        audit("details_corrected", actor=user, subject=user, fields=changed)
    db.session.commit()
    flash(_("Your details are saved."), "success")
    return redirect(url_for(".data"), code=303)


def _current_choices(user) -> dict:
    return {"languages": user.language_codes + ([OTHER_LANGUAGE] if user.other_languages else []),
            "skills": user.skill_codes, "organisations": [org.id for org in user.preferred_organisations],
            "availability": [key for key in ("weekdays", "evenings", "weekends")
                             if getattr(user, f"available_{key}")]}


def _apply(user, form: DetailsForm) -> list[str]:
    """Store the corrected details; the names of the fields that changed (never their values)."""
    before = {"full_name": user.full_name, "phone": user.phone, "motivation": user.motivation,
              "other_languages": user.other_languages, **_current_choices(user)}
    user.full_name = form.full_name.data
    user.phone = form.phone.normalized
    user.motivation = form.motivation.data
    codes = sorted({code for code in form.languages.data if code != OTHER_LANGUAGE})
    user.other_languages = (form.other_languages.data or "") if OTHER_LANGUAGE in form.languages.data else ""
    user.languages = [UserLanguage(code=code) for code in codes]
    user.skills = [UserSkill(code=code) for code in sorted(set(form.skills.data or []))]
    for key in ("weekdays", "evenings", "weekends"):
        setattr(user, f"available_{key}", key in form.availability.data)
    chosen = set(form.organisations.data or [])
    user.preferred_organisations = list(
        db.session.scalars(select(Organisation).where(Organisation.id.in_(chosen)))) if chosen else []
    db.session.flush()
    after = {"full_name": user.full_name, "phone": user.phone, "motivation": user.motivation,
             "other_languages": user.other_languages, **_current_choices(user)}
    return sorted(key for key in before
                  if (sorted(before[key]) if isinstance(before[key], list) else before[key])
                  != (sorted(after[key]) if isinstance(after[key], list) else after[key]))


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account after a confirming press of a button: erased at once, a last e-mail goes out."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("me/delete.html", form=form)
    privacy.erase(current_user._get_current_object(), clock.now(), cause="deleted_by_person",
                  actor=current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Your account and your data have been deleted. We have sent you a last e-mail to confirm it."), "info")
    return redirect(url_for("main.home"), code=303)
