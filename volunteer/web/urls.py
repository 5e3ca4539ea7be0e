"""Where a form may send the browser next, and what a URL's numbers may be."""
from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter

# The largest id a table can hold on every database the site runs on (PostgreSQL's integer).
LARGEST_ID = 2 ** 31 - 1


class IdConverter(IntegerConverter):
    """<int:...> in every route: a number beyond what the database can hold is no page (404), rather than a
    query the database refuses (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_arg(name: str) -> int | None:
    """An id from the query string (a filter's choice); anything else, or beyond what a table holds, is none."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= LARGEST_ID else None


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: no scheme, no host, no backslash tricks."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(ch) < 32 for ch in target):
        return fallback
    return target
