"""Settings the app refuses to run without."""
import pytest

from volunteer import create_app


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
