"""Certificates of volunteer work (intyg): what was issued, as issued, and whether it still stands."""
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .people import Organisation, User

certificate_organisations = Table(
    "certificate_organisation",
    db.metadata,
    Column("certificate_id", ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Certificate(db.Model):
    """A certificate as issued: the facts are a snapshot, so later changes to shifts or names do not alter it.

    The verification code is kept as typed (it is printed on the paper the volunteer hands out, and they may
    download it again); it is unique and long enough (80 random bits) that nobody can guess one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The coordinator named as issuer: the one who confirmed most of the hours (see certificates.issuer).
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    facts: Mapped[dict] = mapped_column(JSON)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=certificate_organisations, order_by=Organisation.name)

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed: "K7QM-3XRT-9PWD-HF2N"."""
        return grouped(self.code)


def grouped(code: str) -> str:
    """A code in groups of four, the way it is printed and typed."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
