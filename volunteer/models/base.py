"""Column types and helpers shared by every model."""
import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy import Enum as SAEnum


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
