"""Static files with versioned addresses: url_for('static', ...) adds a hash of the file's content, and an
address with the current hash may be cached for a year (a changed file gets a new address)."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request

# The query argument that carries a static file's version.
VERSION_ARG = "v"
ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)


def static_version(filename: str) -> str | None:
    """A short hash of a static file's content, None for a file that does not exist.

    Looked at again on every link only in debug mode (a file edited while the site runs); otherwise the
    files are those the site started with, and each is looked at once."""
    if current_app.debug:
        return _version(current_app.static_folder, filename)
    return _fixed_version(current_app.static_folder, filename)


@lru_cache(maxsize=256)
def _fixed_version(folder: str, filename: str) -> str | None:
    return _version(folder, filename)


def _version(folder: str, filename: str) -> str | None:
    path = Path(folder, filename)
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    # Keyed by size and modification time, so an edited file (in development) gets a new hash.
    return _digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and VERSION_ARG not in values:
        version = static_version(values["filename"])
        if version:
            values[VERSION_ARG] = version


def _cache_versioned(response):
    """A year, immutable, for a static file asked for by its current version; the usual revalidation otherwise.

    The file is read into the response so that it can be compressed with gzip too (Flask-Compress compresses
    streamed responses only with zstd, brotli or deflate); the files here are small."""
    if request.endpoint == "static" and response.status_code == 200:
        _read_into(response)
        version = request.args.get(VERSION_ARG)
        if version and version == static_version(request.view_args["filename"]):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
    return response


def _read_into(response) -> None:
    """Replace a streamed file body by its bytes, and close the file at once."""
    if response.is_sequence:
        return
    body = response.response
    response.direct_passthrough = False
    response.set_data(b"".join(body))
    if hasattr(body, "close"):
        body.close()
