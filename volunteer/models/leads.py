"""Site leads: a person who runs a site's day for a period, and the notes they leave for the coordinators."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .people import User
from .shifts import Shift, Site


class SiteLead(db.Model):
    """A volunteer (or staff member) who leads a site from one Stockholm day to another, both included: today's
    and tomorrow's roster of that site, check-in, who is here now; nothing else."""

    __table_args__ = (
        CheckConstraint("until_day >= from_day", name="lead_until_after_from"),
        Index("ix_site_lead_user_id_until_day", "user_id", "until_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    from_day: Mapped[date] = mapped_column(Date)
    until_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    site: Mapped[Site] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SiteNote(db.Model):
    """A short note from a site's lead to the coordinators: a no-show explained, an incident."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id", ondelete="SET NULL"))
    # The lead who wrote it: a plain reference, so the note stays when their account goes.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shift: Mapped[Shift | None] = relationship()
    author: Mapped[User | None] = relationship()
