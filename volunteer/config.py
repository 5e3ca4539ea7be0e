"""Settings read from the environment, with safe defaults."""
import os
from datetime import timedelta

INSECURE_DEFAULT_KEY = "dev-only-insecure-key"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-minded defaults; every value can be set from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEFAULT_KEY)
    # None means: a SQLite file under instance/ (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Volontärer <no-reply@example.org>")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    # Where messages go when no MAIL_SERVER is set; None means instance/outbox.
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR") or None

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Said for every app: Flask-Limiter otherwise keeps the last app's choice on its one shared instance.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "10 per hour")
    SIGNIN_RATE_LIMIT = os.environ.get("SIGNIN_RATE_LIMIT", "10 per hour")
    SIGNIN_PER_ADDRESS_LIMIT = os.environ.get("SIGNIN_PER_ADDRESS_LIMIT", "3 per 15 minutes")
    # Looking up certificates by code: enough for anyone checking a few, far too few to guess one.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per 10 minutes")
    # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Looking up the domain's mail servers catches typos but needs DNS; off by default.
    EMAIL_CHECK_DELIVERABILITY = _bool("EMAIL_CHECK_DELIVERABILITY")

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"

    SIGNIN_TOKEN_LIFETIME = timedelta(minutes=15)
    CONFIRM_TOKEN_LIFETIME = timedelta(days=3)
    # Bump when the privacy notice changes: signed-in people are then asked to accept the new version.
    PRIVACY_NOTICE_VERSION = "2026-12"

    # Retention (flask --app app retention): applications never confirmed, rejected applications, and
    # volunteers with no activity, who are e-mailed and deleted RETENTION_WARNING_NOTICE later unless they sign in.
    RETENTION_UNCONFIRMED = timedelta(days=int(os.environ.get("RETENTION_UNCONFIRMED_DAYS", "30")))
    RETENTION_REJECTED = timedelta(days=int(os.environ.get("RETENTION_REJECTED_DAYS", "183")))
    RETENTION_INACTIVE = timedelta(days=int(os.environ.get("RETENTION_INACTIVE_DAYS", "730")))
    RETENTION_WARNING_NOTICE = timedelta(days=int(os.environ.get("RETENTION_WARNING_NOTICE_DAYS", "30")))

    # Shifts: how far ahead they can be booked, until when cancelling needs no word to the coordinators,
    # and how close to the start a full shift stops offering its waitlist.
    SHIFT_BOOKING_HORIZON = timedelta(days=int(os.environ.get("SHIFT_BOOKING_HORIZON_DAYS", "42")))
    SHIFT_CANCEL_CUTOFF = timedelta(hours=int(os.environ.get("SHIFT_CANCEL_CUTOFF_HOURS", "24")))
    SHIFT_WAITLIST_CLOSES = timedelta(hours=int(os.environ.get("SHIFT_WAITLIST_CLOSES_HOURS", "3")))

    # Flask-Compress: gzip first. On these pages and files it made the smallest bodies (htmx: 13.4 KB against
    # 13.9 KB for brotli at its default level and 14.2 KB for zstd), at a small cost in time.
    COMPRESS_ALGORITHM = ["gzip", "br", "zstd", "deflate"]

    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    MAX_CONTENT_LENGTH = 256 * 1024  # no form here needs more
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
