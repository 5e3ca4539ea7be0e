"""The shift's check-in code: six digits derived from the app's secret, the shift and the time window, so it changes
every few minutes, needs no storage, and a code seen for one shift says nothing about another's."""
import hashlib
import hmac
import unicodedata
from datetime import datetime, timedelta

from flask import current_app

# How long a code is shown; the one before is still accepted, so a code typed as it changes works.
WINDOW = timedelta(minutes=2)
DIGITS = 6


def _window(moment: datetime) -> int:
    return int(moment.timestamp() // WINDOW.total_seconds())


def _code(shift_id: int, window: int) -> str:
    key = hashlib.sha256(b"check-in:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, f"{shift_id}:{window}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10 ** DIGITS).zfill(DIGITS)


def code_for(shift_id: int, now: datetime) -> str:
    """The code to show for the shift now."""
    return _code(shift_id, _window(now))


def changes_at(now: datetime) -> datetime:
    """When the code shown now is replaced by the next one."""
    return datetime.fromtimestamp((_window(now) + 1) * WINDOW.total_seconds(), tz=now.tzinfo)


def matches(shift_id: int, typed: str, now: datetime) -> bool:
    """The typed code is the shift's code now or in the window before (compared in constant time)."""
    typed = normalized(typed)
    current = _window(now)
    return any(hmac.compare_digest(typed, _code(shift_id, window)) for window in (current, current - 1))


def normalized(typed: str) -> str:
    """The code as typed, in ASCII digits: spaces and dashes left out ("123 456"), Arabic-Indic and Persian digits
    ("١٢٣٤٥٦", "۱۲۳۴۵۶") read as the digits they are; anything else is kept, and so never matches."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and unicodedata.digit(ch, None) is not None else ch
                   for ch in typed if not ch.isspace() and ch != "-")
