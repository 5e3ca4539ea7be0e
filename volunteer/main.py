"""Home, privacy notice, accessibility statement and the language switcher."""
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from . import clock
from .extensions import db
from .i18n.catalog import gettext as _
from .i18n.locale import SESSION_KEY, SITE_LOCALES
from .me.privacy import needs_acceptance, note_activity, record_acceptance
from .models import Organisation
from .web.forms import ConfirmForm
from .web.htmx import redirect_to
from .web.urls import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    config = current_app.config
    return render_template("main/home.html", organisations=list(organisations), contact=config["CONTACT_EMAIL"],
                           phone=config["CONTACT_PHONE"], hours=config["CONTACT_HOURS"])


def _notice_context() -> dict:
    config = current_app.config
    return {"version": config["PRIVACY_NOTICE_VERSION"],
            "unconfirmed_days": config["RETENTION_UNCONFIRMED"].days,
            "rejected_months": round(config["RETENTION_REJECTED"].days / 30.44),
            "inactive_months": round(config["RETENTION_INACTIVE"].days / 30.44),
            "notice_days": config["RETENTION_WARNING_NOTICE"].days,
            "mail_days": config["MAIL_KEEP_DELIVERED"].days}


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html", **_notice_context())


# The accessibility statement's date: change it with its text, whenever a known problem is found or mended.
ACCESSIBILITY_STATEMENT_UPDATED = date(2026, 12, 7)


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse) that Swedish law asks of public digital services."""
    return render_template("main/accessibility.html", updated=ACCESSIBILITY_STATEMENT_UPDATED,
                           contact=current_app.config["CONTACT_EMAIL"])


# Pages a person may open before accepting a changed notice: the notice itself, and their rights over their data.
BEFORE_ACCEPTING = {"static", "main.privacy", "main.accessibility", "main.accept_notice", "main.set_language",
                    "auth.sign_out", "me.data", "me.export", "me.delete", "shifts.feed"}
NEXT_KEY = "next_after_notice"


@bp.before_app_request
def ask_for_new_notice():
    """A signed-in visit counts as activity; someone who has not accepted the current notice is asked to first."""
    if request.endpoint in ("static", "shifts.feed", "health.healthz") or not current_user.is_authenticated:
        return None
    note_activity(current_user, clock.now())
    if db.session.dirty:
        db.session.commit()
    if request.endpoint in BEFORE_ACCEPTING or not needs_acceptance(current_user):
        return None
    if request.method == "GET":
        session[NEXT_KEY] = request.path
    return redirect_to(url_for("main.accept_notice"))


@bp.route("/privacy/accept", methods=["GET", "POST"])
@login_required
def accept_notice():
    """The changed notice, with a button to accept it."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("main/accept_notice.html", form=form,
                               previous=current_user.privacy_version, **_notice_context())
    record_acceptance(current_user, clock.now())
    db.session.commit()
    flash(_("Thank you. You have accepted the new privacy notice."), "success")
    return redirect(safe_next(session.pop(NEXT_KEY, None), url_for("me.page")), code=303)


@bp.post("/language")
def set_language():
    """Remember the chosen language (and save it on the account) and go back."""
    code = request.form.get("locale")
    if code in SITE_LOCALES:
        session[SESSION_KEY] = code
        session.permanent = True
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("main.home")), code=303)
