"""Secrets and searches stay out of the logs: gunicorn's access and error logs with deploy/gunicorn.conf.py,
Flask's own log, and e-mails saved to the outbox folder."""
import email
import http.client
import logging
import os
import re
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest

from volunteer.models import Role, Status
from volunteer.web.security import SECRET_PATHS

from .helpers import CSRF_RE, Client, stop

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
TOKEN = "Zk3vQ9xL2mN8pR4tW6yB1cD5fG7hJ0kS"  # looks like secrets.token_urlsafe
SEARCH = "Hodan Warsame"


def test_every_route_with_a_token_or_a_code_is_redacted(app):
    secret_routes = [rule.rule for rule in app.url_map.iter_rules() if {"token", "code"} & set(rule.arguments)]
    assert secret_routes
    for route in secret_routes:
        assert route.startswith(SECRET_PATHS), f"{route} is not in web.security.SECRET_PATHS"


def test_flasks_own_log_names_no_secret_path(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/calendar/<token>/boom")
    def boom(token):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR):
        assert Client(app.test_client()).get(f"/calendar/{TOKEN}/boom?q={SEARCH}").status_code == 500
    assert "Exception on /calendar/…" in caplog.text and TOKEN not in caplog.text


@pytest.fixture
def gunicorn(database_url, tmp_path):
    """gunicorn started with deploy/gunicorn.conf.py (one worker, not in debug, no MAIL_SERVER, the outbox delivered
    by a thread in the worker, so its logging is read too); its logs' folder."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "log-test-secret-that-is-long-enough",
           "BASE_URL": f"http://127.0.0.1:{port}", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "FLASK_DEBUG": "0",
           "SINGLE_PROCESS": "1", "RATELIMIT_STORAGE_URI": "memory://", "MAIL_DELIVERY": "thread"}
    env.pop("MAIL_SERVER", None)
    with (tmp_path / "output.log").open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--workers", "1", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", str(tmp_path / "access.log"), "--error-logfile", str(tmp_path / "error.log"),
             "--log-level", "debug", "app:app"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz")[0] != 200:
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "output.log").read_text()
            time.sleep(0.2)
        yield port, tmp_path
    finally:
        stop(process)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, method="GET", body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie") or ""
    except OSError:
        return None, "", ""
    finally:
        connection.close()


def test_gunicorns_logs_hold_no_tokens_searches_or_email_bodies(gunicorn, make_user):
    port, logs = gunicorn
    make_user("hodan@example.org", full_name=SEARCH)
    make_user("coordinator@example.org", status=Status.APPROVED, role=Role.COORDINATOR)
    status, page, cookie = get(port, "/sign-in")
    session = cookie.split(";")[0]
    csrf = CSRF_RE.search(page).group(1)
    form = {"Cookie": session, "Content-Type": "application/x-www-form-urlencoded"}
    assert get(port, "/sign-in", "POST", f"csrf_token={csrf}&email=hodan%40example.org", form)[0] == 303
    deadline = time.monotonic() + 60
    while not list((logs / "outbox").glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.2)
    [saved] = (logs / "outbox").glob("*.eml")
    message = email.message_from_bytes(saved.read_bytes(), policy=policy.default)
    link = re.search(r"http://127\.0\.0\.1:\d+(/sign-in/\S+)", message.get_body(("plain",)).get_content()).group(1)
    secret = link.rsplit("/", 1)[1]
    assert get(port, link)[0] == 200
    assert get(port, link, "POST", f"csrf_token={csrf}", {**form, "Referer": f"http://127.0.0.1:{port}{link}"})[0] \
        == 303
    for path in (f"/calendar/{TOKEN}.ics", f"/shifts/offers/{TOKEN}", f"/trainings/offers/{TOKEN}",
                 f"/confirm/{TOKEN}", "/verify/ABCD2345EFGH", f"/coordinator/volunteers?q={SEARCH.replace(' ', '+')}",
                 f"/shifts?site=1&q={TOKEN}"):
        assert get(port, path)[0] is not None
    access = (logs / "access.log").read_text()
    everything = access + (logs / "error.log").read_text() + (logs / "output.log").read_text()
    for leaked in (secret, TOKEN, "ABCD2345EFGH", "Hodan", "Warsame", "hodan@example.org"):
        assert leaked not in everything, leaked
    for kept in ('"GET /sign-in/… HTTP/1.1" 200', '"POST /sign-in/… HTTP/1.1" 303', "/calendar/…",
                 "/shifts/offers/…", "/trainings/offers/…", "/verify/…", "GET /coordinator/volunteers?… ",
                 '"POST /sign-in HTTP/1.1" 303'):
        assert kept in access, kept
