"""The columns every kind of place shares: the thing with a limited number of places (a shift, a training
session) and a person's row on it (a booking, an enrolment)."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import UTCDateTime, utcnow


class PlaceParent:
    """When it happens, who made or cancelled it, its series, and the attended who have since left."""

    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Created together as a weekly series: they share this id.
    series_id: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # People who attended and have since deleted their account: a count for statistics, nobody's name.
    anonymous_attended: Mapped[int] = mapped_column(default=0, server_default="0")


class PlaceRow:
    """A person on a place: one row per person and parent, reused when they come back."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person joined the waitlist: the queue's order.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A freed place held for the first person on the waitlist until then.
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A coordinator who added or removed the person by hand, or marked attendance.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @declared_attr
    def user(cls) -> Mapped["User"]:  # noqa: F821 (resolved by the registry)
        return relationship("User", foreign_keys=[cls.user_id])
