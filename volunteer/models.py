"""Typed SQLAlchemy 2 models."""
import enum
from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime, ForeignKey, String, Table, Text, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


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


def _enum(cls: type[enum.Enum]) -> SAEnum:
    return SAEnum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
                  validate_strings=True)


class Role(str, enum.Enum):
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Status(str, enum.Enum):
    APPLIED = "applied"
    CONFIRMED = "confirmed"
    APPROVED = "approved"
    REJECTED = "rejected"
    INACTIVE = "inactive"


class TokenPurpose(str, enum.Enum):
    SIGN_IN = "sign_in"
    CONFIRM = "confirm"


preferred_organisations = Table(
    "preferred_organisation",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)

coordinator_organisations = Table(
    "coordinator_organisation",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    """A partner organisation: the municipality, the Red Cross, a study association, FRG."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")


class User(db.Model):
    """One account per e-mail address; the volunteer profile lives here too."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.VOLUNTEER)
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.APPLIED, index=True)
    locale: Mapped[str] = mapped_column(String(10), default="sv")
    motivation: Mapped[str] = mapped_column(Text, default="")
    other_languages: Mapped[str] = mapped_column(String(200), default="")
    available_weekdays: Mapped[bool] = mapped_column(default=False)
    available_evenings: Mapped[bool] = mapped_column(default=False)
    available_weekends: Mapped[bool] = mapped_column(default=False)
    adult_confirmed: Mapped[bool] = mapped_column(default=False)
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    languages: Mapped[list["UserLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="UserLanguage.code")
    skills: Mapped[list["UserSkill"]] = relationship(
        cascade="all, delete-orphan", order_by="UserSkill.code")
    preferred_organisations: Mapped[list[Organisation]] = relationship(
        secondary=preferred_organisations, order_by=Organisation.name)
    coordinated_organisations: Mapped[list[Organisation]] = relationship(
        secondary=coordinator_organisations, order_by=Organisation.name)

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return True

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def language_codes(self) -> list[str]:
        return [language.code for language in self.languages]

    @property
    def skill_codes(self) -> list[str]:
        return [skill.code for skill in self.skills]


class UserLanguage(db.Model):
    """A language a person speaks, as an ISO 639 code."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class UserSkill(db.Model):
    """A skill a person offers, as a code from volunteer.catalog.SKILLS."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class LoginToken(db.Model):
    """A one-time link: only the SHA-256 of the token is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """Who did what to whom; plain ids so the record outlives either person."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    subject_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class Qualification(db.Model):
    """What a training grants; names keyed by site locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)
    validity_months: Mapped[int | None]


class Training(db.Model):
    """A course run by a partner organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification.id"))

    organisation: Mapped[Organisation] = relationship()
    qualification: Mapped[Qualification | None] = relationship()


class TrainingSession(db.Model):
    """A dated occurrence of a training."""

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="sv")
    seats: Mapped[int]

    training: Mapped[Training] = relationship()


class Site(db.Model):
    """A place where volunteers work: evacuation housing or a meeting place."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200))
    access_notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()


class Task(db.Model):
    """A kind of work at a site; names keyed by site locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)


class ShiftLanguage(db.Model):
    """A language wanted on a shift, as an ISO 639 code."""

    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class Shift(db.Model):
    """A time at a site for a task, with a number of places."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    places: Mapped[int]
    required_qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification.id"))
    notes: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship()
    task: Mapped[Task] = relationship()
    required_qualification: Mapped[Qualification | None] = relationship()
    languages: Mapped[list[ShiftLanguage]] = relationship(cascade="all, delete-orphan")
