"""The delivery worker: sends what the outbox holds, retrying temporary failures with backoff and jitter.

A worker claims a batch of due messages in one short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, so
several workers never claim the same row; SQLite's one write lock does the same for its one worker) by pushing
their next attempt a lease ahead, sends them with no transaction open, then records each outcome. A worker that
dies mid-send leaves its rows to be claimed again when the lease runs out; they carry the Message-ID they were
queued with, so such a retry reaches the person as the same message."""
import email
import logging
import random
import secrets
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy
from email.utils import parseaddr

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, exists, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from . import clock
from .extensions import db
from .mail import QUEUED_KEY, outbox_dir
from .models import Booking, Enrolment, MessageStatus, OutboxMessage, Shift, TrainingSession, User
from .rules.places import OFFER_WINDOW

log = logging.getLogger("volunteer.delivery")

SENT, TEMPORARY, PERMANENT = "sent", "temporary", "permanent"


@dataclass
class Claimed:
    id: int
    recipient: str
    template: str
    about: str | None
    body: bytes
    attempts: int


@dataclass
class Outcome:
    kind: str
    error: str = ""


def claim(now: datetime, limit: int) -> list[Claimed]:
    """Take up to limit due messages for this worker, and commit."""
    rows = [Claimed(*row) for row in db.session.execute(
        select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.template, OutboxMessage.about,
               OutboxMessage.body, OutboxMessage.attempts)
        .where(OutboxMessage.status == MessageStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True))]
    if rows:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in rows]))
            .values(next_attempt_at=now + current_app.config["MAIL_CLAIM_LEASE"],
                    attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
    db.session.commit()
    return rows


def deliver_due(now: datetime | None = None) -> int:
    """Claim one batch, send it and record what happened; how many messages were claimed."""
    now = now or clock.now()
    batch = claim(now, current_app.config["MAIL_BATCH"])
    if not batch:
        return 0
    outcomes = send(batch)
    done = clock.now()
    for message in batch:
        record(message, outcomes[message.id], done)
    db.session.commit()
    return len(batch)


def send(batch: list[Claimed]) -> dict[int, Outcome]:
    """Each message's outcome: over one SMTP connection, or printed and saved when there is no MAIL_SERVER."""
    if not current_app.config["MAIL_SERVER"]:
        return {message.id: guarded(save_to_folder, message) for message in batch}
    outcomes, server = {}, None
    for message in batch:
        try:
            server = server or connect()
        except (smtplib.SMTPException, OSError) as error:
            # The server is not there: the rest of the batch waits for the next attempt, untried.
            outcomes.update({m.id: Outcome(TEMPORARY, describe(error)) for m in batch if m.id not in outcomes})
            break
        outcomes[message.id] = guarded(send_one, server, message)
        if outcomes[message.id].kind == TEMPORARY:
            server = close(server)
    close(server)
    return outcomes


def guarded(send_with, *args) -> Outcome:
    """Any other error while sending one message is that message's temporary failure: one broken message must
    not stop the worker, nor the batch it came in (it is retried, then given up on and listed for the admins)."""
    try:
        return send_with(*args)
    except Exception as error:  # noqa: BLE001 (see the docstring)
        log.exception("sending message %d failed unexpectedly", args[-1].id)
        return Outcome(TEMPORARY, describe(error))


def send_one(server: smtplib.SMTP, message: Claimed) -> Outcome:
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    try:
        server.sendmail(sender, [message.recipient], message.body)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        return Outcome(PERMANENT if code >= 500 else TEMPORARY, describe(error, code, reply))
    except smtplib.SMTPResponseException as error:
        # A 5xx here is about the sender, the login or the content, not the person's address: worth retrying
        # until it is given up on and an admin looks.
        return Outcome(TEMPORARY, describe(error, error.smtp_code, error.smtp_error))
    except (smtplib.SMTPException, OSError) as error:
        return Outcome(TEMPORARY, describe(error))
    return Outcome(SENT)


def connect() -> smtplib.SMTP:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        server = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            server.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        close(server)
        raise
    return server


def close(server: smtplib.SMTP | None) -> None:
    if server is not None:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def describe(error: Exception, code: int | None = None, reply=b"") -> str:
    """The failure in a line for the log and the admins' list (the SMTP reply, never the message)."""
    if code is not None:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        return f"SMTP {code} {text}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def save_to_folder(message: Claimed) -> Outcome:
    """No MAIL_SERVER (the demo, the tests): save the message as an .eml file, and in debug print it."""
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message.id:08d}-{message.template}-{secrets.token_hex(3)}.eml"
    path.write_bytes(message.body)
    if current_app.debug:  # make run: the sign-in link in the terminal
        parsed = email.message_from_bytes(message.body, policy=policy.default)
        body = parsed.get_body(("plain",)).get_content()
        print(f"\n--- e-mail to {parsed['To']}: {parsed['Subject']} (saved to {path})\n{body}---", flush=True)
    else:  # anywhere else this is a log: neither the address nor the links in the body go there
        current_app.logger.info("E-mail %s saved to %s (no MAIL_SERVER)", message.template, folder)
    return Outcome(SENT)


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about base * 2^(attempts-1), capped, half of it random."""
    config = current_app.config
    delay = min(config["MAIL_RETRY_MAX"].total_seconds(),
                config["MAIL_RETRY_BASE"].total_seconds() * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=delay / 2 + random.uniform(0, delay / 2))


def record(message: Claimed, outcome: Outcome, now: datetime) -> None:
    row = OutboxMessage.id == message.id
    attempt = message.attempts + 1
    if outcome.kind == SENT:
        values = {"status": MessageStatus.SENT, "finished_at": now, "last_error": ""}
        log.info("delivered message %d (%s) on attempt %d", message.id, message.template, attempt)
    elif outcome.kind == PERMANENT:
        values = {"status": MessageStatus.BOUNCED, "finished_at": now, "last_error": outcome.error}
        log.warning("message %d (%s) refused for good: %s", message.id, message.template, outcome.error)
    else:
        give_up = db.session.scalar(select(OutboxMessage.give_up_at).where(row))
        if give_up is not None and give_up <= now:
            values = {"status": MessageStatus.FAILED, "finished_at": now, "last_error": outcome.error}
            log.error("message %d (%s) failed for a day; given up: %s", message.id, message.template, outcome.error)
        else:
            wait = backoff(attempt)
            values = {"next_attempt_at": now + wait, "last_error": outcome.error}
            log.warning("message %d (%s) attempt %d failed, retry in %d s: %s", message.id, message.template,
                        attempt, wait.total_seconds(), outcome.error)
    db.session.execute(update(OutboxMessage).where(row).values(**values)
                       .execution_options(synchronize_session=False))
    if values.get("finished_at"):
        settle_offer(message, delivered=outcome.kind == SENT, now=now)
    if outcome.kind == SENT:
        # The last e-mail to an erased person: nothing of theirs is kept once it has gone.
        db.session.execute(delete(OutboxMessage).where(
            row, ~exists().where(User.email == OutboxMessage.recipient)).execution_options(synchronize_session=False))


# The e-mails that offer a held place on a waitlist: what they are about, and the row that holds the place.
OFFERS = {"shift_offer": (Booking, Booking.shift_id, Shift), "training_offer": (Enrolment, Enrolment.session_id,
                                                                               TrainingSession)}


def settle_offer(message: Claimed, *, delivered: bool, now: datetime) -> None:
    """A held place is held for the person who knows of it: the 24 hours start when the offer's e-mail is
    delivered (never past the start), and an offer whose e-mail cannot be delivered lapses at once, so the next
    waitlist run (an action on the shift, or cron) passes the place on."""
    if message.template not in OFFERS or not message.about:
        return
    model, parent_column, parent_model = OFFERS[message.template]
    parent_id = int(message.about.rsplit(":", 1)[1])
    offer = db.session.scalar(
        select(model).join(User, User.id == model.user_id)
        .where(User.email == message.recipient, parent_column == parent_id, model.status == "offered"))
    if offer is None or offer.offer_expires_at is None:
        return
    if delivered:
        held = min(now + OFFER_WINDOW, db.session.get(parent_model, parent_id).starts_at)
        offer.offer_expires_at = max(offer.offer_expires_at, held)
    else:
        offer.offer_expires_at = min(offer.offer_expires_at, now)
        log.warning("the offer in message %d could not be delivered: it lapses", message.id)
    db.session.flush()


def purge(now: datetime) -> int:
    """Delete delivered messages older than MAIL_KEEP_DELIVERED, and failed ones older than MAIL_KEEP_FAILED."""
    config = current_app.config
    deleted = db.session.execute(delete(OutboxMessage).where(
        (OutboxMessage.status == MessageStatus.SENT) & (OutboxMessage.finished_at < now - config["MAIL_KEEP_DELIVERED"])
        | (OutboxMessage.status.in_((MessageStatus.FAILED, MessageStatus.BOUNCED))
           & (OutboxMessage.finished_at < now - config["MAIL_KEEP_FAILED"])))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return deleted


def retry(message_id: int, now: datetime) -> bool:
    """An admin sends a failed message again: it is queued as new, with the same Message-ID."""
    return db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               OutboxMessage.status.in_((MessageStatus.FAILED, MessageStatus.BOUNCED)))
        .values(status=MessageStatus.QUEUED, next_attempt_at=now, finished_at=None, attempts=0,
                give_up_at=now + current_app.config["MAIL_GIVE_UP"])
        .execution_options(synchronize_session=False)).rowcount == 1


def failed() -> list[OutboxMessage]:
    """Messages given up on or refused, newest first, for the admins."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status.in_((MessageStatus.FAILED, MessageStatus.BOUNCED)))
        .order_by(OutboxMessage.finished_at.desc(), OutboxMessage.id.desc())))


