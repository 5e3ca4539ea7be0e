"""The time now; tests move it by setting the CLOCK config key to a callable, never by sleeping."""
from datetime import datetime

from flask import current_app, has_app_context

from .models.base import utcnow


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    return clock() if clock else utcnow()
