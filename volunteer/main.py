"""Home, privacy notice and the language switcher."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import Organisation
from .i18n import SESSION_KEY, SITE_LOCALES

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    return target


@bp.get("/")
def home():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return render_template("main/home.html", organisations=list(organisations))


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"])


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
