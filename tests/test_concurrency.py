"""Real concurrent requests to several server processes (gunicorn workers): many people racing for the last place
of a shift, round after round, and one person's double tap on book, enrol, approve and sign up.

RACE_ROUNDS sets the number of rounds of the race for the last place (default 100); PLACE_RACE_ROUNDS those of
the races of one person with themselves (two overlapping shifts, two sessions of one training), of a booking with
its person's erasure and of a coordinator lowering the places or seats while people book (default 4). After every race flask check-places finds every counter equal to its rows."""
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
from volunteer.models import (AuditEvent, Booking, BookingStatus, Enrolment, EnrolmentStatus, Role, Shift, Status,
                              TrainingSession, User, utcnow)

from .forms_on_page import forms_on
from .helpers import CSRF_RE, session_cookie, stop


ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
PEOPLE = 20
ROUNDS = int(os.environ.get("RACE_ROUNDS", "100"))
PLACE_ROUNDS = int(os.environ.get("PLACE_RACE_ROUNDS", "4"))
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
           "MAIL_OUTBOX_DIR": str(outbox_dir), "FLASK_DEBUG": "0", "SIGNUP_RATE_LIMIT": "1000 per hour",
           # The races are not about rate limits: each worker may keep its own counts (production uses Redis).
           "RATELIMIT_STORAGE_URI": "memory://", "SINGLE_PROCESS": "1"}
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
        stop(process)


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
    return posts_at_once(port, [(path, browser, fields) for browser in browsers])


def posts_at_once(port, posts):
    """Several (path, (cookie, token), fields) POSTs sent at the same moment; their statuses, in order."""
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def post(index):
        path, (cookie, token), fields = posts[index]
        barrier.wait()
        results[index] = request(port, "POST", path, cookie, urlencode({**(fields or {}), "csrf_token": token},
                                                                       doseq=True))[0]

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def assert_every_counter_matches(app) -> None:
    """flask check-places after a race: no counter differs from the rows that hold places."""
    result = app.test_cli_runner().invoke(args=["check-places"])
    print(f"check-places: {result.output.strip()}")
    assert result.exit_code == 0 and "Every counter matches its rows." in result.output, result.output


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
    assert_every_counter_matches(app)


def db_name(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]


def mails(outbox_dir: Path, to: str) -> int:
    return sum(f"To: {to}" in path.read_text(errors="replace") for path in outbox_dir.glob("*.eml"))


def test_double_taps_act_once(make_app, make_user, make_shift, make_session, frg, server, outbox_dir):
    """One phone sends the same form several times at once (a double tap on a slow connection)."""
    app = make_app(SECRET_KEY=SECRET, MAIL_OUTBOX_DIR=str(outbox_dir))
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
    app.test_cli_runner().invoke(args=["deliver", "--once"])  # the worker sends what the server queued
    assert mails(outbox_dir, "ali@example.org") == 1, "one approval e-mail"
    assert mails(outbox_dir, "samira@example.org") == 1, "one confirmation e-mail"
    assert_every_counter_matches(app)


def first_slot():
    """A moment in the coming days, on the hour, well inside the booking window."""
    return utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)


def test_one_person_booking_two_overlapping_shifts_at_once_gets_one(make_app, make_user, make_shift, server):
    """The overlap gate holds when both bookings arrive at the same moment, on different server processes."""
    app = make_app(SECRET_KEY=SECRET)
    volunteer = make_user("twice@example.org", status=Status.APPROVED)
    phone = ready(server, session_cookie(app, volunteer), "/shifts")
    outcomes, start = [], first_slot() + timedelta(days=10)
    for round_ in range(PLACE_ROUNDS):
        one = make_shift(places=3, starts_at=start + timedelta(hours=6 * round_), hours=3)
        other = make_shift(site="Mötesplats Ost", places=3, starts_at=one.starts_at + timedelta(hours=1), hours=3)
        outcomes.append(sorted(posts_at_once(server, [(f"/shifts/{one.id}/book", phone, None),
                                                      (f"/shifts/{other.id}/book", phone, None)])))
    with app.app_context():
        booked = db.session.scalar(select(func.count()).where(Booking.user_id == volunteer.id,
                                                              Booking.status == BookingStatus.BOOKED))
    print(f"\noverlap race on {db_name(app)}: {PLACE_ROUNDS} rounds of two overlapping bookings at once: {outcomes}; "
          f"{booked} booked")
    assert outcomes == [[303, 409]] * PLACE_ROUNDS and booked == PLACE_ROUNDS
    assert_every_counter_matches(app)


def test_a_booking_racing_its_account_deletion_leaves_no_place_taken(make_app, make_user, make_shift, server):
    """Book and delete my account at the same moment: the place is either given back or never taken."""
    app = make_app(SECRET_KEY=SECRET)
    outcomes, start = [], first_slot() + timedelta(days=20)
    for round_ in range(PLACE_ROUNDS):
        person = make_user(f"leaving{round_}@example.org", status=Status.APPROVED)
        shift = make_shift(places=5, starts_at=start + timedelta(hours=4 * round_))
        phone = ready(server, session_cookie(app, person), "/me/delete")
        outcomes.append(posts_at_once(server, [(f"/shifts/{shift.id}/book", phone, None), ("/me/delete", phone, None)]))
        with app.app_context():
            assert db.session.get(User, person.id) is None
    with app.app_context():
        left = db.session.scalar(select(func.sum(Shift.places_taken)).where(Shift.starts_at >= start))
    print(f"\nbooking against erasure on {db_name(app)}: {PLACE_ROUNDS} rounds, (book, delete) statuses {outcomes}; "
          f"{left} places taken afterwards")
    assert all(book < 500 and delete == 303 for book, delete in outcomes) and left == 0
    assert_every_counter_matches(app)


