"""Password-less sign-in with one-time links, and sign-out."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import config_limit, db, limiter
from ..i18n.catalog import current_locale, gettext as _, lazy_gettext as _l
from ..i18n.locale import SESSION_KEY, chosen_locale, speak_as
from ..mail import absolute_url, render_email, send_after_commit
from ..models import TokenPurpose, User
from ..web.forms import ConfirmForm, address_key
from ..web.htmx import redirect_to, render
from ..web.urls import safe_next
from . import device_sessions as sessions, service as accounts
from .forms import SignInForm

bp = Blueprint("auth", __name__)
NEXT_KEY = "next_after_sign_in"


def start_session(user: User, link_locale: str | None = None) -> None:
    """Sign in on this device for 30 days (until signing out), in a fresh session.

    Nothing from before the sign-in carries over but the chosen language, which is saved on the account (or
    else the one chosen where the link was asked for): later e-mails go out in it. A session planted by someone
    else (session fixation) is not the one that gets signed in, and the CSRF token is renewed too."""
    user.locale = chosen_locale() or link_locale or user.locale
    sessions.close_session(session.get("_user_id", ""))  # whoever was signed in here before
    _clear_session()
    session.permanent = True
    login_user(user, remember=True)
    session["_user_id"] = sessions.open_session(user)  # the remember cookie is written from this
    db.session.commit()


def end_session() -> None:
    """Sign out here and delete the session on the server, so copies of the old cookies stop working."""
    sessions.close_session(session.get("_user_id", ""))
    db.session.commit()
    _clear_session()
    logout_user()  # after clearing: it leaves the note that deletes the remember cookie


def _clear_session() -> None:
    """Empty the browser's session but for the language the person chose."""
    kept = {key: session[key] for key in (SESSION_KEY,) if key in session}
    session.clear()
    session.update(kept)


LINK_ENDPOINTS = {TokenPurpose.SIGN_IN: "auth.redeem", TokenPurpose.CONFIRM: "signup.confirm"}


def mail_link(user: User | None, purpose: TokenPurpose, template: str, subject, address: str = "") -> None:
    """Issue a one-time link and queue the e-mail that carries it, committed together.

    For an address with no account (user None) the same work is done, a stored link that leads nowhere and the
    e-mail rendered, but nothing is queued: the answer and its timing do not tell whether there is an account.
    A language chosen with the switcher is the e-mail's, and is saved on the account when the link is used."""
    chosen = chosen_locale()
    token = accounts.issue_token(user, purpose, chosen)
    link = absolute_url(LINK_ENDPOINTS[purpose], token=token)
    if user is None:
        locale = current_locale()
        render_email(address, locale, template, subject, user=User(email=address, full_name="", locale=locale),
                     link=link)
    else:
        send_after_commit(user.email, chosen or user.locale, template, subject, user=user, link=link)
    db.session.commit()


def _address_key() -> str:
    """Rate-limit key for one mailbox, so nobody floods someone's inbox: the address as it is stored, so that
    Unicode look-alikes of one address ("hodan@ｅxample.org", "example。org") share its count."""
    return "signin:" + address_key(request.form.get("email") or "")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(config_limit("SIGNIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(config_limit("SIGNIN_PER_ADDRESS_LIMIT"), methods=["POST"], key_func=_address_key)
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        session[NEXT_KEY] = safe_next(request.args.get("next"), "")
        return render_template("accounts/sign_in/sign_in.html", form=form)
    if not form.validate():
        return render("accounts/sign_in/sign_in.html", "accounts/sign_in/_sign_in_form.html", status=422, form=form)
    user = accounts.find_user(form.email.normalized)
    mail_link(user, TokenPurpose.SIGN_IN, "sign_in", _l("Your sign-in link"), address=form.email.normalized)
    return redirect_to(url_for("auth.sent"))


@bp.get("/sign-in/sent")
def sent():
    return render_template("accounts/sign_in/sent.html")


def use_link(token: str, purpose: TokenPurpose, template: str):
    """GET shows a button (mail scanners follow links); POST uses the link up and signs in.

    Returns a response to send as it is, or None once the person is signed in."""
    form = ConfirmForm()
    try:
        live = accounts.peek_token(token, purpose)
        speak_as(live.locale or live.user.locale)
        if not form.validate_on_submit():
            return render_template(template, form=form)
        user, link_locale = accounts.redeem(live), live.locale
    except accounts.InvalidToken:
        return render_template("accounts/sign_in/invalid_link.html"), 400
    db.session.commit()
    start_session(user, link_locale)
    return None


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
def redeem(token: str):
    wanted = session.get(NEXT_KEY)
    response = use_link(token, TokenPurpose.SIGN_IN, "accounts/sign_in/redeem.html")
    # Coordinators come to coordinate: today's and tomorrow's shifts and the applicants waiting come first.
    landing = url_for("coordinator.index" if response is None and current_user.is_coordinator else "me.page")
    return response or redirect(safe_next(wanted, landing), code=303)


@bp.post("/sign-out")
@login_required
def sign_out():
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"), code=303)
