"""Call-outs: a coordinator asks volunteers who could book a shift to fill its free places, each by a message
with a link of their own; who was asked, who opened the link and who booked through it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .people import User
from .shifts import Shift


class CallOut(db.Model):
    """One call-out for a shift: who sent it, when and to how many."""

    __tablename__ = "call_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    asked: Mapped[int] = mapped_column(default=0)

    shift: Mapped[Shift] = relationship()
    sent_by: Mapped[User | None] = relationship()


class CallOutRecipient(db.Model):
    """One person asked by a call-out; their link names this row."""

    __tablename__ = "call_out_recipient"
    __table_args__ = (
        UniqueConstraint("call_out_id", "user_id"),
        # Who was asked lately (not asked again for CALLOUT_QUIET_HOURS): by person and time.
        Index("ix_call_out_recipient_user_id_asked_at", "user_id", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_out_id: Mapped[int] = mapped_column(ForeignKey("call_out.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the link was first opened (a mail scanner's visit counts too), and when the person booked through it.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call_out: Mapped[CallOut] = relationship()
    user: Mapped[User] = relationship()
