"""Qualifications and the trainings that grant them."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime
from .people import Organisation


class Qualification(db.Model):
    """What a training grants; names keyed by site locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)
    validity_months: Mapped[int | None]


class Training(db.Model):
    """A course run by a partner organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification.id"))

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification | None] = relationship()


class TrainingSession(db.Model):
    """A dated occurrence of a training."""

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="sv")
    seats: Mapped[int]

    training: Mapped[Training] = relationship()
