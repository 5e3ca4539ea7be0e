"""Hours of volunteer work: attended shifts and trainings, summed per month, task and site.

Hours are elapsed time between the stored UTC start and end, so a shift in the night the clocks change counts
the hours really worked (one less in March, one more in October), whatever the wall clock said. A booking checked
in and out at the site counts the real time between the two instead (booking_minutes). Only attendance recorded
(by a coordinator, a lead or checking in) counts: no-shows and bookings never marked are left out."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import (Booking, BookingStatus, Enrolment, EnrolmentStatus, Shift, Site, Task, Training, TrainingSession,
                      User)


def minutes(start: datetime, end: datetime) -> int:
    """Whole minutes between two moments: real elapsed time, across any clock change."""
    return int((end - start).total_seconds() // 60)


def as_hours(total_minutes: int) -> float:
    return total_minutes / 60


def worked(occasion: Shift | TrainingSession) -> int:
    """The minutes a shift or training session counts for."""
    return minutes(occasion.starts_at, occasion.ends_at)


def booking_minutes(booking: Booking) -> int:
    """The minutes an attended booking counts for: from check-in to check-out where both were recorded (the real
    time at the site, across any clock change), else the shift's. aggregates.MINUTES says the same in SQL."""
    if booking.checked_in_at is not None and booking.checked_out_at is not None:
        return minutes(booking.checked_in_at, booking.checked_out_at)
    return worked(booking.shift)


def _within(column, start: date | None, end: date | None):
    """Conditions for a moment falling on a Stockholm day from start to end, both included."""
    conditions = []
    if start is not None:
        conditions.append(column >= clock.at(start))
    if end is not None:
        conditions.append(column < clock.day_bounds(end)[1])
    return conditions


def attended_bookings(start: date | None = None, end: date | None = None) -> Select:
    """Attended bookings on shifts starting in the period, with their shift, site, task and person."""
    return (select(Booking).join(Booking.shift)
            .options(joinedload(Booking.shift).joinedload(Shift.site).joinedload(Site.organisation),
                     joinedload(Booking.shift).joinedload(Shift.task), joinedload(Booking.user))
            .where(Booking.status == BookingStatus.ATTENDED, *_within(Shift.starts_at, start, end))
            .order_by(Shift.starts_at, Booking.id))


def attended_enrolments(start: date | None = None, end: date | None = None) -> Select:
    """Attended enrolments on sessions starting in the period, with their session and training."""
    return (select(Enrolment).join(Enrolment.session)
            .options(joinedload(Enrolment.session).joinedload(TrainingSession.training)
                     .joinedload(Training.organisation),
                     joinedload(Enrolment.session).joinedload(TrainingSession.training)
                     .joinedload(Training.qualification))
            .where(Enrolment.status == EnrolmentStatus.ATTENDED, *_within(TrainingSession.starts_at, start, end))
            .order_by(TrainingSession.starts_at, Enrolment.id))


@dataclass
class Tally:
    """Minutes and occasions summed under one heading (a task, a site, a month, a person)."""

    key: object
    minutes: int = 0
    count: int = 0

    @property
    def hours(self) -> float:
        return as_hours(self.minutes)

    def add(self, worked: int) -> None:
        self.minutes += worked
        self.count += 1


def tally(items, key, worked) -> list[Tally]:
    """Items summed per key, in the order each key first appears."""
    totals: dict = {}
    for item in items:
        k = key(item)
        totals.setdefault(k, Tally(k)).add(worked(item))
    return list(totals.values())


class InHours:
    """Hours from shift_minutes and training_minutes, however the class comes by them."""

    @property
    def shift_hours(self) -> float:
        return as_hours(self.shift_minutes)

    @property
    def training_hours(self) -> float:
        return as_hours(self.training_minutes)

    @property
    def hours(self) -> float:
        return as_hours(self.shift_minutes + self.training_minutes)


@dataclass
class Month(InHours):
    first_day: date
    shift_minutes: int = 0
    training_minutes: int = 0


def _shift_minutes(booking: Booking) -> int:
    return booking_minutes(booking)


def _session_minutes(enrolment: Enrolment) -> int:
    return worked(enrolment.session)


@dataclass
class Summary(InHours):
    """One person's recorded hours in a period."""

    bookings: list[Booking]
    enrolments: list[Enrolment]
    months: list[Month] = field(init=False)

    def __post_init__(self):
        months: dict[date, Month] = {}
        for booking in self.bookings:
            first = clock.local_day(booking.shift.starts_at).replace(day=1)
            months.setdefault(first, Month(first)).shift_minutes += _shift_minutes(booking)
        for enrolment in self.enrolments:
            first = clock.local_day(enrolment.session.starts_at).replace(day=1)
            months.setdefault(first, Month(first)).training_minutes += _session_minutes(enrolment)
        self.months = [months[key] for key in sorted(months, reverse=True)]

    @property
    def shift_minutes(self) -> int:
        return sum(_shift_minutes(booking) for booking in self.bookings)

    @property
    def training_minutes(self) -> int:
        return sum(_session_minutes(enrolment) for enrolment in self.enrolments)

    @property
    def empty(self) -> bool:
        return not self.bookings and not self.enrolments

    def by_task(self) -> list[Tally]:
        """Hours per task, most first."""
        return sorted(tally(self.bookings, lambda b: b.shift.task, _shift_minutes), key=lambda t: -t.minutes)

    def by_site(self) -> list[Tally]:
        """Hours per site, most first."""
        return sorted(tally(self.bookings, lambda b: b.shift.site, _shift_minutes), key=lambda t: -t.minutes)

    def by_organisation(self) -> list[Tally]:
        """Hours per partner organisation (the sites' and the trainings'), most first."""
        totals = tally(self.bookings, lambda b: b.shift.site.organisation, _shift_minutes)
        known = {t.key.id: t for t in totals}
        for enrolment in self.enrolments:
            organisation = enrolment.session.training.organisation
            if organisation.id not in known:
                known[organisation.id] = Tally(organisation)
                totals.append(known[organisation.id])
            known[organisation.id].add(_session_minutes(enrolment))
        return sorted(totals, key=lambda t: (-t.minutes, t.key.name))


def summary(user: User, start: date | None = None, end: date | None = None) -> Summary:
    """A person's attended shifts and trainings in a period (all time by default)."""
    bookings = db.session.scalars(attended_bookings(start, end).where(Booking.user_id == user.id)).unique().all()
    enrolments = db.session.scalars(
        attended_enrolments(start, end).where(Enrolment.user_id == user.id)).unique().all()
    return Summary(list(bookings), list(enrolments))


@dataclass(frozen=True)
class ReportRow:
    """A person's hours at one site on one task in a coordinator's report."""

    person: User
    site: Site
    task: Task
    shifts: int
    minutes: int

    @property
    def hours(self) -> float:
        return as_hours(self.minutes)
