"""Sign-in with the organisation's identity provider: off to the provider, and back with a verified ID token."""
import requests
from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from joserfc.errors import JoseError

from ...i18n.catalog import lazy_gettext as _l
from ...mail import absolute_url
from ...web.urls import safe_next
from ..sign_in import NEXT_KEY, start_session
from . import grants
from .client import id_token_rules, provider

bp = Blueprint("oidc", __name__)

# What a refused person reads: the provider's sign-in worked or did not, and what to do instead.
REFUSALS = {
    "no_role": _l("Your organisation's account gives you no role on this site. Volunteers sign in with a link "
                  "sent by e-mail; staff who should be coordinators can ask their organisation to add them."),
    "unverified": _l("Your organisation's account has no verified e-mail address, so we cannot tell who you are "
                     "here. Sign in with a link sent by e-mail instead."),
    "failed": _l("The sign-in with your organisation's account did not work. Try again, or sign in with a link "
                 "sent by e-mail."),
}
# Whatever the provider or its answer gets wrong (a bad signature, nonce, audience or code verifier; the provider
# down or refusing) ends in the same calm page.
FAILURES = (AuthlibBaseError, JoseError, requests.RequestException)


def _client():
    client = provider()
    if client is None:
        abort(404)
    return client


@bp.get("/sign-in/organisation")
def start():
    return _client().authorize_redirect(absolute_url("oidc.callback"))


@bp.get("/sign-in/organisation/callback")
def callback():
    client = _client()
    wanted = session.get(NEXT_KEY)
    try:
        claims = client.authorize_access_token(claims_options=id_token_rules(client)).get("userinfo")
        if claims is None:
            raise grants.Refused("failed")  # no ID token, or one not asked for with a nonce
        user = grants.sign_in(claims)
    except FAILURES as error:
        current_app.logger.warning("Sign-in with the identity provider failed: %s: %s", type(error).__name__, error)
        return _refused("failed")
    except grants.Refused as refusal:
        return _refused(refusal.reason)
    start_session(user)
    return redirect(safe_next(wanted, url_for("me.page")), code=303)


def _refused(reason: str):
    status = 400 if reason == "failed" else 403
    return render_template("accounts/sign_in/organisation_refused.html", message=REFUSALS[reason]), status
