"""Sites, tasks and shifts."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime
from .people import Organisation
from .trainings import Qualification


class Site(db.Model):
    """A place where volunteers work: evacuation housing or a meeting place."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200))
    access_notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()


class Task(db.Model):
    """A kind of work at a site; names keyed by site locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)


class ShiftLanguage(db.Model):
    """A language wanted on a shift, as an ISO 639 code."""

    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class Shift(db.Model):
    """A time at a site for a task, with a number of places."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    places: Mapped[int]
    required_qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification.id"))
    notes: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship()
    task: Mapped[Task] = relationship()
    required_qualification: Mapped[Qualification | None] = relationship()
    languages: Mapped[list[ShiftLanguage]] = relationship(cascade="all, delete-orphan")
