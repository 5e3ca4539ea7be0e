"""The SQL statements a block of code sends, seen by an engine event listener: the tests' and the benchmark's counter."""
from contextlib import contextmanager

from sqlalchemy import event

from .extensions import db


@contextmanager
def statements_of(app):
    """The SQL statements sent while the block runs, as (statement, parameters) pairs."""
    statements = []

    def record(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
