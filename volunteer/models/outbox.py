"""The outbox: every message the site sends, written in the same transaction as the change that causes it and
delivered by a worker (volunteer/delivery.py)."""
from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from .base import LabelledEnum, UTCDateTime, enum_column, utcnow


class MessageStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting to be delivered")
    SENT = "sent", _l("Delivered")
    FAILED = "failed", _l("Not delivered")
    BOUNCED = "bounced", _l("Address refused")


class OutboxMessage(db.Model):
    """One e-mail, rendered in the recipient's language when it was queued, with its delivery state.

    The recipient is the address, not the account: an erasure removes the person's messages by it, and the last
    e-mail to an erased person (which has no account any more) is deleted once it is delivered."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    template: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    # What the message is about, e.g. "shift:12": a roster shows the delivery state of what it told each person.
    about: Mapped[str | None] = mapped_column(String(40), index=True)
    # Set once when queued and carried by every attempt: a retry after an unknown outcome is the same message.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a worker may (next) try; a claimed row's lease: it is pushed ahead while a worker sends it.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Temporary failures are retried until then, after which the message is marked failed for an admin to see.
    give_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When it was delivered, refused for good or given up on.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    # When the person first opened their messages on My page with this one among them; None while unread.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
