"""Real concurrent requests to several server processes (gunicorn workers) booking the last place of a shift."""
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import Booking, BookingStatus, Shift, Status

from .conftest import session_cookie

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
PEOPLE = 20
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SECRET = "concurrency-test-secret-that-is-long-enough"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    """gunicorn with several worker processes on the test database, as in production."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "BASE_URL": f"http://127.0.0.1:{port}",
           "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "FLASK_DEBUG": "0"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "app:app"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90  # a busy two-core machine can be slow to start four workers
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/")
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
    headers = {"Cookie": f"session={cookie}"}
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


def test_twenty_people_on_four_server_processes_book_the_last_place_once(make_app, make_user, make_shift, server):
    app = make_app(SECRET_KEY=SECRET)
    shift = make_shift(places=1)
    people = [make_user(f"p{index}@example.org", status=Status.APPROVED) for index in range(PEOPLE)]
    ready = []
    for user in people:  # each person opens the page first, for a CSRF token bound to their session
        status, html, cookie = request(server, "GET", "/shifts", session_cookie(app, user))
        assert status == 200, html[:500]
        ready.append((cookie, CSRF_RE.search(html).group(1)))

    barrier = threading.Barrier(PEOPLE)
    results = [None] * PEOPLE

    def book(index):
        cookie, token = ready[index]
        barrier.wait()
        results[index] = request(server, "POST", f"/shifts/{shift.id}/book", cookie, f"csrf_token={token}")[0]

    threads = [threading.Thread(target=book, args=(index,)) for index in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results) == [303] + [409] * (PEOPLE - 1), results
    with app.app_context():
        assert db.session.get(Shift, shift.id).places_taken == 1
        assert db.session.scalar(select(func.count()).where(
            Booking.shift_id == shift.id, Booking.status == BookingStatus.BOOKED)) == 1
