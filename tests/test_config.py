"""Settings the app refuses to run without."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from volunteer import create_app
from volunteer.startup import stale_catalogs

from .helpers import Client

ROOT = Path(__file__).resolve().parent.parent


def test_refuses_to_start_in_production_without_a_secret_key(monkeypatch):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "dev-only-insecure-key",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


PRODUCTION = {"TESTING": False, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "BASE_URL": "https://frivilliga.example.se",
              "MAIL_SERVER": "smtp.example.se"}


def test_starts_in_production_with_a_secret_key():
    app = create_app(PRODUCTION)
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


def test_the_trusted_hosts_are_base_urls_host_unless_set():
    app = create_app({**PRODUCTION, "BASE_URL": "https://frivilliga.example.se"})
    assert app.config["TRUSTED_HOSTS"] == ["frivilliga.example.se"]
    set_by_hand = create_app({**PRODUCTION, "TRUSTED_HOSTS": ["a.example", "b.example"]})
    assert set_by_hand.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
    local = create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert {"127.0.0.1", "localhost"} <= set(local.config["TRUSTED_HOSTS"])


def test_limits_kept_in_one_process_are_refused_outside_debug_unless_it_is_one_process():
    memory = {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"}
    with pytest.raises(RuntimeError, match="SINGLE_PROCESS"):
        create_app(memory)
    assert create_app({**memory, "SINGLE_PROCESS": True}).config["RATELIMIT_STORAGE_URI"] == "memory://"
    debug = create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": "memory://"})
    assert debug.debug, "make run (debug) starts with the default"


def test_make_run_starts_without_any_settings(tmp_path):
    """FLASK_DEBUG=1 flask --app app, as make run starts it, with none of the production settings."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "RATELIMIT_STORAGE_URI", "SINGLE_PROCESS", "DATABASE_URL", "TRUSTED_HOSTS")}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"], cwd=ROOT, capture_output=True,
                            text=True, env={**env, "FLASK_DEBUG": "1",
                                            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 0, result.stderr
    refused = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"], cwd=ROOT, capture_output=True,
                             text=True, env={**env, "FLASK_DEBUG": "0", "SECRET_KEY": "x" * 40,
                                             "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert refused.returncode != 0 and "SINGLE_PROCESS" in refused.stderr


@pytest.mark.parametrize("unset, message", [
    ({"BASE_URL": None}, "Set BASE_URL to the site's public address"),
    ({"MAIL_SERVER": None, "MAIL_OUTBOX_DIR": None}, "Set MAIL_SERVER (and MAIL_PORT"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI is memory://"),
    ({"SECRET_KEY": ""}, "Set SECRET_KEY"),
])
def test_refuses_to_start_outside_debug_without_each_production_setting(unset, message):
    with pytest.raises(RuntimeError) as refused:
        create_app({**PRODUCTION, **unset})
    assert message in str(refused.value) and str(refused.value).count("\n- ") == 1, "that problem and no other"
    assert create_app({**PRODUCTION, **unset, "DEBUG": True}).debug, "make run (debug) starts all the same"


def test_saving_mail_to_files_outside_debug_is_a_choice_said_out_loud():
    choice = create_app({**PRODUCTION, "MAIL_SERVER": None, "MAIL_TO_FILES": True})
    assert choice.config["MAIL_SERVER"] is None


def test_a_catalog_missing_or_older_than_its_source_refuses_the_start(tmp_path):
    folder = tmp_path / "translations"
    for code in ("sv", "ar"):
        (folder / code / "LC_MESSAGES").mkdir(parents=True)
        (folder / code / "LC_MESSAGES" / "messages.po").write_text("")
    (folder / "sv" / "LC_MESSAGES" / "messages.mo").write_text("")
    os.utime(folder / "sv" / "LC_MESSAGES" / "messages.mo", (1, 1))
    assert stale_catalogs(folder) == [
        "translations/ar/LC_MESSAGES/messages.mo is missing: compile the translations (pybabel compile -d "
        "translations, or make translations).",
        "translations/sv/LC_MESSAGES/messages.mo is older than its .po: compile the translations (pybabel compile "
        "-d translations, or make translations)."]
    (folder / "ar" / "LC_MESSAGES" / "messages.mo").write_text("")
    os.utime(folder / "sv" / "LC_MESSAGES" / "messages.mo")
    assert stale_catalogs(folder) == []
    assert stale_catalogs(ROOT / "translations") == [], "this checkout's catalogs are compiled"
