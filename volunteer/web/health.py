"""/healthz for load balancers and monitoring: is the app up, and can it reach its database?"""
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..extensions import db

bp = Blueprint("health", __name__)

# What a lost, refused or timed-out database connection raises (from the driver, the pool or SQLAlchemy).
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except DATABASE_DOWN:
        db.session.rollback()
        return False


@bp.get("/healthz")
def healthz():
    up = database_reachable()
    response = jsonify(status="ok" if up else "unavailable", database="ok" if up else "unreachable")
    response.status_code = 200 if up else 503
    response.headers["Cache-Control"] = "no-store"
    return response
