"""Friendly, translated error pages."""
from flask import Flask, current_app, g, render_template
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from ..extensions import db
from ..i18n.catalog import gettext as _
from .health import DATABASE_DOWN


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, _("The form had expired"),
                     _("For your safety, forms stop working after a while. Go back, reload the page and try again.")
                     )

    @app.errorhandler(429)
    def too_many(error):
        return _page(429, _("Too many attempts"),
                     _("You have tried many times in a short while. Wait a few minutes and try again."))

    @app.errorhandler(404)
    def not_found(error):
        return _page(404, _("Page not found"), _("The page you looked for does not exist."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host header not in TRUSTED_HOSTS: no URLs can be built for it, so no page with links either.
        return _("Something was wrong with the request"), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def other_http(error):
        return _page(error.code or 400, _("Something was wrong with the request"),
                     _("Go back and try again."))

    for exception in DATABASE_DOWN:
        app.register_error_handler(exception, database_unavailable)

    @app.errorhandler(500)
    def server_error(error):
        return _page(500, _("Something went wrong"),
                     _("An error on our side stopped this page. Try again in a while."))


def _page(status: int, title: str, message: str):
    return render_template("errors/page.html", title=title, message=message), status


def database_unavailable(error):
    """503 with a calm page while the database cannot be reached; the next request tries again."""
    current_app.logger.warning("Database unreachable: %s", error.__class__.__name__)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool has already discarded it
        pass
    # The page must not touch the database again: show it as to a visitor, in the chosen or browser's language.
    g._login_user = AnonymousUserMixin()
    response = render_template("errors/page.html", title=_("The site is resting for a moment"),
                               message=_("We cannot reach our database just now. Nothing you have saved is lost. "
                                         "Try again in a minute."))
    return response, 503, {"Retry-After": "30", "Cache-Control": "no-store"}
