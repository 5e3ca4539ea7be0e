"""Settings the app refuses to run without."""
import pytest

from volunteer import create_app

from .helpers import Client


def test_refuses_to_start_in_production_without_a_secret_key(monkeypatch):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "dev-only-insecure-key",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_starts_in_production_with_a_secret_key():
    app = create_app({"TESTING": False, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgresql_urls_use_psycopg3():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql://u@h/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_switching_limits_off_for_one_app_leaves_them_on_for_the_next(make_app, signup_data):
    make_app(RATELIMIT_ENABLED=False)
    app = make_app(SIGNUP_RATE_LIMIT="1 per hour")
    client = Client(app.test_client())
    statuses = [client.submit("/signup", dict(signup_data, email=f"p{n}@example.org")).status_code for n in range(2)]
    assert statuses == [303, 429]
