"""/healthz for load balancers and monitoring: is the app up, can it reach its database, which release is it and
has the database had every migration this release brings?"""
import time
from functools import cache

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db
from ..version import VERSION

bp = Blueprint("health", __name__)

# What a lost, refused or timed-out database connection raises (from the driver, the pool or SQLAlchemy).
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
# The database's migration state is read at most this often per process (seconds): load balancers ask often.
MIGRATIONS_CHECKED_EVERY = 30
_migrations_seen: dict[str, tuple[float, str]] = {}


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except DATABASE_DOWN:
        db.session.rollback()
        return False


@cache
def script_heads(folder: str) -> frozenset[str]:
    """The newest revisions among the migration scripts shipped with this code (read once per process)."""
    config = AlembicConfig()
    config.set_main_option("script_location", folder)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def migrations() -> str:
    """"current" when the database is at the scripts' head, else "pending"; cached briefly."""
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    checked_at, state = _migrations_seen.get(uri, (0.0, ""))
    if time.monotonic() - checked_at < MIGRATIONS_CHECKED_EVERY:
        return state
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except (ProgrammingError, OperationalError):  # no alembic_version table yet (SQLite says so the second way)
        db.session.rollback()
        applied = set()
    state = "current" if applied == script_heads(current_app.extensions["migrate"].directory) else "pending"
    _migrations_seen[uri] = (time.monotonic(), state)
    return state


@bp.get("/healthz")
def healthz():
    up = database_reachable()
    response = jsonify(status="ok" if up else "unavailable", database="ok" if up else "unreachable",
                       version=VERSION, migrations=migrations() if up else "unknown")
    response.status_code = 200 if up else 503
    response.headers["Cache-Control"] = "no-store"
    return response
