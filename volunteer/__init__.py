"""The application factory."""
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Config
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .i18n.catalog import install_in_templates, lazy_gettext as _l
from .i18n.locale import select_locale
from .startup import refusals
from .version import VERSION as __version__  # noqa: F401  (the release; CHANGELOG.md)
from .web import security, templating

ROOT = Path(__file__).resolve().parent.parent
# Every feature's blueprint, by module: the folder tree is the map of the site.
BLUEPRINTS = ("main", "accounts.signup", "accounts.sign_in", "accounts.oidc.views", "me.views", "trainings.views",
              "shifts.views", "hours.views", "hours.verification", "trainings.manage", "vetting.manage", "shifts.manage",
              "shifts.rosters", "vetting.directory", "hours.reports", "messages.manage", "admin", "web.health",
              "web.metrics", "leads.views", "leads.check_in", "leads.manage")


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
    from . import logs
    logs.init_app(app)  # before anything logs: the app's logger is made on first use

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
    from .accounts.oidc import client as oidc_client
    oidc_client.init_app(app)

    from .web import assets
    assets.init_app(app)

    from .web.urls import IdConverter
    app.url_map.converters["int"] = IdConverter  # before the routes are added: every <int:...> is an id
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)
    from . import cli
    from .web import errors
    errors.register(app)
    cli.register(app)

    templating.init_app(app)
    from .shifts import card_cache
    card_cache.init_app(app)
    from . import delivery
    delivery.init_app(app)
    from .web import metrics
    metrics.init_app(app)
    security.init_app(app)
    return app


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
    if relaxed and not app.config["BASE_URL"]:
        app.config["BASE_URL"] = "http://127.0.0.1:5000"
    if not relaxed:
        problems = refusals(app.config, ROOT / "translations")
        if problems:
            raise RuntimeError("The site will not start outside debug until these are fixed:\n- "
                               + "\n- ".join(problems))
    if app.config["TRUSTED_HOSTS"] is None:
        # Only BASE_URL's host: a forged Host header gets 400, not pages whose links point elsewhere. Locally
        # also the loopback names (the development server, the test client's "localhost").
        base_host = urlsplit(app.config["BASE_URL"]).hostname
        app.config["TRUSTED_HOSTS"] = [base_host, *(("localhost", "127.0.0.1") if relaxed else ())]
    if relaxed:
        # Local http://127.0.0.1 has no TLS; cookies stay Secure everywhere else.
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)


def _configure_login() -> None:
    from .accounts.device_sessions import load_user as load_session_user

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    # The "user id" Flask-Login keeps in the session and remember cookies is "person:session key".
    login_manager.user_loader(load_session_user)
