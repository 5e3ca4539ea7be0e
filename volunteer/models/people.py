"""People, their organisations, sign-in links and the audit trail."""
import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from .base import LabelledEnum, UTCDateTime, enum_column, utcnow


class Role(LabelledEnum):
    VOLUNTEER = "volunteer", _l("Volunteer")
    COORDINATOR = "coordinator", _l("Coordinator")
    ADMIN = "admin", _l("Administrator")


class Status(LabelledEnum):
    APPLIED = "applied", _l("E-mail not confirmed yet")
    CONFIRMED = "confirmed", _l("Waiting for an interview")
    APPROVED = "approved", _l("Approved volunteer")
    REJECTED = "rejected", _l("Not approved")
    INACTIVE = "inactive", _l("Inactive")


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
    # Granted because the organisation's identity provider said so at sign-in (accounts/oidc): it ends when the
    # provider stops saying so. A grant made by hand (create-coordinator, the admin page) is False and stays.
    Column("via_oidc", Boolean, nullable=False, default=False, server_default=false()),
)


class Organisation(db.Model):
    """A partner organisation: the municipality, the Red Cross, a study association, FRG."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")


class User(db.Model):
    """One account per e-mail address; the volunteer profile lives here too."""

    __table_args__ = (
        # The directory's search (a piece of a name or address, ILIKE '%…%'): on PostgreSQL trigram indexes find the
        # few people without reading them all (one index per column: the planner costed a two-column one above a
        # scan). SQLite has no trigrams; there they are ordinary indexes (by name: the directory's order).
        Index("ix_user_full_name_search", "full_name", postgresql_using="gin",
              postgresql_ops={"full_name": "gin_trgm_ops"}),
        Index("ix_user_email_search", "email", postgresql_using="gin", postgresql_ops={"email": "gin_trgm_ops"}),
        # The applicants' queue, newest first: read in that order, a page stops after its 25 instead of sorting all.
        Index("ix_user_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.VOLUNTEER)
    # Set while the role is one the identity provider granted (accounts/oidc): the role to go back to when the
    # provider stops granting it. None: the role was given by hand, or by nobody.
    role_before_oidc: Mapped[Role | None] = mapped_column(enum_column(Role))
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.APPLIED, index=True)
    locale: Mapped[str] = mapped_column(String(10), default="sv")
    # The secret in the address of the person's private calendar feed; None until they ask for one.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
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
    # The name certificates carry: the one a coordinator saw at approval, or has confirmed since; full_name is
    # the person's to edit, so a certificate never copies it (vetting.service.confirm_name).
    confirmed_name: Mapped[str | None] = mapped_column(String(120))
    name_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    name_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Retention: when the "no activity for a long time" e-mail went out; signing in clears it.
    retention_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    languages: Mapped[list["UserLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="UserLanguage.code")
    skills: Mapped[list["UserSkill"]] = relationship(
        cascade="all, delete-orphan", order_by="UserSkill.code")
    preferred_organisations: Mapped[list[Organisation]] = relationship(
        secondary=preferred_organisations, order_by=Organisation.name)
    coordinated_organisations: Mapped[list[Organisation]] = relationship(
        secondary=coordinator_organisations, order_by=Organisation.name)
    name_confirmed_by: Mapped["User | None"] = relationship(foreign_keys=[name_confirmed_by_id], remote_side="User.id",
                                                            viewonly=True)
    # What the booking and enrolment rules read about the person; the sign-in loader fetches it with the person.
    held_qualifications: Mapped[list["PersonQualification"]] = relationship(  # noqa: F821
        primaryjoin="User.id == PersonQualification.user_id", viewonly=True)

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
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def name_unconfirmed(self) -> bool:
        """The person has changed their name since a coordinator last confirmed it."""
        return self.confirmed_name is not None and self.confirmed_name != self.full_name

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
    """A skill a person offers, as a code from volunteer.labels.SKILLS."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class LoginToken(db.Model):
    """A one-time link: only the SHA-256 of the token is stored. A link asked for an address with no account has no
    user: it is stored all the same (and leads nowhere), so that asking takes the same work either way."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language chosen with the switcher by whoever asked for the link: the e-mail went out in it, and using
    # the link saves it on the account (the link may be opened in another browser, a mail app's, say).
    locale: Mapped[str | None] = mapped_column(String(10))

    user: Mapped[User | None] = relationship()


class DeviceSession(db.Model):
    """One signed-in browser: its cookies carry a key whose SHA-256 is stored here, so that signing out
    (deleting the row) ends that session for good, even if an old cookie is replayed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(db.Model):
    """Who did what to whom; plain ids so the record outlives either person."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    subject_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
