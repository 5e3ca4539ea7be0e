"""Hand-overs: a volunteer who can't come gives their booked place on a shift on, to the waitlist or by a call-out
sent for them; whether someone took it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .callouts import CallOut
from .people import User
from .shifts import Booking, Shift


class Handover(db.Model):
    """One booked place handed over: how it went on (an offer to the waitlist, or a call-out the site sent for the
    person, with no coordinator as its sender) and when someone took a place on the shift after it."""

    __tablename__ = "shift_handover"
    __table_args__ = (
        # The open hand-overs of a shift, oldest first: the next person to take a place there takes one of them.
        Index("ix_shift_handover_shift_id_taken_at", "shift_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    handed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Inside the cancellation cut-off: the coordinators were told at once.
    late: Mapped[bool] = mapped_column(default=False)
    # How many on the waitlist were offered the place (0: nobody was waiting, and a call-out went out instead).
    offered: Mapped[int] = mapped_column(default=0)
    call_out_id: Mapped[int | None] = mapped_column(ForeignKey("call_out.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship()
    shift: Mapped[Shift] = relationship()
    user: Mapped[User] = relationship()
    call_out: Mapped[CallOut | None] = relationship()
