"""What coordinators record while vetting a person: interviews, record-extract checks, status changes."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from .base import LabelledEnum, UTCDateTime, enum_column, utcnow
from .people import Status, User


class RecordKind(LabelledEnum):
    """The kinds of extract from the police criminal-records register (belastningsregistret)."""

    CHILDREN_OTHER = "children_other", _l("Work with children outside school and childcare")
    SCHOOL_CHILDCARE = "school_childcare", _l("Work in school or childcare")
    HVB_HOME = "hvb_home", _l("Work at a residential home for children (HVB)")
    LSS = "lss", _l("Work with children with disabilities (LSS)")
    OWN_RECORD = "own_record", _l("Own record (full extract)")


class Interview(db.Model):
    """An interview held with an applicant; the notes are for coordinators only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interviewer: Mapped[User | None] = relationship(foreign_keys=[interviewer_id])


class RecordCheck(db.Model):
    """That a coordinator saw a criminal-record extract: never a copy, only kind, dates and who."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind))
    seen_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # As PersonQualification's: the nearest reminder before the extract lapses that has gone out (30, then 7).
    lapse_reminded_days: Mapped[int | None]

    seen_by: Mapped[User | None] = relationship(foreign_keys=[seen_by_id])


class StatusChange(db.Model):
    """One step in a person's status history, with who, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[Status | None] = mapped_column(enum_column(Status))
    to_status: Mapped[Status] = mapped_column(enum_column(Status))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])


# Until when the person's newest criminal-record extract is valid (None without one): all the booking rules need
# to know. Deferred: loaded with the signed-in person (volunteer/__init__.py) or when first read.
User.record_check_until = column_property(
    select(func.max(RecordCheck.valid_until)).where(RecordCheck.user_id == User.id)
    .correlate_except(RecordCheck).scalar_subquery(), deferred=True)
