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
    # Required outside debug and tests (links in e-mails); None there means http://127.0.0.1:5000 (create_app).
    BASE_URL = os.environ.get("BASE_URL") or None
    # Host names the site answers to (Flask refuses others with 400); None: BASE_URL's host (create_app).
    TRUSTED_HOSTS = [host.strip() for host in os.environ["TRUSTED_HOSTS"].split(",") if host.strip()] \
        if os.environ.get("TRUSTED_HOSTS") else None

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Volontärer <no-reply@example.org>")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    # Where messages go when no MAIL_SERVER is set; None means instance/outbox. Outside debug and tests the site
    # refuses to start with neither MAIL_SERVER nor one of these set: saving mail to files must be a choice.
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR") or None
    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "volunteer.local")
    # Who delivers the outbox: "worker" (flask --app app deliver, a process of its own) or "thread" (a thread
    # of the web server's process); None means "thread" in debug (make run) and "worker" otherwise.
    MAIL_DELIVERY = os.environ.get("MAIL_DELIVERY") or None
    # The worker: how many messages it claims at a time, how long a claim lasts, how often it looks when idle.
    MAIL_BATCH = int(os.environ.get("MAIL_BATCH", "20"))
    MAIL_CLAIM_LEASE = timedelta(seconds=int(os.environ.get("MAIL_CLAIM_LEASE_SECONDS", "300")))
    MAIL_POLL_SECONDS = float(os.environ.get("MAIL_POLL_SECONDS", "2"))
    # Temporary failures wait about base * 2^(attempt-1), at most max, half of it random; after MAIL_GIVE_UP a
    # message that keeps failing is marked failed and listed for the admins.
    MAIL_RETRY_BASE = timedelta(seconds=float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30")))
    MAIL_RETRY_MAX = timedelta(seconds=float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600")))
    MAIL_GIVE_UP = timedelta(hours=int(os.environ.get("MAIL_GIVE_UP_HOURS", "24")))
    # The outbox holds personal data: delivered messages are deleted after this, failed ones after the other.
    MAIL_KEEP_DELIVERED = timedelta(days=int(os.environ.get("MAIL_KEEP_DELIVERED_DAYS", "30")))
    MAIL_KEEP_FAILED = timedelta(days=int(os.environ.get("MAIL_KEEP_FAILED_DAYS", "90")))
    MAIL_TO_FILES = _bool("MAIL_TO_FILES")

    # Where people write about the site: problems with accessibility, questions. Shown on the accessibility statement.
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "frg@example.org")
    # FRG's phone (any way of writing a Swedish number) and the hours on weekdays when someone answers it, on the
    # home page for people who want to ask before they sign up. The defaults are the demo's.
    CONTACT_PHONE = os.environ.get("CONTACT_PHONE", "010-123 45 00")
    CONTACT_HOURS = os.environ.get("CONTACT_HOURS", "09:00–16:00")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # memory:// counts per process and forgets on restart: outside debug and tests it is refused unless this
    # says the deployment runs one process (one gunicorn worker, one server).
    SINGLE_PROCESS = _bool("SINGLE_PROCESS")
    # Said for every app: Flask-Limiter otherwise keeps the last app's choice on its one shared instance.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "10 per hour")
    SIGNIN_RATE_LIMIT = os.environ.get("SIGNIN_RATE_LIMIT", "10 per hour")
    SIGNIN_PER_ADDRESS_LIMIT = os.environ.get("SIGNIN_PER_ADDRESS_LIMIT", "3 per 15 minutes")
    # Looking up certificates by code: enough for anyone checking a few, far too few to guess one.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per 10 minutes")
    # Check-in codes typed per person: plenty for a shift's arrivals and departures, far too few to guess a code.
    CHECK_IN_RATE_LIMIT = os.environ.get("CHECK_IN_RATE_LIMIT", "20 per 10 minutes")
    # Coordinators' messages to an audience: sends per coordinator, and the most people one message may go to.
    MESSAGE_RATE_LIMIT = os.environ.get("MESSAGE_RATE_LIMIT", "20 per hour")
    MESSAGE_MAX_RECIPIENTS = int(os.environ.get("MESSAGE_MAX_RECIPIENTS", "200"))
    # Call-outs for a shift's free places (counted in MESSAGE_RATE_LIMIT too): the most people one asks, how long
    # someone asked is left alone before another call-out may ask them, and how long after the shift the list of
    # who was asked is kept.
    CALLOUT_MAX = int(os.environ.get("CALLOUT_MAX", "30"))
    CALLOUT_QUIET_HOURS = int(os.environ.get("CALLOUT_QUIET_HOURS", "24"))
    CALLOUT_RETENTION = timedelta(days=int(os.environ.get("CALLOUT_RETENTION_DAYS", "90")))
    # Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Staff sign-in through an organisation's OpenID Connect provider (accounts/oidc); off unless the issuer, the
    # client id and the secret are all set. OIDC_ROLE_MAP is JSON: a group (a value of OIDC_GROUPS_CLAIM) to
    # {"organisation": name, "role": "coordinator" or "admin"}.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    OIDC_NAME = os.environ.get("OIDC_NAME", "")
    OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "{}")
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")

    # "json": every log line a JSON object (volunteer/logs.py; gunicorn's logs too, deploy/gunicorn.conf.py), else
    # plain text. LOG_LEVEL: the least severe level written (INFO, WARNING, ...).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()

    # Looking up the domain's mail servers catches typos but needs DNS; off by default.
    EMAIL_CHECK_DELIVERABILITY = _bool("EMAIL_CHECK_DELIVERABILITY")

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"

    SIGNIN_TOKEN_LIFETIME = timedelta(minutes=15)
    CONFIRM_TOKEN_LIFETIME = timedelta(days=3)
    # Bump when the privacy notice changes: signed-in people are then asked to accept the new version.
    PRIVACY_NOTICE_VERSION = "2026-12"

    # Keys the erasure ledger's hashes (volunteer/me/erasures.py). Unset: derived from SECRET_KEY. Changing the
    # key in use (or SECRET_KEY while this is unset) stops older ledger rows from matching after a restore.
    ERASURE_LEDGER_KEY = os.environ.get("ERASURE_LEDGER_KEY") or None
    # Where `flask --app app backup` writes when no --output is given; None means instance/backups.
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or None

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

    # The partnership report (coordinator/reports/partnership): a count of people below this shows as "fewer than
    # N", so that no volunteer can be singled out in a small activity.
    PARTNERSHIP_SMALL_NUMBER = int(os.environ.get("PARTNERSHIP_SMALL_NUMBER", "5"))

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
