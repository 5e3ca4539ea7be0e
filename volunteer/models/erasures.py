"""The erasure ledger: who was erased, in a form that names nobody, so a restored backup can erase them again."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Erasure(db.Model):
    """One erased account: its old id and a keyed hash (volunteer/me/erasures.py); no foreign key, the row is gone."""

    __tablename__ = "erasure_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
