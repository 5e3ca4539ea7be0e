"""The outbox and its worker: a message commits or rolls back with its change, nothing in a request talks to SMTP,
temporary failures are retried, refusals mark the address, failures are listed for admins, and a real mail
server going down and coming back loses nothing and sends nothing twice."""
import email
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from volunteer import delivery
from volunteer.extensions import db
from volunteer.mail import send_after_commit
from volunteer.models import (Booking, BookingStatus, MessageStatus, OutboxMessage, Role, Status, TrainingSession,
                              User)
from volunteer.trainings import enrolments

from .helpers import Client, free_port, page_text, put_on, request_link, signed_in, stop, translated

START = datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc)  # the tests that move a clock start here
ROOT = Path(__file__).resolve().parents[1]


class Sink:
    """An SMTP server's handler that keeps what it accepts and refuses addresses that start with "nobody"."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class MailServer:
    """A real SMTP server on a fixed port that can go down and come back."""

    def __init__(self):
        self.sink, self.port, self.controller = Sink(), free_port(), None

    def up(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self):
        self.controller.stop()
        self.controller = None


@pytest.fixture
def mail_server():
    server = MailServer()
    server.up()
    yield server
    if server.controller:
        server.down()


def rows(app, **where):
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)))


def deliver(app) -> str:
    return app.test_cli_runner().invoke(args=["deliver", "--once"]).output


def test_a_message_commits_and_rolls_back_with_its_change(app):
    with app.test_request_context():
        send_after_commit("a@example.org", "sv", "account_deleted", "Rolled back", name="A")
        db.session.rollback()
        send_after_commit("b@example.org", "sv", "account_deleted", "Committed", name="B")
        db.session.commit()
    assert [row.subject for row in rows(app)] == ["Committed"]


def test_a_request_opens_no_smtp_connection_and_answers_as_fast_with_the_server_gone(make_app, make_user,
                                                                                      monkeypatch):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    make_user("v@example.org", status=Status.APPROVED)
    import smtplib

    def refuse(*args, **kwargs):
        raise AssertionError("a request opened an SMTP connection")

    monkeypatch.setattr(smtplib.SMTP, "__init__", refuse)
    client = Client(app.test_client())
    assert request_link(client, "v@example.org").status_code == 303
    assert request_link(client, "unknown@example.org").status_code == 303
    assert [row.recipient for row in rows(app, status=MessageStatus.QUEUED)] == ["v@example.org"]


@pytest.mark.now(START)
def test_temporary_failures_are_retried_with_growing_waits_then_given_up_and_listed(make_app, make_user, clock,
                                                                                    caplog):
    app = make_app(CLOCK=clock, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    make_user("v@example.org", status=Status.APPROVED)
    request_link(Client(app.test_client()), "v@example.org")
    waits = []
    while True:
        deliver(app)
        message, = rows(app)
        if message.status is not MessageStatus.QUEUED:
            break
        waits.append(message.next_attempt_at - clock())
        clock.now = message.next_attempt_at
    assert message.status is MessageStatus.FAILED and "ConnectionRefusedError" in message.last_error
    assert message.finished_at >= START + timedelta(hours=24)
    assert waits[0] <= timedelta(seconds=30) and waits[3] >= timedelta(seconds=120), "exponential"
    assert max(waits) <= timedelta(hours=1) and len(set(waits)) > 5, "capped, and with jitter"
    assert "retry in" in caplog.text and "given up" in caplog.text

    admin = make_user("admin@example.org", role=Role.ADMIN, status=Status.APPROVED)
    desk = signed_in(app, admin)
    listed = page_text(desk.get("/admin/messages"))
    assert "v@example.org" in listed and "ConnectionRefusedError" in listed
    desk.submit(f"/admin/messages/{message.id}/retry", {}, page="/admin/messages")
    again, = rows(app, id=message.id)
    assert (again.status, again.attempts, again.message_id) == (MessageStatus.QUEUED, 0, message.message_id)


@pytest.mark.now(START)
def test_a_refused_address_is_marked_for_the_person_and_their_coordinator(make_app, make_user, clock, mail_server,
                                                                          coordinator):
    app = make_app(CLOCK=clock, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    person = make_user("nobody@example.org", status=Status.APPROVED)
    request_link(Client(app.test_client()), "nobody@example.org")
    deliver(app)
    message, = rows(app)
    assert message.status is MessageStatus.BOUNCED and message.last_error.startswith("SMTP 550")
    assert mail_server.sink.messages == []
    mine = page_text(signed_in(app, person).get("/me"))
    assert translated(app, "sv", "Our e-mails to %(email)s are refused by its mail server, so you get no sign-in "
                      "links or messages about your shifts. Please correct your address.",
                      email="nobody@example.org") in mine
    theirs = signed_in(app, coordinator).get(f"/coordinator/people/{person.id}")
    assert 'id="mail-refused"' in page_text(theirs)


@pytest.mark.now(START)
def test_a_retry_after_an_unknown_outcome_is_the_same_message(make_app, make_user, clock, mail_server):
    """A worker that dies after the server took the message: the next claim sends it with the same Message-ID."""
    app = make_app(CLOCK=clock, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    make_user("v@example.org", status=Status.APPROVED)
    request_link(Client(app.test_client()), "v@example.org")
    with app.test_request_context(method="POST"):
        claimed = delivery.claim(clock(), 10)
        delivery.send(claimed)  # ... and the worker dies before it records the outcome
    clock.advance(minutes=6)  # the claim's lease runs out
    deliver(app)
    first, second = mail_server.sink.messages
    assert first["Message-ID"] == second["Message-ID"] == rows(app)[0].message_id


@pytest.mark.now(START)
def test_delivered_messages_are_deleted_after_the_retention_period(make_app, make_user, clock, outbox):
    app = make_app(CLOCK=clock)
    make_user("v@example.org", status=Status.APPROVED)
    request_link(Client(app.test_client()), "v@example.org")
    assert len(outbox.messages()) == 1 and rows(app)[0].status is MessageStatus.SENT
    clock.advance(days=29)
    deliver(app)
    assert len(rows(app)) == 1
    clock.advance(days=2)
    deliver(app)
    assert rows(app) == []


@pytest.mark.now(START)
def test_a_waitlist_offer_is_held_from_its_delivery_and_passes_on_when_it_cannot_be_delivered(
        make_app, make_user, make_shift, clock, mail_server):
    app = make_app(CLOCK=clock, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    shift = make_shift(places=1, starts_at=START + timedelta(days=5))
    holder = make_user("holder@example.org", status=Status.APPROVED)
    first = make_user("nobody@example.org", status=Status.APPROVED)
    second = make_user("second@example.org", status=Status.APPROVED)
    put_on(app, shift, holder)
    put_on(app, shift, first, BookingStatus.WAITLISTED, waitlisted_at=START - timedelta(hours=2))
    put_on(app, shift, second, BookingStatus.WAITLISTED, waitlisted_at=START - timedelta(hours=1))
    signed_in(app, holder).submit(f"/shifts/{shift.id}/cancel", {"next": "/shifts"}, page="/shifts")

    def offer(person):
        with app.app_context():
            return db.session.scalar(select(Booking).where(Booking.user_id == person.id))

    assert offer(first).status is BookingStatus.OFFERED
    clock.advance(hours=1)
    deliver(app)  # refused: the offer lapses at once, and the next run passes the place on
    assert offer(first).offer_expires_at == START + timedelta(hours=1)
    app.test_cli_runner().invoke(args=["process-waitlists"])
    assert offer(second).status is BookingStatus.OFFERED
    mail_server.down()
    clock.advance(hours=3)
    deliver(app)  # the server is away for hours: the hold waits for the e-mail
    mail_server.up()
    clock.advance(hours=3)
    deliver(app)
    # The holder's own confirmation that the place is given up, then the one offer that could be delivered.
    assert [m["To"] for m in mail_server.sink.messages] == ["holder@example.org", "second@example.org"]
    assert offer(second).offer_expires_at == START + timedelta(hours=7, days=1)


def test_in_debug_the_server_process_delivers_a_moment_after_the_click(make_app, make_user, outbox):
    app = make_app(MAIL_DELIVERY="thread", MAIL_POLL_SECONDS=5)
    make_user("v@example.org", status=Status.APPROVED)
    try:
        request_link(Client(app.test_client()), "v@example.org")
        wait_for(lambda: list(outbox.path.glob("*.eml")), "the e-mail", seconds=4)  # woken by the commit
    finally:
        delivery.stop_thread(app)
    assert len(list(outbox.path.glob("*.eml"))) == 1


def workers(app, mail_server, log_dir: Path, count: int) -> list:
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_server.port), "MAIL_RETRY_BASE_SECONDS": "0.2",
           "BASE_URL": "https://frivilliga.example.se", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
           "MAIL_RETRY_MAX_SECONDS": "1", "MAIL_POLL_SECONDS": "0.1", "MAIL_BATCH": "5", "FLASK_DEBUG": "0",
           "PYTHONUNBUFFERED": "1"}
    started = []
    for n in range(count):
        with (log_dir / f"worker{n}.log").open("w") as log:
            started.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "deliver"], cwd=ROOT,
                                            env=env, stdout=log, stderr=subprocess.STDOUT))
    return started


OUTAGE_PEOPLE = int(os.environ.get("OUTAGE_PEOPLE", "12"))


def test_a_mail_server_outage_loses_nothing_and_sends_nothing_twice(make_app, make_user, make_shift, mail_server,
                                                                    tmp_path):
    """Bookings, sign-in links and a waitlist offer while the mail server goes down and comes back, with two
    workers: every message arrives exactly once."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port, SIGNIN_RATE_LIMIT="1000 per hour")
    shift = make_shift(places=OUTAGE_PEOPLE, starts_at=datetime.now(timezone.utc) + timedelta(days=5))
    people = [make_user(f"p{n}@example.org", status=Status.APPROVED) for n in range(OUTAGE_PEOPLE + 1)]
    phones = [signed_in(app, person) for person in people]
    running = workers(app, mail_server, tmp_path, 2)
    try:
        third = OUTAGE_PEOPLE // 3
        for step, (person, phone) in enumerate(zip(people, phones)):
            if step == third:
                mail_server.down()
            if step == 2 * third:
                # a ceiling, not a timing: two fresh processes on a busy machine may take a while to start
                wait_for(lambda: "retry in" in logs(tmp_path) or not all(alive(running)),
                         "the workers to meet the outage", seconds=120)
                assert all(alive(running)), f"a worker stopped:\n{logs(tmp_path)[-3000:]}"
                mail_server.up()
            action = "book" if step < OUTAGE_PEOPLE else "waitlist"
            assert phone.submit(f"/shifts/{shift.id}/{action}", {"next": "/shifts"}, page="/shifts").status_code == 303
            request_link(Client(app.test_client()), person.email)
        phones[0].submit(f"/shifts/{shift.id}/cancel", {"next": "/shifts"}, page="/shifts")  # an offer goes out
        with app.app_context():
            queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        # a confirmation and a sign-in link each, the one who cancelled told so, the offer
        assert queued == 2 * (OUTAGE_PEOPLE + 1) + 1
        wait_for(lambda: len(mail_server.sink.messages) >= queued and not rows(app, status=MessageStatus.QUEUED),
                 f"every message to arrive; the workers said:\n{logs(tmp_path)[-3000:]}", seconds=120)
    finally:
        stopped = [stop(worker) for worker in running]
    assert all(stopped), "SIGTERM stops a worker after the batch in hand"
    ids = [message["Message-ID"] for message in mail_server.sink.messages]
    assert len(ids) == len(set(ids)) == queued, "each message once"
    assert {row.status for row in rows(app)} == {MessageStatus.SENT}
    offer, = rows(app, template="shift_offer")
    assert offer.recipient == people[-1].email and offer.message_id in ids
    assert "retry in" in logs(tmp_path)