def run(app: Flask, *, once: bool = False, stop: threading.Event | None = None) -> int:
    """Deliver until stopped (or, once, until nothing is due); how many messages were handled."""
    handled, last_purge = 0, None
    stop = stop or threading.Event()
    while not stop.is_set():
        # Looking is a read (a GET's context); claiming, sending and recording run in a POST's, so that on SQLite
        # each of those transactions takes the write lock when it begins (extensions._sqlite_begin) and queues
        # with the requests instead of failing. An idle worker never holds the write lock.
        try:
            with app.test_request_context():
                now = clock.now()
                due = db.session.scalar(select(exists().where(OutboxMessage.status == MessageStatus.QUEUED,
                                                              OutboxMessage.next_attempt_at <= now)))
                db.session.rollback()  # the read's transaction ends here, not in the claim's context
            purging = last_purge is None or time.monotonic() - last_purge > 600
            count = 0
            if due or purging:
                with app.test_request_context(method="POST"):
                    if purging:
                        purge(now)
                        last_purge = time.monotonic()
                    count = deliver_due(now) if due else 0
        except DBAPIError as error:
            # The database is away or busy: what was claimed is claimed again when its lease runs out.
            log.warning("the outbox could not be read or updated, trying again: %s", type(error.orig).__name__)
            if has_app_context():
                db.session.rollback()
            count = 0
        handled += count
        if count >= app.config["MAIL_BATCH"]:
            continue
        if once:
            break
        WAKE.wait(app.config["MAIL_POLL_SECONDS"])
        WAKE.clear()
    return handled


WAKE = threading.Event()
_threads: dict[int, threading.Event] = {}
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """In debug (make run) the worker runs in a thread of the server's process, started by the first request;
    in production it is `flask --app app deliver`, a process of its own."""
    if app.config["MAIL_DELIVERY"] is None:
        app.config["MAIL_DELIVERY"] = "thread" if app.debug else "worker"
    if app.config["MAIL_DELIVERY"] == "thread":
        app.before_request(lambda: start_thread(app))


def start_thread(app: Flask) -> None:
    with _lock:
        if id(app) in _threads:
            return
        stop = _threads[id(app)] = threading.Event()
    threading.Thread(target=run, args=(app,), kwargs={"stop": stop}, name="delivery", daemon=True).start()


def stop_thread(app: Flask) -> None:
    """Stop the app's in-process worker after the batch in hand (the tests' apps come and go)."""
    stop = _threads.pop(id(app), None)
    if stop is not None:
        stop.set()
        WAKE.set()


@event.listens_for(Session, "after_commit")
def _wake(session) -> None:
    if session.info.pop(QUEUED_KEY, False):
        WAKE.set()


@event.listens_for(Session, "after_rollback")
def _forget_wake(session) -> None:
    session.info.pop(QUEUED_KEY, None)
