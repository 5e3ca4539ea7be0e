"""Real concurrent requests to several server processes (gunicorn workers): many people racing for the last place
of a shift, round after round, and one person's double tap on book, enrol, approve and sign up.

RACE_ROUNDS sets the number of rounds (default 100)."""
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import (AuditEvent, Booking, BookingStatus, Enrolment, Role, Shift, Status, TrainingSession,
                              User, utcnow)

from .helpers import CSRF_RE, session_cookie


ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
PEOPLE = 20
ROUNDS = int(os.environ.get("RACE_ROUNDS", "100"))
TAPS = 4
SECRET = "concurrency-test-secret-that-is-long-enough"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def outbox_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory, outbox_dir):
    """gunicorn with several worker processes on the test database, as in production; one for the module."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "BASE_URL": f"http://127.0.0.1:{port}",
           "MAIL_OUTBOX_DIR": str(outbox_dir), "FLASK_DEBUG": "0", "SIGNUP_RATE_LIMIT": "1000 per hour"}
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "app:app"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90  # a busy two-core machine can be slow to start four workers
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            assert process.poll() is None and time.monotonic() < deadline, f"gunicorn did not start:\n{log.read_text()}"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def request(port, method, path, cookie, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"session={cookie}"} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    new_cookie = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
    return response.status, text, new_cookie.group(1) if new_cookie else cookie


def ready(port, cookie, page):
    """A browser that has opened the page: its session cookie and the form's CSRF token."""
    status, html, cookie = request(port, "GET", page, cookie)
    assert status == 200, html[:500]
    return cookie, CSRF_RE.search(html).group(1)


def at_once(port, path, browsers, fields=None):
    """POST the same form from every (cookie, token) at the same moment; the statuses."""
    barrier = threading.Barrier(len(browsers))
    results = [None] * len(browsers)

    def post(index):
        cookie, token = browsers[index]
        barrier.wait()
        results[index] = request(port, "POST", path, cookie, urlencode({**(fields or {}), "csrf_token": token},
                                                                       doseq=True))[0]

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_a_hundred_rounds_of_twenty_people_on_four_processes_book_the_last_place_once(
        make_app, make_user, make_shift, server):
    app = make_app(SECRET_KEY=SECRET)
    people = [make_user(f"p{index}@example.org", status=Status.APPROVED) for index in range(PEOPLE)]
    browsers = [ready(server, session_cookie(app, user), "/shifts") for user in people]
    first = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    shifts, outcomes = [], []
    started = time.monotonic()
    for round_ in range(ROUNDS):
        # A fresh shift each round, after the one before, so nobody's bookings overlap.
        shift = make_shift(places=1, starts_at=first + timedelta(hours=4 * round_), hours=3)
        shifts.append(shift.id)
        outcomes.append(sorted(at_once(server, f"/shifts/{shift.id}/book", browsers)))
    elapsed = time.monotonic() - started

    wrong = [(index, result) for index, result in enumerate(outcomes) if result != [303] + [409] * (PEOPLE - 1)]
    assert wrong == [], wrong
    with app.app_context():
        taken = dict(db.session.execute(select(Shift.id, Shift.places_taken).where(Shift.id.in_(shifts))).all())
        booked = dict(db.session.execute(
            select(Booking.shift_id, func.count()).where(Booking.shift_id.in_(shifts),
                                                         Booking.status == BookingStatus.BOOKED)
            .group_by(Booking.shift_id)).all())
        doubles = db.session.execute(
            select(Booking.shift_id, Booking.user_id).where(Booking.shift_id.in_(shifts))
            .group_by(Booking.shift_id, Booking.user_id).having(func.count() > 1)).all()
    overbooked = [shift for shift in shifts if taken[shift] != 1 or booked.get(shift) != 1]
    print(f"\nbooking race on {db_name(app)}: {ROUNDS} rounds x {PEOPLE} clients = {ROUNDS * PEOPLE} requests to "
          f"{WORKERS} workers in {elapsed:.1f} s; {len(overbooked)} overbooked, {len(doubles)} double bookings")
    assert overbooked == [] and doubles == []


def db_name(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]


def mails(outbox_dir: Path, to: str) -> int:
    return sum(f"To: {to}" in path.read_text(errors="replace") for path in outbox_dir.glob("*.eml"))


def test_double_taps_act_once(make_app, make_user, make_shift, make_session, frg, server, outbox_dir):
    """One phone sends the same form several times at once (a double tap on a slow connection)."""
    app = make_app(SECRET_KEY=SECRET)
    volunteer = make_user("tapper@example.org", status=Status.APPROVED)
    coordinator = make_user("cora@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[frg])
    applicant = make_user("ali@example.org", status=Status.CONFIRMED)
    shift = make_shift(places=5, starts_at=utcnow() + timedelta(days=30))
    session = make_session(seats=5)

    phone = ready(server, session_cookie(app, volunteer), "/shifts")
    assert sorted(at_once(server, f"/shifts/{shift.id}/book", [phone] * TAPS)) == [303] + [409] * (TAPS - 1)
    phone = ready(server, phone[0], "/trainings")
    assert sorted(at_once(server, f"/trainings/{session.id}/enrol", [phone] * TAPS)) == [303] + [409] * (TAPS - 1)

    desk = ready(server, session_cookie(app, coordinator), f"/coordinator/people/{applicant.id}")
    prefix = f"person{applicant.id}-"
    decisions = at_once(server, f"/coordinator/people/{applicant.id}/decision", [desk] * TAPS,
                        {prefix + "held_on": (date.today() - timedelta(days=1)).isoformat(),
                         prefix + "decision": "approve"})
    assert all(status == 303 for status in decisions), decisions  # the later ones: "someone else has decided"

    visitor = ready(server, None, "/signup")
    signups = at_once(server, "/signup", [visitor] * TAPS, {
        "full_name": "Samira Haddad", "email": "samira@example.org", "phone": "070-123 45 67",
        "languages": ["ar", "sv"], "availability": ["evenings"], "motivation": "Jag vill hjälpa till.",
        "adult": "y", "consent": "y"})
    assert all(status == 303 for status in signups), signups

    with app.app_context():
        count = lambda query: db.session.scalar(select(func.count()).select_from(query.subquery()))  # noqa: E731
        assert count(select(Booking).where(Booking.shift_id == shift.id)) == 1
        assert db.session.get(Shift, shift.id).places_taken == 1
        assert count(select(Enrolment).where(Enrolment.session_id == session.id)) == 1
        assert db.session.get(TrainingSession, session.id).seats_taken == 1
        assert db.session.get(User, applicant.id).status is Status.APPROVED
        assert count(select(AuditEvent).where(AuditEvent.action == "approved",
                                              AuditEvent.subject_id == applicant.id)) == 1
        assert count(select(User).where(User.email == "samira@example.org")) == 1
    assert mails(outbox_dir, "ali@example.org") == 1, "one approval e-mail"
    assert mails(outbox_dir, "samira@example.org") == 1, "one confirmation e-mail"
