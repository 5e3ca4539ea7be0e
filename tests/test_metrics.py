"""/metrics for Prometheus: only with the token or from loopback when allowed; latency and responses by endpoint
(never a path with ids or tokens), bookings and cancellations, the outbox's queue and failures read when scraped,
the database pool; and, under gunicorn with several workers, one sum over all of them."""
import http.client
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from volunteer.extensions import db
from volunteer.models import MessageStatus, OutboxMessage, Status, utcnow

from .helpers import Client, stop

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "metrics-token-for-the-tests-only"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def samples(text: str) -> dict:
    """Every sample by (name, sorted labels)."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client) -> str:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain") and response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


@pytest.fixture
def metered(make_app, clock):
    return make_app(METRICS_TOKEN=TOKEN, **({"CLOCK": clock} if clock else {}))


def test_metrics_are_not_found_unless_a_setting_allows_them(make_app):
    closed = make_app().test_client()
    assert closed.get("/metrics").status_code == 404
    assert closed.get("/metrics", headers=BEARER).status_code == 404, "no token set: no token opens it"


def test_the_token_opens_metrics_and_nothing_else_does(metered):
    client = metered.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics").headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/metrics", headers={"Authorization": "Bearer not-it"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401, "Bearer, as Prometheus sends"
    assert client.get("/metrics", headers=BEARER).status_code == 200


def test_loopback_reads_metrics_only_when_the_setting_allows(make_app):
    allowed = make_app(METRICS_FROM_LOOPBACK=True).test_client()
    assert allowed.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert allowed.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert allowed.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 404
    assert make_app().test_client().get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404


def test_requests_are_counted_and_timed_by_endpoint_never_by_path(metered, make_shift):
    shift = make_shift()
    client = metered.test_client()
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get(f"/calendar/SecretFeedToken{shift.id}x.ics")
    client.get("/no-such-page-7731")
    after = scrape(client)
    assert value(after, "volunteer_http_responses_total", endpoint="health.healthz", method="GET", status="200") \
        - value(before, "volunteer_http_responses_total", endpoint="health.healthz", method="GET", status="200") == 2
    assert value(after, "volunteer_http_request_duration_seconds_count", endpoint="health.healthz", method="GET") \
        - value(before, "volunteer_http_request_duration_seconds_count", endpoint="health.healthz", method="GET") == 2
    assert value(after, "volunteer_http_responses_total", endpoint="unmatched", method="GET", status="404") \
        - value(before, "volunteer_http_responses_total", endpoint="unmatched", method="GET", status="404") == 1
    assert value(after, "volunteer_http_responses_total", endpoint="shifts.feed", method="GET", status="404") >= 1
    for secret in ("SecretFeedToken", "no-such-page", "/calendar/", str(shift.id) + "x"):
        assert secret not in after, secret
    assert 'endpoint="metrics.metrics"' not in after, "the scrapes themselves are not counted"


def test_bookings_and_cancellations_are_counted_once_committed(metered, make_user, make_shift):
    volunteer = make_user(status=Status.APPROVED)
    shift = make_shift(places=1)
    client = Client(metered.test_client())
    client.sign_in_as(volunteer)
    before = scrape(client)
    assert client.submit(f"/shifts/{shift.id}/book", page="/shifts").status_code == 303
    assert client.submit(f"/shifts/{shift.id}/book", page="/shifts").status_code == 409, "refused: not counted"
    middle = scrape(client)
    assert client.submit(f"/shifts/{shift.id}/cancel", page="/shifts").status_code == 303
    after = scrape(client)
    bookings, cancellations = "volunteer_bookings_total", "volunteer_cancellations_total"
    assert value(middle, bookings, kind="shift") - value(before, bookings, kind="shift") == 1
    assert value(middle, cancellations, kind="shift") == value(before, cancellations, kind="shift")
    assert value(after, cancellations, kind="shift") - value(middle, cancellations, kind="shift") == 1
    assert value(after, bookings, kind="shift") == value(middle, bookings, kind="shift")


def test_the_delivery_queue_is_read_from_the_outbox_when_scraped(metered):
    now = utcnow()
    with metered.app_context():
        for index, (status, age) in enumerate([(MessageStatus.QUEUED, 600), (MessageStatus.QUEUED, 30),
                                               (MessageStatus.FAILED, 90000), (MessageStatus.SENT, 5)]):
            db.session.add(OutboxMessage(recipient=f"p{index}@example.org", template="t", subject="s",
                                         message_id=f"<{index}@test>", body=b"", status=status, attempts=1,
                                         created_at=now - timedelta(seconds=age), next_attempt_at=now,
                                         give_up_at=now + timedelta(hours=1)))
        db.session.commit()
    text = scrape(metered.test_client())
    assert value(text, "volunteer_outbox_messages", status="queued") == 2
    assert value(text, "volunteer_outbox_messages", status="failed") == 1
    assert value(text, "volunteer_outbox_messages", status="sent") == 1
    assert value(text, "volunteer_outbox_messages", status="bounced") == 0
    assert 600 <= value(text, "volunteer_outbox_oldest_queued_age_seconds") < 700
    assert "p0@example.org" not in text


def test_an_empty_queue_is_zero_old_and_the_pool_is_reported(metered):
    text = scrape(metered.test_client())
    assert value(text, "volunteer_outbox_oldest_queued_age_seconds") == 0
    found = samples(text)
    assert ("volunteer_db_pool_checked_out", ()) in found and ("volunteer_db_pool_connections", ()) in found
    assert found[("volunteer_db_pool_connections", ())] >= 1
    if metered.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert found[("volunteer_db_pool_limit", ())] >= 1


def test_gunicorns_config_shares_metrics_between_workers_and_forgets_dead_ones():
    config = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "mark_process_dead(worker.pid)" in config and "def child_exit(" in config
    assert config.index("PROMETHEUS_MULTIPROC_DIR") < config.index("from volunteer"), "set before the app loads"


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    except OSError:
        return None, ""
    finally:
        connection.close()


def test_several_workers_report_one_sum(database_url, tmp_path):
    """gunicorn with deploy/gunicorn.conf.py and two workers: every scrape, whichever worker answers it, counts
    every request either worker served."""
    from .test_logs import free_port

    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "metrics-test-secret-that-is-long-enough",
           "BASE_URL": f"http://127.0.0.1:{port}", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "FLASK_DEBUG": "0",
           "SINGLE_PROCESS": "1", "RATELIMIT_STORAGE_URI": "memory://", "METRICS_TOKEN": TOKEN,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "TRUSTED_HOSTS": "127.0.0.1"}
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_999999.db").write_bytes(b"left from an earlier run")
    with (tmp_path / "gunicorn.log").open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "2", "--bind",
             f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/metrics", BEARER)[0] != 200:
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
        requests, pids = 0, set()
        while len(pids) < 2 and requests < 400:  # until both workers have served some
            threads = [threading.Thread(target=get, args=(port, "/")) for _ in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            requests += len(threads)
            pids = {path.stem.rsplit("_", 1)[1] for path in (tmp_path / "metrics").glob("counter_*.db")}
        assert len(pids) == 2, "both workers served some"
        for _ in range(6):
            status, text = get(port, "/metrics", BEARER)
            assert status == 200
            served = value(text, "volunteer_http_responses_total", endpoint="main.home", method="GET",
                           status="200")
            assert served == requests, (served, pids)
    finally:
        stop(process)
    assert not (tmp_path / "metrics" / "counter_999999.db").exists(), "emptied at start"
