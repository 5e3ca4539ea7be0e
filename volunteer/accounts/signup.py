"""Public sign-up: the form, live field checks, and e-mail confirmation."""
from flask import Blueprint, abort, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from ..extensions import config_limit, db, limiter
from ..i18n.catalog import current_locale, lazy_gettext as _l
from ..i18n.languages import spoken_languages
from ..models import Organisation, TokenPurpose
from ..web.htmx import redirect_to, render
from . import service as accounts
from .forms import SignupForm
from .sign_in import mail_link, use_link

bp = Blueprint("signup", __name__)
MAILS = {TokenPurpose.CONFIRM: ("confirm", _l("Confirm your e-mail address")),
         TokenPurpose.SIGN_IN: ("signup_existing", _l("You already have an account"))}


def _signup_form() -> SignupForm:
    form = SignupForm()
    form.organisations.choices = [
        SelectChoice(org.id, org.name) for org in db.session.scalars(select(Organisation).order_by(Organisation.name))]
    return form


def _context(form: SignupForm) -> dict:
    return {"form": form, "spoken_languages": {language.code: language for language in spoken_languages()}}


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(config_limit("SIGNUP_RATE_LIMIT"), methods=["POST"])
def form():
    form = _signup_form()
    if not form.is_submitted():
        return render_template("accounts/signup/page.html", **_context(form))
    if not form.validate():
        return render("accounts/signup/page.html", "accounts/signup/_form.html", status=422, **_context(form))
    try:
        user, is_new = accounts.register(form, current_locale())
    except IntegrityError:  # the same address signed up at the same moment (a double tap): that one stands
        db.session.rollback()
        user, is_new = accounts.register(form, current_locale())
    purpose = TokenPurpose.CONFIRM if is_new or user.email_confirmed_at is None else TokenPurpose.SIGN_IN
    template, subject = MAILS[purpose]
    # A double tap mails once; the second does the same work with a link that leads nowhere, as for no account.
    recipient = None if accounts.link_just_sent(user, purpose) else user
    mail_link(recipient, purpose, template, subject, address=user.email)
    return redirect_to(url_for("signup.sent"))


@bp.post("/signup/check/<field>")
def check_field(field: str):
    """Validate the whole form, but answer with one field and its message (htmx, as a field is left)."""
    if field not in ("full_name", "email", "phone", "other_languages", "motivation"):
        abort(404)
    form = _signup_form()
    form.validate()
    return render_template("accounts/signup/_text_field.html", field=form[field], form=form)


@bp.get("/signup/sent")
def sent():
    return render_template("accounts/signup/sent.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    response = use_link(token, TokenPurpose.CONFIRM, "accounts/signup/confirm.html")
    return response or redirect(url_for("me.page", welcome=1), code=303)
