"""The restore drill: back up, erase a person, restore, reapply the erasure ledger: the person is gone (and their
place goes to the waitlist again), everyone else is as before. On SQLite (the backup API into a new file) and on PostgreSQL
(pg_dump, then pg_restore into a database this test creates and drops)."""
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from volunteer import create_app
from volunteer.backup import libpq
from volunteer.extensions import db
from volunteer.me import erasures, privacy
from volunteer.models import AuditEvent, Booking, BookingStatus, Erasure, Shift, Status, User, utcnow

KEPT, ERASED, WAITING = "kvar@example.org", "raderad@example.org", "vantar@example.org"


def world(app) -> dict:
    """What a restore must keep: every person's row, every booking and every shift's counters."""
    with app.app_context():
        return {
            "people": sorted((u.id, u.email, u.full_name, u.phone, u.status.value) for u in db.session.scalars(select(User))),
            "bookings": sorted((b.user_id, b.shift_id, b.status.value) for b in db.session.scalars(select(Booking))),
            "shifts": sorted((s.id, s.places_taken) for s in db.session.scalars(select(Shift))),
        }


@pytest.fixture
def booked(app, make_user, make_shift):
    """Two approved volunteers holding the two places of a coming shift, and a third on its waitlist."""
    shift = make_shift(places=2)
    people = [make_user(address, status=Status.APPROVED) for address in (KEPT, ERASED, WAITING)]
    with app.app_context():
        for person, status in zip(people, (BookingStatus.BOOKED, BookingStatus.BOOKED, BookingStatus.WAITLISTED)):
            db.session.add(Booking(user_id=person.id, shift_id=shift.id, status=status,
                                   waitlisted_at=utcnow() if status is BookingStatus.WAITLISTED else None))
        db.session.get(Shift, shift.id).places_taken = 2
        db.session.commit()
    return people


def restore_sqlite(database_url: str, backup: Path, tmp_path: Path):
    """Copy the backup into a new file with the backup API, as the README's restore says."""
    target = tmp_path / "restored.db"
    source, copy = sqlite3.connect(backup), sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close(), copy.close()
    yield f"sqlite:///{target}"


def restore_postgresql(database_url: str, backup: Path, tmp_path: Path):
    """pg_restore into a fresh database, dropped afterwards."""
    import psycopg

    name = f"volunteer_restore_{uuid.uuid4().hex[:10]}"
    admin, _ = libpq(make_url(database_url).set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    restored = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        dsn, env = libpq(restored)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", dsn, str(backup)], env=env,
                       check=True, capture_output=True)
        yield restored
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_restore_drill(app, runner, booked, database_url, tmp_path):
    _, erased, waiting = booked
    backups = tmp_path / "backups"
    result = runner.invoke(args=["backup", "--output", str(backups / "before.bak")])
    assert result.exit_code == 0, result.output
    before = world(app)
    with app.test_request_context():
        privacy.erase(db.session.get(User, erased.id), utcnow(), cause="deleted_by_self")
        db.session.commit()
    result = runner.invoke(args=["backup", "--output", str(backups / "after.bak")])  # saves the ledger too
    assert "1 erasure(s)" in result.output
    after = world(app)
    assert (waiting.id, before["shifts"][0][0], "offered") in after["bookings"], "the freed place is offered on"

    restore = restore_sqlite if database_url.startswith("sqlite") else restore_postgresql
    for url in restore(database_url, backups / "before.bak", tmp_path):
        restored = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": app.config["SECRET_KEY"],
                               "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "BASE_URL": "http://localhost"})
        assert world(restored) == before, "the backup holds the person"
        reapply = restored.test_cli_runner().invoke(
            args=["reapply-erasures", "--ledger", str(backups / erasures.LEDGER_FILE)])
        assert reapply.exit_code == 0 and "1 erased account(s)" in reapply.output, reapply.output
        assert world(restored) == after, "the person is gone, their place offered on, everyone else as before"
        again = restored.test_cli_runner().invoke(args=["reapply-erasures"])
        assert "0 erased account(s)" in again.output, "reapplying twice changes nothing"
        assert world(restored) == after
        with restored.app_context():
            assert db.session.scalar(select(AuditEvent.details).where(
                AuditEvent.subject_id == erased.id, AuditEvent.action == "account_deleted")) == {
                    "cause": "erasure_reapplied"}
            assert len(db.session.scalars(select(Erasure)).all()) == 1
        with restored.app_context():
            db.engine.dispose()


def test_the_ledger_names_nobody_and_is_written_with_the_erasure(app, make_user):
    person = make_user(ERASED, full_name="Rut Raderad", phone="+46701112233")
    with app.test_request_context():
        privacy.erase(db.session.get(User, person.id), utcnow(), cause="deleted_by_self")
        db.session.rollback()
        assert db.session.scalars(select(Erasure)).all() == [], "a rolled-back erasure leaves no row"
        privacy.erase(db.session.get(User, person.id), utcnow(), cause="deleted_by_self")
        db.session.commit()
        row = db.session.scalars(select(Erasure)).one()
    stored = f"{row.user_id} {row.fingerprint} {row.erased_at}"
    assert not any(value in stored for value in (ERASED, "raderad", "Rut", "46701112233"))


def test_someone_erased_who_signs_up_again_is_not_erased_by_a_reapply(app, make_user):
    first = make_user(ERASED)
    with app.test_request_context():
        privacy.erase(db.session.get(User, first.id), utcnow(), cause="deleted_by_self")
        db.session.commit()
    again = make_user(ERASED)  # on SQLite possibly with the same id
    with app.test_request_context():
        assert erasures.reapply(utcnow()) == 0
        db.session.commit()
        assert db.session.get(User, again.id) is not None


def test_a_backup_that_cannot_be_made_says_why_and_leaves_no_file(database_url, tmp_path):
    broken = "sqlite://" if database_url.startswith("sqlite") else \
        make_url(database_url).set(database="volunteer_no_such_database").render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": broken})
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "x.bak")])
    assert result.exit_code == 1
    assert "nothing to back up" in result.output or "pg_dump failed" in result.output, result.output
    assert not (tmp_path / "x.bak").exists()
