"""Coordinators write to an audience: the people on a shift or a training session, or the applicants waiting.

Each message is written, previewed (who and how many get it) and then sent; nothing goes out from the first press."""
from collections.abc import Callable

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_login import current_user
from flask_limiter.util import get_remote_address

from .. import clock
from ..extensions import config_limit, db, limiter
from ..i18n.catalog import current_locale, gettext as _, ngettext
from ..i18n.formats import date_and_times
from ..i18n.languages import spoken_language
from ..i18n.locale import SITE_LOCALES
from ..rules.shifts import PLACES
from ..rules.trainings import SEATS
from ..shifts import callouts
from ..vetting.forms import filter_form
from ..web.access import require_coordinator, shift_in_scope, training_session_in_scope
from ..web.htmx import redirect_to, render_form
from . import audiences, service
from .forms import CallOutForm, MessageForm

bp = Blueprint("messages", __name__, url_prefix="/coordinator/messages")
bp.before_request(require_coordinator)

COMPOSE = "messages/compose.html"
CALL_OUT = "messages/call_out.html"


def _sender_key() -> str:
    return f"messages:{getattr(current_user, 'id', None) or get_remote_address()}"


# Counted per coordinator over every audience, and only for messages sent: previews and refusals are free.
sending_limit = limiter.shared_limit(config_limit("MESSAGE_RATE_LIMIT"), scope="messages", key_func=_sender_key,
                                     methods=["POST"], deduct_when=lambda response: response.status_code == 303)


@bp.route("/shifts/<int:shift_id>", methods=["GET", "POST"])
@sending_limit
def shift(shift_id: int):
    """Write to the people on a shift, and its waitlist if asked."""
    shift = shift_in_scope(shift_id)
    return _compose(lambda waitlist: audiences.on_places(PLACES, shift, waitlist),
                    back=url_for("rosters.shift", shift_id=shift.id), waitlist=True,
                    heading=_("Write to the people on the shift %(task)s, %(when)s", task=shift.task.name_in(),
                              when=date_and_times(shift.starts_at, shift.ends_at)))


@bp.route("/training-sessions/<int:session_id>", methods=["GET", "POST"])
@sending_limit
def training_session(session_id: int):
    """Write to the people enrolled in a training session, and its waitlist if asked."""
    training_session = training_session_in_scope(session_id)
    return _compose(lambda waitlist: audiences.on_places(SEATS, training_session, waitlist),
                    back=url_for("training_admin.session", session_id=session_id), waitlist=True,
                    heading=_("Write to the people in %(training)s", training=training_session.training.title_in()))


@bp.route("/applicants", methods=["GET", "POST"])
@sending_limit
def applicants():
    """Write to the confirmed applicants the queue shows with the filters in the address."""
    filters = filter_form().filters()
    return _compose(lambda waitlist: audiences.waiting_applicants(filters), waitlist=False,
                    back=url_for("coordinator.applicants", **request.args),
                    heading=_("Write to the applicants waiting for an interview"))


@bp.route("/call-outs/shifts/<int:shift_id>", methods=["GET", "POST"])
@sending_limit
def call_out(shift_id: int):
    """Ask the volunteers who could book a shift to fill its free places: who and how many first, then send."""
    shift, now = shift_in_scope(shift_id), clock.now()
    refusal = callouts.refusal(shift, now)
    selection = None if refusal else callouts.select_people(current_user, shift, now)
    if selection is not None and not selection.people:
        refusal = _("Nobody you may ask could book this shift now, or everyone who could was asked lately.")
    form = CallOutForm(formdata=request.form if request.method == "POST" else None)
    count = str(len(selection.people)) if selection else ""
    back = url_for("rosters.shift", shift_id=shift.id)
    page = dict(shift=shift, selection=selection, refusal=refusal, back=back,
                quiet_hours=current_app.config["CALLOUT_QUIET_HOURS"])
    status = _call_out_refused(form, refusal, count)
    if status:
        form.previewed.data = count
        return render_template(CALL_OUT, form=form, changed=status == 409 and not refusal, **page), status
    callouts.send(current_user, shift, selection, now)
    db.session.commit()
    flash(ngettext("%(num)d volunteer is asked to fill the gap.", "%(num)d volunteers are asked to fill the gap.",
                   len(selection.people)), "success")
    return redirect_to(back)


def _call_out_refused(form: CallOutForm, refusal: str | None, count: str) -> int | None:
    """The page's status when nothing is sent: shown first, refused, a form that failed, or a number that changed
    since the page showed it (shown again to check)."""
    if request.method == "GET":
        return 200
    if refusal:
        return 409
    if not form.validate():
        return 422
    return 409 if form.previewed.data != count else None


def _compose(audience_for: Callable, back: str, waitlist: bool, heading: str):
    """Write, preview (how many and who), send: the same steps for every audience."""
    posted = request.method == "POST"
    form = MessageForm(_language_names(), formdata=request.form if posted else None, language=current_locale(),
                       waitlist=request.args.get("waitlist") == "1")
    audience = audience_for(waitlist and form.waitlist.data)
    page = dict(audience=audience, back=back, with_waitlist=waitlist, heading=heading, languages=_language_names(),
                directions={code: spoken_language(code).direction for code in SITE_LOCALES},
                limit=current_app.config["MESSAGE_MAX_RECIPIENTS"])
    if not posted:
        return render_form(COMPOSE, form, **page)
    refusal = _refusal(audience)
    if not form.validate() or refusal:
        return render_form(COMPOSE, form, status=422, refusal=refusal, **page)
    count = str(len(audience.people))
    if not form.send.data or form.previewed.data != count:
        changed = bool(form.send.data)  # the audience changed since the preview: show it again
        form.previewed.data = count
        return render_template(COMPOSE, form=form, preview=True, changed=changed, **page)
    sent = service.send(current_user, audience, _composed(form))
    db.session.commit()
    flash(ngettext("Your message is on its way to %(num)d person.", "Your message is on its way to %(num)d people.",
                   sent), "success")
    return redirect_to(back)


def _refusal(audience) -> str | None:
    if not audience.people:
        return _("Nobody you may write to is in this group.")
    if service.too_many(audience):
        return _("A message may go to at most %(limit)d people; this group has %(count)d. Narrow it down first.",
                 limit=current_app.config["MESSAGE_MAX_RECIPIENTS"], count=len(audience.people))
    return None


def _composed(form: MessageForm) -> service.Composed:
    return service.Composed(language=form.language.data, subject=form.subject.data, text=form.text.data,
                            contact=form.contact.data or "", versions=form.versions())


def _language_names() -> dict:
    return {code: spoken_language(code).autonym for code in SITE_LOCALES}
