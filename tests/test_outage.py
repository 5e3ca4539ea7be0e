"""With the database unreachable, pages answer 503 in the visitor's language with no stack trace, /healthz says
so, and everything works again once the database is back."""
import os
import re
import select
import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import make_url

from volunteer.models import Status
from volunteer.version import VERSION

from .helpers import Client, page_text, session_cookie, translated

PAGES = ["/", "/signup", "/sign-in", "/privacy", "/shifts", "/me", "/coordinator/"]
LEAKS = re.compile(r"Traceback|sqlalchemy|OperationalError|psycopg|sqlite|SELECT|File \"", re.I)


def assert_down(app, client, locale):
    """Every page says 503 calmly in the locale, and /healthz reports the database unreachable."""
    for path in PAGES:
        response = client.get(path, headers={"Accept-Language": locale})
        text = page_text(response)
        assert response.status_code == 503, (path, response.status_code)
        assert translated(app, locale, "The site is resting for a moment") in text, path
        assert response.headers["Retry-After"] == "30"
        assert not LEAKS.search(text), (path, LEAKS.search(text).group(0))
    # The 503 page still carries a working form token (its language switcher): posting a form answers 503 too.
    posted = client.post("/sign-in", data={"email": "a@example.org", "csrf_token": client.csrf_token("/")},
                         headers={"Accept-Language": locale})
    assert posted.status_code == 503
    health = client.get("/healthz")
    assert (health.status_code, health.json) == (503, {"status": "unavailable", "database": "unreachable",
                                                       "version": VERSION, "migrations": "unknown"})


def assert_up(client):
    for path in ("/", "/signup", "/shifts", "/me"):
        assert client.get(path).status_code == 200, path
    health = client.get("/healthz")
    assert (health.status_code, health.json) == (200, {"status": "ok", "database": "ok", "version": VERSION,
                                                       "migrations": "current"})


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok", "database": "ok", "version": VERSION,
                                                           "migrations": "current"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def visitor(app, user, reachable) -> Client:
    """A signed-in person's browser (signed in while the database was there, through the reachable app)."""
    client = Client(app.test_client())
    client.set_cookie("session", session_cookie(reachable, user))
    return client


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the SQLite file case")
def test_sqlite_file_that_cannot_be_opened_then_comes_back(app, make_app, database_url, make_user, tmp_path):
    person = make_user(status=Status.APPROVED)
    real = Path(make_url(database_url).database)
    link = tmp_path / "mounted"  # the database's folder, as a volume that is not mounted yet
    reachable, app = app, make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{link / real.name}")
    client = visitor(app, person, reachable)
    for locale in ("sv", "ar", "en"):
        assert_down(app, client, locale)
    link.symlink_to(real.parent, target_is_directory=True)
    assert_up(client)


class Outage:
    """A TCP relay to the PostgreSQL server that can be cut and restored, as a network or server failure."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.listener = None
        self.open_sockets = []
        self.lock = threading.Lock()

    def restore(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        """Close the port and every connection through it."""
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(); close() alone would not
        self.listener.close()
        with self.lock:
            for sock in self.open_sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.open_sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.open_sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    @staticmethod
    def _pump(a, b):
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return


@pytest.fixture
def outage(database_url):
    """The relay; restored at the end so the test's rows can be cleaned up through it."""
    url = make_url(database_url)
    relay = Outage(url.host or "127.0.0.1", url.port or 5432)
    yield relay
    if relay.listener is not None:
        relay.listener.close()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL case")
def test_postgresql_cut_off_and_restored(outage, app, make_app, database_url, make_user):
    person = make_user(status=Status.APPROVED)
    url = make_url(database_url)
    reachable, app = app, make_app(SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=outage.port)
                                   .render_as_string(hide_password=False))
    client = visitor(app, person, reachable)
    assert_down(app, client, "sv")  # nothing listens yet: connection refused
    outage.restore()
    assert_up(client)
    outage.cut()  # the pooled connections die with it
    for locale in ("sv", "ar"):
        assert_down(app, client, locale)
    outage.restore()
    assert_up(client)
