"""Sites, tasks, shifts and the bookings people make on them, and the target groups the activities serve."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..i18n.languages import localized
from .base import HasPlaces, HoldsPlace, LabelledEnum, UTCDateTime, enum_column
from .people import Organisation
from .trainings import Qualification


class TargetGroup(db.Model):
    """Whom an activity serves (unaccompanied children, newcomers, EU migrants…): a kind of people, never a person.
    Kept by admins, named in every site language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)

    def name_in(self, locale: str | None = None) -> str:
        return localized(self.names, locale) or self.code


def _served_by(owner: str) -> Table:
    """The target groups a site, a task or a shift serves."""
    return Table(f"{owner}_target_group", db.metadata,
                 Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
                 Column("target_group_id", ForeignKey("target_group.id", ondelete="CASCADE"), primary_key=True,
                        index=True))


site_target_groups = _served_by("site")
task_target_groups = _served_by("task")
# What a shift was for when it was held: its site's and task's groups when it was saved, or fewer if the
# coordinator narrowed them; copied, so a later change to a site's groups does not rewrite past reports.
shift_target_groups = _served_by("shift")


class Site(db.Model):
    """A place where volunteers work: evacuation housing or a meeting place."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200))
    # How to get in: door code policy, who opens, where to report.
    access_notes: Mapped[str] = mapped_column(Text, default="")
    # Who to call on the day (a role and a phone number, not a private person's details).
    contact_on_duty: Mapped[str] = mapped_column(String(200), default="", server_default="")

    organisation: Mapped[Organisation] = relationship()
    target_groups: Mapped[list[TargetGroup]] = relationship(secondary=site_target_groups, order_by=TargetGroup.id)


class Task(db.Model):
    """A kind of work at a site; names keyed by site locale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict] = mapped_column(JSON)

    target_groups: Mapped[list[TargetGroup]] = relationship(secondary=task_target_groups, order_by=TargetGroup.id)

    def name_in(self, locale: str | None = None) -> str:
        return localized(self.names, locale) or self.code


class ShiftLanguage(db.Model):
    """A language wanted on a shift (at least one person booked speaks it), as an ISO 639 code."""

    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class Shift(HasPlaces, db.Model):
    """A time at a site for a task; places_taken counts the places held (booked, offered, done)."""

    __table_args__ = (
        CheckConstraint("places_taken >= 0 AND places_taken <= places", name="places_taken_within_places"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # A site's shifts in some days (the needs overview's sums, a site's day) without reading its whole past.
        Index("ix_shift_site_id_starts_at", "site_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    places: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    required_qualification_id: Mapped[int | None] = mapped_column(ForeignKey("qualification.id"))
    # Work with children: a criminal-record extract seen and still valid on the day.
    requires_record_check: Mapped[bool] = mapped_column(default=False, server_default="0")
    notes: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship()
    task: Mapped[Task] = relationship()
    required_qualification: Mapped[Qualification | None] = relationship()
    languages: Mapped[list[ShiftLanguage]] = relationship(cascade="all, delete-orphan")
    target_groups: Mapped[list[TargetGroup]] = relationship(secondary=shift_target_groups, order_by=TargetGroup.id)

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_taken, 0)

    @property
    def language_codes(self) -> list[str]:
        return sorted(language.code for language in self.languages)

    @property
    def hours(self) -> float:
        """The hours the shift counts for, as hours.totals counts them: whole minutes of real elapsed time."""
        from ..hours import totals  # imported here: totals imports the models
        return totals.as_hours(totals.worked(self))


class BookingStatus(LabelledEnum):
    BOOKED = "booked", _l("Booked")
    WAITLISTED = "waitlisted", _l("On the waitlist")
    # A freed place held for the first person on the waitlist until offer_expires_at.
    OFFERED = "offered", _l("Offered, not confirmed yet")
    ATTENDED = "attended", _l("Attended")
    NO_SHOW = "no_show", _l("Did not come")
    CANCELLED = "cancelled", _l("Cancelled")

    @property
    def booked(self) -> bool:
        return self is BookingStatus.BOOKED

    @property
    def waiting(self) -> bool:
        """In the queue, without a place."""
        return self is BookingStatus.WAITLISTED

    @property
    def offered(self) -> bool:
        return self is BookingStatus.OFFERED

    @property
    def attended(self) -> bool:
        """They came: the shift's hours count."""
        return self is BookingStatus.ATTENDED

    @property
    def no_show(self) -> bool:
        return self is BookingStatus.NO_SHOW


class Booking(HoldsPlace, db.Model):
    """A person on a shift; one row per person and shift, reused when they come back."""

    __table_args__ = (
        UniqueConstraint("shift_id", "user_id"),
        # The people on some shifts in some statuses (rosters): without it SQLite chose the status index and
        # read most bookings (1.5 ms against 0.05 ms with the benchmark's 15,000).
        Index("ix_booking_shift_id_status", "shift_id", "status"),
    )

    # Here, not in PlaceRow: a mixin's columns follow the class's own, and the id comes first in every statement.
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"))
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus), index=True)
    # The reminder e-mail for this booking went out (set in the same UPDATE that claims it).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person arrived and left, by the site's check-in code or as the lead or a coordinator saw it.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship()
