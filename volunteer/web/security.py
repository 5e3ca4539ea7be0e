"""Security headers on every response, and log filters that keep personal data out of the logs."""
import logging
import re
import traceback

from sqlalchemy.exc import SQLAlchemyError

# Paths whose next segment is a secret (a sign-in or confirmation link, a calendar feed, a waitlist offer) or
# names a person (a certificate's code); tests/test_logs.py checks that every route with a <token> or <code> is here.
SECRET_PATHS = ("/sign-in/", "/confirm/", "/calendar/", "/shifts/offers/", "/shifts/call-outs/", "/trainings/offers/",
                "/verify/")
_SECRET_SEGMENT = re.compile("(" + "|".join(re.escape(path) for path in SECRET_PATHS) + r")(?!sent\b)[^/?\s\"]+")
# A query string may hold a search for a name or an address.
_QUERY = re.compile(r"(/[^?\s\"]*)\?[^\s\"]*")
# A mail server's refusal quotes the address ("550 <anna@example.org>: no such user").
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """A log line's text without query strings, secret path segments and e-mail addresses: "/sign-in/…",
    "/volunteers?…", "…@…"."""
    return _EMAIL.sub("…@…", _QUERY.sub(r"\1?…", _SECRET_SEGMENT.sub(r"\1…", text)))


def init_app(app) -> None:
    app.after_request(security_headers)
    for logger in (logging.getLogger("werkzeug"), app.logger):
        if no_secrets not in logger.filters:
            logger.addFilter(no_secrets)
    if no_database_values not in app.logger.filters:
        app.logger.addFilter(no_database_values)


def no_database_values(record: logging.LogRecord) -> bool:
    """A database error in the log keeps its traceback but not its message, which can quote the values
    (PostgreSQL: "Key (email)=(anna@example.org) already exists")."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, SQLAlchemyError):
        frames = "".join(traceback.format_tb(error.__traceback__))
        record.exc_info = None
        name = f"{type(error).__module__}.{type(error).__name__}"
        record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: (message withheld: personal data)"
    return True


def no_secrets(record: logging.LogRecord) -> bool:
    """A log record (the development server's request log, Flask's "Exception on /sign-in/… [POST]") without
    query strings or secret path segments."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    if record.args and isinstance(record.args, tuple):
        record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
    return True



# Scripts and styles only from this site's own files: no inline code, no eval, so injected markup cannot run.
# htmx is configured in base.html (htmx-config) not to add its indicator stylesheet, and no page uses hx-on.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    return response
