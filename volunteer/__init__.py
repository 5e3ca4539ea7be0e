"""The application factory."""
import logging
import re
import traceback
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import INSECURE_DEFAULT_KEY, Config
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .i18n.catalog import current_locale, install_in_templates, lazy_gettext as _l
from .i18n.formats import (clock_time, date_and_times, date_range, day, join_list, left_to_right, long_date, month_name,
                           number, short_day, span, time_range, weekday, when)
from .i18n.languages import language_name, localized, site_locale_options, text_direction
from .i18n.locale import select_locale

ROOT = Path(__file__).resolve().parent.parent
_QUERY = re.compile(r"([A-Z]{3,7} /[^?\s]*)\?\S*")


def create_app(overrides: dict | None = None) -> Flask:
    """Build an app from the environment's settings, with optional overrides (tests)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Config)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config.update(overrides or {})
    _check_settings(app)

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    install_in_templates(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    _configure_login()

    from . import assets
    assets.init_app(app)

    from . import (admin, auth, cli, coordinator, directory, errors, health, hours_report, main, me, my_hours,
                   rosters, shift_admin, shifts, signup, training_admin, trainings, verification)
    for module in (main, signup, auth, me, trainings, shifts, my_hours, verification, training_admin, coordinator,
                   shift_admin, rosters, directory, hours_report, admin, health):
        app.register_blueprint(module.bp)
    errors.register(app)
    cli.register(app)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from . import fragments
    fragments.init_app(app)
    from .rules import may_take_trainings
    app.jinja_env.globals.update(
        current_locale=current_locale,
        text_direction=text_direction,
        site_locale_options=site_locale_options,
        may_take_trainings=may_take_trainings,
    )
    from .catalog import availability_labels, record_kind_label, skill_label, status_label
    from .forms import display_phone
    app.jinja_env.filters.update(
        phone=display_phone, join_list=join_list, when=when, day=day, long_date=long_date, clock_time=clock_time,
        language_name=language_name, localized=localized, span=span, short_day=short_day, time_range=time_range,
        weekday=weekday, number=number, ltr=left_to_right, date_and_times=date_and_times, month_name=month_name,
        date_range=date_range,
        skill_label=skill_label, availability_labels=availability_labels, status_label=status_label,
        record_kind=record_kind_label)
    app.after_request(_security_headers)
    if _no_query_strings not in logging.getLogger("werkzeug").filters:
        logging.getLogger("werkzeug").addFilter(_no_query_strings)
    if _no_database_values not in app.logger.filters:
        app.logger.addFilter(_no_database_values)
    return app


def _no_database_values(record: logging.LogRecord) -> bool:
    """A database error in the log keeps its traceback but not its message, which can quote the values
    (PostgreSQL: "Key (email)=(anna@example.org) already exists")."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, SQLAlchemyError):
        frames = "".join(traceback.format_tb(error.__traceback__))
        record.exc_info = None
        name = f"{type(error).__module__}.{type(error).__name__}"
        record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: (message withheld: personal data)"
    return True


def _no_query_strings(record: logging.LogRecord) -> bool:
    """The development server's request log without query strings, where a search may hold a name."""
    if record.args and isinstance(record.args, tuple):
        record.args = tuple(_QUERY.sub(r"\1?…", arg) if isinstance(arg, str) else arg for arg in record.args)
    return True


def _check_settings(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'volunteer.db'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not app.debug:
        # Database errors in the log show the statement, never the values (names, addresses, phone numbers).
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("hide_parameters", True)
    if uri.startswith("sqlite"):
        # Writers queue for SQLite's one write lock; wait for it rather than failing (seconds).
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("connect_args", {"timeout": 30})
    if uri.startswith("postgresql://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    if uri.startswith("postgresql"):
        # After a database restart, test pooled connections before use instead of failing one request each;
        # and when it is unreachable, answer 503 within seconds instead of waiting on the network.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("pool_pre_ping", True)
        options.setdefault("connect_args", {"connect_timeout": 5})
    relaxed = app.debug or app.testing
    if not relaxed and app.config["SECRET_KEY"] in (None, "", INSECURE_DEFAULT_KEY):
        raise RuntimeError("Set SECRET_KEY to a long random value (or run with --debug for local use).")
    if relaxed:
        # Local http://127.0.0.1 has no TLS; cookies stay Secure everywhere else.
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)


def _configure_login() -> None:
    from .sessions import load_user as load_session_user

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    # The "user id" Flask-Login keeps in the session and remember cookies is "person:session key".
    login_manager.user_loader(load_session_user)


# Scripts and styles only from this site's own files: no inline code, no eval, so injected markup cannot run.
# htmx is configured in base.html (htmx-config) not to add its indicator stylesheet, and no page uses hx-on.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    return response