def edit_form(port, cookie, page) -> tuple[tuple, dict]:
    """A coordinator's edit form (a shift's or a session's) as the page fills it in: the browser and the fields it
    sends."""
    status, html, cookie = request(port, "GET", page, cookie)
    assert status == 200, html[:500]
    form = next(form for form in forms_on(html, page) if form.action.endswith("/edit"))
    fields = {name: field.value or (field.options[0] if field.kind == "radio" else "")
              for name, field in form.fields.items() if field.kind != "checkbox" and name != "csrf_token"}
    return (cookie, form.fields["csrf_token"].value), fields


def test_lowering_the_places_while_people_book_never_fails(make_app, make_user, make_shift, frg, server):
    """A coordinator saves fewer places while volunteers take them: the edit is refused with its reason (422) or
    the bookings are (409); the places taken never exceed the places."""
    app = make_app(SECRET_KEY=SECRET)
    coordinator = make_user("lowering@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[frg])
    people = [make_user(f"eager{index}@example.org", status=Status.APPROVED) for index in range(5)]
    browsers = [ready(server, session_cookie(app, user), "/shifts") for user in people]
    desk_cookie, outcomes, start = session_cookie(app, coordinator), [], first_slot() + timedelta(days=30)
    for round_ in range(PLACE_ROUNDS):
        shift = make_shift(places=6, starts_at=start + timedelta(hours=4 * round_))
        desk, fields = edit_form(server, desk_cookie, f"/coordinator/shifts/{shift.id}/edit")
        statuses = posts_at_once(server, [(f"/coordinator/shifts/{shift.id}/edit", desk, {**fields, "places": "3"})]
                                 + [(f"/shifts/{shift.id}/book", browser, None) for browser in browsers])
        with app.app_context():
            stored = db.session.get(Shift, shift.id)
            outcomes.append((statuses[0], sorted(statuses[1:]), stored.places, stored.places_taken))
    print(f"\nlowering the places on {db_name(app)}: {PLACE_ROUNDS} rounds of (edit, bookings, places, taken): "
          f"{outcomes}")
    assert all(edit in (303, 422) and max(books) < 500 and taken <= places
               for edit, books, places, taken in outcomes), outcomes
    assert_every_counter_matches(app)


def test_one_person_enrolling_on_two_sessions_of_a_training_at_once_gets_one(make_app, make_user, make_session,
                                                                            server):
    """One session of a training at a time holds when both enrolments arrive at once, on different processes."""
    app = make_app(SECRET_KEY=SECRET)
    volunteer = make_user("both@example.org", status=Status.APPROVED)
    phone = ready(server, session_cookie(app, volunteer), "/trainings")
    outcomes, start = [], first_slot() + timedelta(days=40)
    for round_ in range(PLACE_ROUNDS):
        title = f"Kurs {round_}"
        one = make_session(title=title, qualification=None, seats=3, starts_at=start + timedelta(days=round_))
        other = make_session(title=title, qualification=None, seats=3, starts_at=one.starts_at + timedelta(hours=6))
        outcomes.append(sorted(posts_at_once(server, [(f"/trainings/{one.id}/enrol", phone, None),
                                                      (f"/trainings/{other.id}/enrol", phone, None)])))
    with app.app_context():
        enrolled = db.session.scalar(select(func.count()).where(Enrolment.user_id == volunteer.id,
                                                                Enrolment.status == EnrolmentStatus.ENROLLED))
    print(f"\none session per training on {db_name(app)}: {PLACE_ROUNDS} rounds of two enrolments at once: "
          f"{outcomes}; {enrolled} enrolled")
    assert outcomes == [[303, 409]] * PLACE_ROUNDS and enrolled == PLACE_ROUNDS
    assert_every_counter_matches(app)


def test_lowering_the_seats_while_people_enrol_never_fails(make_app, make_user, make_session, server):
    """A coordinator saves fewer seats while volunteers take them: the edit is refused with its reason (422) or the
    enrolments are (409); the seats taken never exceed the seats."""
    app = make_app(SECRET_KEY=SECRET)
    first = make_session(title="Sänkta platser", seats=6, starts_at=first_slot() + timedelta(days=50))
    with app.app_context():
        organisation_id = db.session.get(TrainingSession, first.id).training.organisation_id
    coordinator = make_user("seats@example.org", status=Status.APPROVED, role=Role.COORDINATOR,
                            coordinates=[organisation_id])
    people = [make_user(f"keen{index}@example.org", status=Status.APPROVED) for index in range(5)]
    browsers = [ready(server, session_cookie(app, user), "/trainings") for user in people]
    desk_cookie, outcomes = session_cookie(app, coordinator), []
    for round_ in range(PLACE_ROUNDS):
        session = first if round_ == 0 else make_session(title=f"Sänkta platser {round_}", seats=6,
                                                         starts_at=first.starts_at + timedelta(days=round_))
        desk, fields = edit_form(server, desk_cookie, f"/coordinator/trainings/sessions/{session.id}/edit")
        statuses = posts_at_once(
            server, [(f"/coordinator/trainings/sessions/{session.id}/edit", desk, {**fields, "seats": "3"})]
            + [(f"/trainings/{session.id}/enrol", browser, None) for browser in browsers])
        with app.app_context():
            stored = db.session.get(TrainingSession, session.id)
            outcomes.append((statuses[0], sorted(statuses[1:]), stored.seats, stored.seats_taken))
    print(f"\nlowering the seats on {db_name(app)}: {PLACE_ROUNDS} rounds of (edit, enrolments, seats, taken): "
          f"{outcomes}")
    assert all(edit in (303, 422) and max(enrols) < 500 and taken <= seats
               for edit, enrols, seats, taken in outcomes), outcomes
    assert_every_counter_matches(app)
