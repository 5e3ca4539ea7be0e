"""Logs as JSON lines when LOG_FORMAT=json (one object per line, for a log collector), with the same redaction as
the plain logs: no query strings, no secret path segments, no e-mail addresses, no database values."""
import json
import logging
import sys
from datetime import datetime, timezone

from flask.logging import default_handler

from .web.security import no_database_values, no_secrets, redact


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC), level, logger, message and any traceback, each redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": redact(record.getMessage())}
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn's, a test's capture), not the one at set-up."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _):
        pass


def json_handler() -> logging.Handler:
    """A handler that writes JSON lines to stderr; its filters redact every record it is given, from any logger."""
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(no_secrets)
    handler.addFilter(no_database_values)
    return handler


def init_app(app) -> None:
    """With LOG_FORMAT=json, every logger's records (the app's, the delivery worker's, the libraries') go to one
    JSON handler on the root logger, at LOG_LEVEL; Flask's own plain-text handler is taken off the app's logger."""
    if app.config["LOG_FORMAT"] != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in root.handlers):
        root.addHandler(json_handler())
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.removeHandler(default_handler)
