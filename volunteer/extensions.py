"""Flask extensions, created unbound and bound to an app in create_app."""
import sqlite3

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for the typed models; named constraints keep SQLite batch migrations working."""

    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
# Pages, fragments, CSS and JavaScript go out compressed (zstd, brotli or gzip, as the browser accepts).
compress = Compress()


def config_limit(key: str):
    """A rate limit read from the app's config when the request comes in."""
    return lambda: current_app.config[key]


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (and ON DELETE CASCADE) only when asked, as PostgreSQL always does;
    deleted rows are overwritten with zeros (secure_delete: an erased person is gone from the file, not just
    unlinked; Debian's build happens to default to it, others do not); and the driver leaves transactions to us,
    so _sqlite_begin can choose how each one starts."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """A request that changes data takes SQLite's write lock when its transaction starts.

    Otherwise two processes that both read a shift and then book its last place would each hold a read
    lock that the other's write must wait for, and one would fail with "database is locked" at once;
    taking the write lock first makes them wait their turn (up to the busy timeout) instead."""
    if connection.dialect.name == "sqlite":
        writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
