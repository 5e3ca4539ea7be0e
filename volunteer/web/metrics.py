"""Prometheus metrics on /metrics, for the operator's monitoring: requests' latency per endpoint, responses by
status, bookings and cancellations, the database pool's connections in use, and the delivery queue read from the
outbox table when scraped.

Readable with METRICS_TOKEN as a bearer token, or from this machine when METRICS_FROM_LOOPBACK is set; otherwise
/metrics is not found. Several gunicorn workers share their numbers through files in PROMETHEUS_MULTIPROC_DIR
(set before prometheus_client is first imported: deploy/gunicorn.conf.py does it, and removes a finished worker's
live gauges in its child_exit hook)."""
import hmac
import ipaddress
import os
import time

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event, func, select
from sqlalchemy.pool import Pool

from .. import clock
from ..extensions import db
from ..models.outbox import MessageStatus, OutboxMessage

bp = Blueprint("metrics", __name__)

# Labelled by the Flask endpoint ("shifts.act"), never by the path: paths hold ids and secret tokens.
REQUEST_SECONDS = Histogram("volunteer_http_request_duration_seconds", "Time to answer a request, by endpoint",
                            ["endpoint", "method"])
RESPONSES = Counter("volunteer_http_responses_total", "Responses, by endpoint and status",
                    ["endpoint", "method", "status"])
BOOKINGS = Counter("volunteer_bookings_total", "Places taken by people themselves (shifts, training seats)", ["kind"])
CANCELLATIONS = Counter("volunteer_cancellations_total", "Places given up by people themselves", ["kind"])
# Summed over the live worker processes; a dead worker's share goes with it (gunicorn.conf.py's child_exit).
POOL_CHECKED_OUT = Gauge("volunteer_db_pool_checked_out", "Database connections in use by requests",
                         multiprocess_mode="livesum")
POOL_OPEN = Gauge("volunteer_db_pool_connections", "Database connections open (in use or idle in the pools)",
                  multiprocess_mode="livesum")
UNMATCHED = "unmatched"  # a request no route answers (404, 405): its path is not a label


def init_app(app) -> None:
    app.config.setdefault("METRICS_TOKEN", os.environ.get("METRICS_TOKEN") or None)
    app.config.setdefault("METRICS_FROM_LOOPBACK",
                          os.environ.get("METRICS_FROM_LOOPBACK", "").strip().lower() in {"1", "true", "yes", "on"})
    app.before_request(_started)
    app.after_request(_answered)
    _watch_pools()


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _answered(response):
    started = g.pop("metrics_started", None)
    endpoint = request.endpoint or UNMATCHED
    if started is not None and endpoint != "metrics.metrics":
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        RESPONSES.labels(endpoint, request.method, str(response.status_code)).inc()
    return response


def place_changed(kind: str, held_before: bool, held_after: bool) -> None:
    """Count a person's own action on a place once it is committed: a place taken or given up."""
    if held_after and not held_before:
        BOOKINGS.labels(kind).inc()
    elif held_before and not held_after:
        CANCELLATIONS.labels(kind).inc()


_pools_watched = False


def _watch_pools() -> None:
    """Follow every pool's connections (each process's engines) with its events: no query, no lock."""
    global _pools_watched
    if _pools_watched:
        return
    _pools_watched = True
    event.listen(Pool, "connect", lambda *_: POOL_OPEN.inc())
    event.listen(Pool, "close", lambda *_: POOL_OPEN.dec())
    event.listen(Pool, "checkout", lambda *_: POOL_CHECKED_OUT.inc())
    event.listen(Pool, "checkin", lambda *_: POOL_CHECKED_OUT.dec())


class ScrapeTime:
    """What is read when Prometheus asks: the delivery queue from the outbox table, this process's pool limit."""

    def collect(self):
        counts = dict(db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
        messages = GaugeMetricFamily("volunteer_outbox_messages", "Messages in the outbox, by delivery state "
                                     "(queued: waiting or retrying; failed: given up on)", labels=["status"])
        for status in MessageStatus:
            messages.add_metric([status.value], counts.get(status, 0))
        yield messages
        oldest = db.session.scalar(select(func.min(OutboxMessage.created_at))
                                   .where(OutboxMessage.status == MessageStatus.QUEUED))
        age = max((clock.now() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        yield GaugeMetricFamily("volunteer_outbox_oldest_queued_age_seconds",
                                "Age of the oldest message still waiting to be delivered (0: none waiting)", value=age)
        pool = db.engine.pool
        if hasattr(pool, "size") and hasattr(pool, "_max_overflow"):
            yield GaugeMetricFamily("volunteer_db_pool_limit", "Most database connections one worker process opens",
                                    value=pool.size() + max(pool._max_overflow, 0))


def allowed() -> bool:
    """A bearer token equal to METRICS_TOKEN, or a loopback address when METRICS_FROM_LOOPBACK is set."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        return True
    if current_app.config["METRICS_FROM_LOOPBACK"] and request.remote_addr:
        try:
            return ipaddress.ip_address(request.remote_addr).is_loopback
        except ValueError:
            return False
    return False


@bp.get("/metrics")
def metrics():
    if not allowed():
        if current_app.config["METRICS_TOKEN"]:
            abort(Response("A bearer token is needed.\n", 401, {"WWW-Authenticate": "Bearer"}))
        abort(404)
    now = CollectorRegistry()
    now.register(ScrapeTime())
    read_now = generate_latest(now)  # first: the pool's numbers then include this request's connection
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        shared = CollectorRegistry()
        MultiProcessCollector(shared)
    else:
        shared = REGISTRY
    response = Response(generate_latest(shared) + read_now, mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
