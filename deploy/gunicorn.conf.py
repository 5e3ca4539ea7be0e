"""gunicorn's settings for production: gunicorn -c deploy/gunicorn.conf.py app:app

The access log leaves out query strings (a search may be a name) and the secret part of a path (sign-in and
confirmation links, calendar feeds, waitlist offers, certificate codes), also in the Referer it records; the
error log gets the same treatment. Settings given on the command line or in GUNICORN_CMD_ARGS win.

Metrics (/metrics, volunteer/web/metrics.py) are summed over the workers through files in PROMETHEUS_MULTIPROC_DIR:
a folder of its own made here when the environment names none, emptied when gunicorn starts (numbers left from an
earlier run would be added in), and a finished worker's live gauges removed when it exits."""
import json
import os
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from gunicorn.glogging import Logger

# Before prometheus_client is first imported (by the app, below): it chooses per-process or shared numbers then.
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="volunteer-metrics-")
    os.environ["VOLUNTEER_METRICS_DIR_MADE"] = "1"  # kept when gunicorn reads this file again (reload, HUP)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, for volunteer.web.security

from volunteer.logs import JsonFormatter  # noqa: E402
from volunteer.web.security import no_secrets, redact  # noqa: E402

bind = "127.0.0.1:8000"  # behind nginx on the same machine
workers = 4
accesslog = "-"
errorlog = "-"
# Behind one reverse proxy on this machine: trust its X-Forwarded-* (the app's TRUSTED_PROXIES says how many).
forwarded_allow_ips = "127.0.0.1"


class RedactingLogger(Logger):
    """gunicorn's logger, with every value of an access-log line redacted and a filter on the error log; with
    LOG_FORMAT=json both logs are JSON lines, as the app's are (volunteer/logs.py)."""

    as_json = os.environ.get("LOG_FORMAT", "").strip().lower() == "json"

    def setup(self, cfg):
        super().setup(cfg)
        if no_secrets not in self.error_log.filters:
            self.error_log.addFilter(no_secrets)
        if self.as_json:
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.as_json:
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                 "level": "INFO", "logger": "gunicorn.access", "remote": atoms["h"], "method": atoms["m"],
                 "path": atoms["U"], "query": "…" if atoms["q"] else "",
                 "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
                 "bytes": atoms["B"] or 0, "duration_ms": round(request_time.total_seconds() * 1000, 1),
                 "referer": atoms["f"], "user_agent": atoms["a"]}
        self.access_log.info(json.dumps(entry, ensure_ascii=False, default=str))
        return None

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in super().atoms(resp, req, environ, request_time).items()}


logger_class = RedactingLogger


def on_starting(server):
    """The master, before any worker: start the shared metrics from nothing."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker has gone (restarted, reloaded, killed): its connections and requests in progress with it."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("VOLUNTEER_METRICS_DIR_MADE"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
