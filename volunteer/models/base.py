"""Column types and helpers shared by every model."""
import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, String, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every backend and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class LabelledEnum(str, enum.Enum):
    """A str enum whose members carry their translatable label: `MEMBER = "value", _l("Label")`."""

    label: str

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def enum_column(cls: type[enum.Enum]) -> SAEnum:
    """A portable (non-native) enum column storing the members' values."""
    return SAEnum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
                  validate_strings=True)


class HasPlaces:
    """The columns of anything with a limited number of places (a shift, a training session), besides the
    places themselves, which each kind names in its own words."""

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


class HoldsPlace:
    """The columns of one person's row on a shift or session (a booking, an enrolment), besides its parent and
    its status."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person joined the waitlist: the queue's order.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who marked attended or no-show, or added or removed the person by hand.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @declared_attr
    def user(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.user_id")
