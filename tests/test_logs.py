"""Secrets and searches stay out of the logs: gunicorn's access and error logs with deploy/gunicorn.conf.py,
Flask's own log, and e-mails saved to the outbox folder."""
import email
import http.client
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path
from urllib.parse import urlencode

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


@pytest.fixture
def json_logs():
    """Undo what LOG_FORMAT=json sets on the root logger, for the tests after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_json_logs_are_one_redacted_object_per_line(make_app, capsys, json_logs):
    app = make_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @app.get("/calendar/<token>/boom")
    def boom(token):
        app.logger.warning("mail to %s refused: 550 <%s> unknown", "hodan@example.org", "hodan@example.org")
        raise RuntimeError("boom")

    assert Client(app.test_client()).get(f"/calendar/{TOKEN}/boom?q={SEARCH}").status_code == 500
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    assert [entry["level"] for entry in entries] == ["WARNING", "ERROR"]
    assert entries[0]["message"] == "mail to …@… refused: 550 <…@…> unknown" and entries[0]["logger"] == "volunteer"
    assert entries[1]["message"] == "Exception on /calendar/…/boom [GET]" and "RuntimeError: boom" in \
        entries[1]["exception"]
    for leaked in (TOKEN, "hodan@", "Hodan"):
        assert leaked not in "\n".join(lines), leaked


def saved_link(folder: Path, count: int, pattern: str) -> str:
    """The path of the link in the count-th e-mail saved to the folder, once the worker has saved it."""
    deadline = time.monotonic() + 60
    while len(list(folder.glob("*.eml"))) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    newest = sorted(folder.glob("*.eml"))[count - 1]
    message = email.message_from_bytes(newest.read_bytes(), policy=policy.default)
    return re.search(rf"http://127\.0\.0\.1:\d+({pattern}\S+)", message.get_body(("plain",)).get_content()).group(1)


def test_a_journey_leaves_json_logs_with_no_email_phone_name_or_token(database_url, tmp_path, signup_data):
    """Under gunicorn with LOG_FORMAT=json: sign up, confirm, sign in by link, look at one's data, sign out. Every
    line of every log is a JSON object, and none holds the person's address, phone, name or any link's token."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "log-test-secret-that-is-long-enough",
           "BASE_URL": f"http://127.0.0.1:{port}", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "FLASK_DEBUG": "0",
           "SINGLE_PROCESS": "1", "RATELIMIT_STORAGE_URI": "memory://", "MAIL_DELIVERY": "thread",
           "LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}
    env.pop("MAIL_SERVER", None)
    logs = {name: tmp_path / f"{name}.log" for name in ("access", "error", "output")}
    with logs["output"].open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "--workers", "1", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", str(logs["access"]), "--error-logfile", str(logs["error"]), "--log-level", "debug",
             "app:app"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz")[0] != 200:
            assert process.poll() is None and time.monotonic() < deadline, logs["output"].read_text()
            time.sleep(0.2)
        browser = Browser(port)
        browser.post("/signup", signup_data)
        confirm = saved_link(tmp_path / "outbox", 1, "/confirm/")
        browser.get(confirm)
        browser.post(confirm, {})
        browser.post("/sign-in", {"email": signup_data["email"]})
        sign_in = saved_link(tmp_path / "outbox", 2, "/sign-in/")
        browser.get(sign_in)
        assert browser.post(sign_in, {}) == 303
        assert browser.get("/me/data") == 200
        browser.get(f"/coordinator/volunteers?q={signup_data['full_name'].replace(' ', '+')}")
        assert browser.post("/sign-out", {}, page="/me") in (302, 303)
    finally:
        stop(process)
    tokens = [confirm.rsplit("/", 1)[1], sign_in.rsplit("/", 1)[1]]
    name, address, phone = signup_data["full_name"], signup_data["email"], signup_data["phone"]
    digits = re.sub(r"\D", "", phone)
    leaks = [*tokens, address, *name.split(), phone, digits, "+46" + digits[1:], digits[1:]]
    entries = 0
    for log in logs.values():
        for line in log.read_text().splitlines():
            if line.strip():
                entry = json.loads(line)  # every line an object
                assert {"time", "level", "logger"} <= set(entry), line
                entries += 1
                for leaked in leaks:
                    assert leaked not in line, (leaked, line)
    access = [json.loads(line) for line in logs["access"].read_text().splitlines()]
    assert {"/sign-in/…", "/confirm/…", "/me/data", "/coordinator/volunteers"} <= {entry["path"] for entry in access}
    assert entries > 15


class Browser:
    """One visitor's cookies and CSRF token, over plain HTTP to a server the test started."""

    def __init__(self, port: int):
        self.port, self.cookies, self.token = port, {}, ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                key, _, rest = header.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        finally:
            connection.close()
        found = CSRF_RE.search(text)
        self.token = found.group(1) if found else self.token
        return response.status, text

    def get(self, path: str) -> int:
        return self.request("GET", path)[0]

    def post(self, path: str, fields: dict, page: str | None = None) -> int:
        self.get(page or path.split("?")[0])
        return self.request("POST", path, urlencode({**fields, "csrf_token": self.token}, doseq=True))[0]
