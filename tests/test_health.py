"""/healthz names the release and says whether the database lacks a migration this release brings."""
import re
from pathlib import Path

import volunteer
from volunteer.web import health

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"


def test_healthz_says_when_migrations_are_pending_and_asks_the_database_rarely(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_seen", {})
    assert client.get("/healthz").json["migrations"] == "current"
    monkeypatch.setattr(health, "script_heads", lambda folder: frozenset({"b99_newer_than_the_database"}))
    assert client.get("/healthz").json["migrations"] == "current", "read again only after a while"
    monkeypatch.setattr(health, "MIGRATIONS_CHECKED_EVERY", 0)
    response = client.get("/healthz")
    assert (response.status_code, response.json["migrations"]) == (200, "pending"), "up, but needs db upgrade"


def test_the_version_is_the_changelogs_newest_release():
    changelog = CHANGELOG.read_text()
    assert "## [Unreleased]" in changelog
    assert re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)[0] == volunteer.__version__
