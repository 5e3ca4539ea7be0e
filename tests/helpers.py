"""Small helpers shared by the test modules: clients, the outbox, the clock, and ways to put rows in place."""
import email
import re
import socket
import statistics
import subprocess
import time
from datetime import date, datetime, timedelta
from email import policy
from html import unescape
from pathlib import Path

from flask_babel import force_locale, gettext
from sqlalchemy import select

from volunteer.clock import STOCKHOLM
from volunteer.extensions import db
from volunteer.i18n.locale import SITE_LOCALES
from volunteer.models import Booking, BookingStatus, PersonQualification, Qualification, Shift, Status, utcnow
from volunteer.rules.shifts import PLACES
from volunteer.statements import statements_of  # noqa: F401 (the tests' statement counter)

LOCALES = list(SITE_LOCALES)
RTL = {"ar", "fa"}
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def translated(app, locale: str, msgid: str, **variables) -> str:
    """The catalog's text for msgid in a locale; fails if a non-English locale lacks a translation."""
    with app.test_request_context():
        with force_locale(locale):
            text = gettext(msgid, **variables)
        with force_locale("en"):
            english = gettext(msgid, **variables)
    if locale != "en":
        assert text != english, f"{msgid!r} is not translated into {locale}"
    return text


def page_text(response) -> str:
    """The response body with HTML entities decoded, for plain-text assertions."""
    return unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str | None:
    """The message shown next to a field, or None."""
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', response.get_data(as_text=True))
    return unescape(match.group(1)) if match else None


def html_root(response) -> tuple[str, str]:
    """The lang and dir attributes of the <html> element."""
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', response.get_data(as_text=True))
    return match.group(1), match.group(2)


class Client:
    """The Flask test client, plus form posts that carry the CSRF token as a browser would."""

    def __init__(self, client):
        self.raw = client

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def csrf_token(self, page: str = "/") -> str:
        return CSRF_RE.search(self.raw.get(page).get_data(as_text=True)).group(1)

    def sign_in_as(self, user) -> None:
        """Start a session for a person, as their sign-in link would (tests/test_auth.py proves the link)."""
        session_id = open_session(self.raw.application, user)
        with self.raw.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST a form after loading the page it sits on (for its CSRF token)."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(page or url))
        return self.raw.post(url, data=data, **kwargs)


def open_session(app, user) -> str:
    """A signed-in session on the server, as a sign-in link opens one; the id the cookies carry."""
    from volunteer.accounts.device_sessions import open_session as open_device_session

    with app.app_context():
        session_id = open_device_session(user)
        db.session.commit()
    return session_id


def session_cookie(app, user) -> str:
    """The signed session cookie a sign-in link would have set (tests/test_auth.py proves the link)."""
    return app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": open_session(app, user), "_fresh": True})


def signed_in(app, user) -> Client:
    """A new client with the person signed in."""
    client = Client(app.test_client())
    client.sign_in_as(user)
    return client


class Outbox:
    """The e-mails the app saved instead of sending (no MAIL_SERVER in tests).

    Reading it first runs the delivery worker once (flask --app app deliver --once), as production's worker
    would have by then: what the app queued is what the worker delivers."""

    LINK_RE = re.compile(r"http://localhost(/\S+)")

    def __init__(self, path: Path):
        self.path = path
        self.apps = []  # the test's apps: each one's worker delivers what is due by its clock

    def deliver(self) -> int:
        from volunteer import delivery

        return sum(delivery.run(app, once=True) for app in self.apps)

    def messages(self) -> list:
        self.deliver()
        if not self.path.exists():
            return []
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(self.path.glob("*.eml"))]

    def last(self):
        messages = self.messages()
        assert messages, "no e-mail was sent"
        return messages[-1]

    def text(self, message=None) -> str:
        return (message or self.last()).get_body(("plain",)).get_content()

    def link(self, message=None) -> str:
        """The path of the first link to this site in the plain-text body."""
        return self.LINK_RE.search(self.text(message)).group(1)


class MovableClock:
    """An injected clock (the clock fixture, or make_app(CLOCK=...)) that tests move forward instead of sleeping."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


def clock_start(request, default=None):
    """When a test's clock starts: its @pytest.mark.now(moment), else its module's NOW, else the default."""
    marker = request.node.get_closest_marker("now")
    return marker.args[0] if marker else getattr(request.module, "NOW", default)


def stop(process, grace: float = 30) -> bool:
    """Stop a server the test started: SIGTERM, then SIGKILL if it has not gone within grace seconds (a loaded
    two-core machine can take several seconds to stop four gunicorn workers). Whether it stopped by itself."""
    process.terminate()
    try:
        process.wait(timeout=grace)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def free_port() -> int:
    """A TCP port on this machine that nothing listens on (for a server to start on, or to find nobody at)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_link(client, address):
    """Ask for a sign-in link, as the sign-in form does."""
    return client.submit("/sign-in", {"email": address})


def sign_in(client, outbox, address="volunteer@example.org"):
    """Sign in through the e-mailed link, as a person would."""
    request_link(client, address)
    link = outbox.link()
    return client.submit(link, page=link)


def put_on(app, shift, person, status=BookingStatus.BOOKED, **fields) -> int:
    """Put a person on a shift directly, as a booking would; the booking's id."""
    with app.app_context():
        booking = Booking(shift_id=shift.id, user_id=person.id, status=status, created_at=utcnow(),
                          updated_at=utcnow(), **fields)
        db.session.add(booking)
        if status in PLACES.occupied:
            db.session.get(Shift, shift.id).places_taken += 1
        db.session.commit()
        return booking.id


def person(app, make_user, email, status=Status.APPROVED, **fields):
    """A signed-in client for a new person (English pages, so the tests read plainly)."""
    fields.setdefault("locale", "en")
    user = make_user(email, status=status, **fields)
    return signed_in(app, user), user


def grant(app, user, code="intro_housing", expires_at=None, granted_at=None):
    """A qualification held by hand (granted at the app's clock, unless told)."""
    with app.app_context():
        qualification = db.session.scalar(select(Qualification).where(Qualification.code == code))
        db.session.add(PersonQualification(user_id=user.id, qualification_id=qualification.id,
                                           granted_at=granted_at or app.config["CLOCK"](), expires_at=expires_at,
                                           reason="test"))
        db.session.commit()


def local(day: date, hour: int) -> datetime:
    """A wall-clock hour in Stockholm."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def timing_ratio(first, second, rounds: int = 30) -> float:
    """How much longer second(n) takes than first(n): the median of their ratios over interleaved pairs.

    Each pair runs back to back, in alternating order, so a busy moment of a shared machine slows both sides of
    a pair alike and the median leaves the odd outlier out; no single timing is asserted."""
    ratios = []
    for n in range(rounds):
        took = {}
        for action in ((first, second) if n % 2 else (second, first)):
            start = time.perf_counter()
            action(n)
            took[action] = time.perf_counter() - start
        ratios.append(took[second] / took[first])
    return statistics.median(ratios)
