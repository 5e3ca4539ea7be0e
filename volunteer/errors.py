"""Friendly, translated error pages."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


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

    @app.errorhandler(HTTPException)
    def other_http(error):
        return _page(error.code or 400, _("Something was wrong with the request"),
                     _("Go back and try again."))

    @app.errorhandler(500)
    def server_error(error):
        return _page(500, _("Something went wrong"),
                     _("An error on our side stopped this page. Try again in a while."))


def _page(status: int, title: str, message: str):
    return render_template("errors/page.html", title=title, message=message), status