def alive(workers: list) -> list[bool]:
    return [worker.poll() is None for worker in workers]


def logs(folder: Path) -> str:
    return "".join(path.read_text() for path in folder.glob("worker*.log"))


def wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


@pytest.mark.now(START)
def test_a_cancelled_shifts_roster_tells_whose_e_mail_arrived(make_app, make_user, make_shift, clock, mail_server,
                                                              coordinator):
    app = make_app(CLOCK=clock, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    shift = make_shift(places=2, starts_at=START + timedelta(days=5))
    put_on(app, shift, make_user("reached@example.org", full_name="Rut Nådd", status=Status.APPROVED))
    put_on(app, shift, make_user("nobody@example.org", full_name="Nils Ingen", status=Status.APPROVED))
    desk = signed_in(app, coordinator)
    response = desk.submit(f"/coordinator/shifts/{shift.id}/cancel", {"scope": "one"},
                           page=f"/coordinator/shifts/{shift.id}/cancel", follow_redirects=True)
    told = translated(app, "sv", "Cancelled; %(num)d person will be told by e-mail: the roster shows when it arrives.",
                      num=2)
    assert told.split(";")[0] in page_text(response)

    def state_of(name):
        roster = page_text(desk.get(f"/coordinator/shifts/{shift.id}/roster"))
        section = roster[roster.index('id="told"'):]
        line = section[section.index(name):]
        return line[:line.index("</li>")]

    assert translated(app, "sv", "Waiting to be delivered") in state_of("Rut Nådd")
    deliver(app)
    assert translated(app, "sv", "Delivered") in state_of("Rut Nådd")
    assert translated(app, "sv", "Address refused") in state_of("Nils Ingen")


@pytest.mark.now(START)
def test_reminders_queued_while_the_mail_server_is_down_arrive_once_it_is_back(make_app, make_user, make_shift,
                                                                               clock, mail_server):
    app = make_app(CLOCK=clock, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_server.port)
    shift = make_shift(starts_at=START + timedelta(hours=20), places=3)
    for n in range(3):
        put_on(app, shift, make_user(f"r{n}@example.org", status=Status.APPROVED), reminded_at=None)
    mail_server.down()
    assert "3 reminder(s) queued" in app.test_cli_runner().invoke(args=["send-reminders"]).output
    assert "0 reminder(s) queued" in app.test_cli_runner().invoke(args=["send-reminders"]).output
    deliver(app)
    assert {row.status for row in rows(app)} == {MessageStatus.QUEUED}
    mail_server.up()
    clock.advance(minutes=2)
    deliver(app)
    assert sorted(m["To"] for m in mail_server.sink.messages) == ["r0@example.org", "r1@example.org", "r2@example.org"]


@pytest.mark.now(START)
def test_a_message_that_breaks_the_sender_does_not_stop_the_others(make_app, make_user, clock, outbox,
                                                                   monkeypatch):
    app = make_app(CLOCK=clock)
    for address in ("broken@example.org", "fine@example.org"):
        make_user(address, status=Status.APPROVED)
        request_link(Client(app.test_client()), address)
    save = delivery.save_to_folder

    def fragile(message):
        if message.recipient.startswith("broken"):
            raise UnicodeEncodeError("ascii", "ö", 0, 1, "a surprise")
        return save(message)

    monkeypatch.setattr(delivery, "save_to_folder", fragile)
    assert [m["To"] for m in outbox.messages()] == ["fine@example.org"]
    broken, = rows(app, status=MessageStatus.QUEUED)
    assert broken.recipient == "broken@example.org" and "UnicodeEncodeError" in broken.last_error


@pytest.mark.now(START)
def test_a_training_sessions_page_tells_whose_e_mail_about_a_change_arrived(make_app, make_user, make_session,
                                                                            clock, outbox, coordinator):
    app = make_app(CLOCK=clock)
    training_session = make_session(organisation="FRG Testby", starts_at=START + timedelta(days=4))
    person = make_user("lisa@example.org", full_name="Lisa Lärande", status=Status.APPROVED)
    with app.test_request_context():  # enrolled, then the session moves and everyone on it is told
        held = db.session.get(TrainingSession, training_session.id)
        enrolments.enrol(db.session.get(User, person.id), held, START)
        assert enrolments.tell_about_change(held) == 1
        db.session.commit()
    desk = signed_in(app, coordinator)
    page = lambda: page_text(desk.get(f"/coordinator/trainings/sessions/{training_session.id}"))  # noqa: E731
    assert translated(app, "sv", "E-mails about this training session") in page()
    assert translated(app, "sv", "Waiting to be delivered") in page()
    outbox.messages()
    assert translated(app, "sv", "Delivered") in page()
