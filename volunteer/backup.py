"""Backups: `flask --app app backup` (PostgreSQL: pg_dump in its custom format; SQLite: the online backup API).

Restoring is a step for a person (README, "Backups and restore"), always followed by
`flask --app app reapply-erasures`, so nobody erased after the backup was taken comes back."""
import os
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import make_url


def default_path(folder: Path, uri: str, now: datetime) -> Path:
    """instance/backups/volunteer-20261207T154600Z.dump (PostgreSQL) or .sqlite3."""
    suffix = ".sqlite3" if uri.startswith("sqlite") else ".dump"
    return folder / f"volunteer-{now.strftime('%Y%m%dT%H%M%SZ')}{suffix}"


def back_up(uri: str, target: Path) -> Path:
    """Write a consistent copy of the database at uri to target (made readable by its owner only)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(uri)
    if url.get_backend_name() == "sqlite":
        _sqlite(url.database, target)
    else:
        _pg_dump(uri, target)
    target.chmod(0o600)
    return target


def _sqlite(database: str, target: Path) -> None:
    # The online backup API copies page by page while others write, and ends with a consistent copy.
    if not database or database == ":memory:":
        raise RuntimeError("An in-memory SQLite database has nothing to back up.")
    source = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def libpq(uri: str) -> tuple[str, dict]:
    """A postgresql:// URL for the PostgreSQL tools, and the environment that carries its password (not argv)."""
    url = make_url(uri).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(password=None).render_as_string(hide_password=False), env


def _pg_dump(uri: str, target: Path) -> None:
    dsn, env = libpq(uri)
    try:
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), dsn],
                                env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise RuntimeError("pg_dump is not installed: apt-get install postgresql-client (the server's version).") \
            from error
    if result.returncode:
        target.unlink(missing_ok=True)
        raise RuntimeError(f"pg_dump failed: {result.stderr.strip()}")
