"""Qualifications, the trainings that grant them, their sessions, enrolments and earned qualifications."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, or_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..i18n.languages import localized
from .base import HasPlaces, HoldsPlace, LabelledEnum, UTCDateTime, enum_column
from .people import Organisation, User

class Qualification(db.Model):
    """What a training grants; names keyed by site locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)
    validity_months: Mapped[int | None]

    def name_in(self, locale: str | None = None) -> str:
        """The name in a locale (the reader's by default), falling back to Swedish, then English."""
        return localized(self.names, locale) or self.code


class Training(db.Model):
    """A course run by a partner organisation.

    title and description are the Swedish text (required, the fallback); titles and descriptions hold the
    other site languages, keyed by locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    titles: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    descriptions: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification.id"))
    # A person may hold a place on several of its sessions at once (otherwise one, and they may move).
    repeatable: Mapped[bool] = mapped_column(default=False, server_default="0")

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification | None] = relationship()

    def title_in(self, locale: str | None = None) -> str:
        """The title in a locale (the reader's by default), falling back to Swedish."""
        return localized({**(self.titles or {}), "sv": self.title}, locale)

    def description_in(self, locale: str | None = None) -> str:
        return localized({**(self.descriptions or {}), "sv": self.description}, locale)


class TrainingSession(HasPlaces, db.Model):
    """A dated occurrence of a training; seats_taken counts the places held (enrolled, offered, done)."""

    __table_args__ = (
        CheckConstraint("seats_taken >= 0 AND seats_taken <= seats", name="seats_taken_within_seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="sv")
    seats: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")

    training: Mapped[Training] = relationship()

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.seats_taken, 0)


class EnrolmentStatus(LabelledEnum):
    ENROLLED = "enrolled", _l("Enrolled")
    WAITLISTED = "waitlisted", _l("On the waitlist")
    # A freed place held for the first person on the waitlist until offer_expires_at.
    OFFERED = "offered", _l("Offered a place")
    ATTENDED = "attended", _l("Attended")
    NO_SHOW = "no_show", _l("Did not come")
    CANCELLED = "cancelled", _l("Cancelled")


class Enrolment(HoldsPlace, db.Model):
    """A person on a training session; one row per person and session, reused when they come back."""

    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    # Here, not in PlaceRow: a mixin's columns follow the class's own, and the id comes first in every statement.
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus), index=True)
    # The day-before reminder for this enrolment went out (set in the same UPDATE that claims it).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship()


class PersonQualification(db.Model):
    """A qualification a person holds: from an attended session or granted by hand with a reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_session.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The nearest reminder before it lapses that has gone out: 30, then 7 (days before; volunteer/lapses.py). Set in
    # the UPDATE that claims it, so each goes out once however often send-reminders runs.
    lapse_reminded_days: Mapped[int | None]

    qualification: Mapped[Qualification] = relationship()
    session: Mapped[TrainingSession | None] = relationship()
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    @hybrid_method
    def valid_at(self, moment: datetime) -> bool:
        return self.expires_at is None or self.expires_at > moment

    @valid_at.inplace.expression
    @classmethod
    def _valid_at_expression(cls, moment):
        """The same boundary in SQL, for a list that can only show what the rules would allow."""
        return or_(cls.expires_at.is_(None), cls.expires_at > moment)
