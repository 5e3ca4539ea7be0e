"""The coordinators' overview below today and tomorrow, for their organisations: applicants per week and how long
the way to approval and to a first shift takes, hours per month, the coming two weeks per site and day, and the
languages approved volunteers speak against those the coming shifts want.

Every figure is summed in the database: the overview takes the same nine statements however many people, shifts
and bookings there are. Hours are aggregates.MINUTES, the hours report's one definition."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, distinct, func, select

from . import clock
from .extensions import db
from .hours.aggregates import MINUTES, elapsed_minutes
from .hours.partnership import _month_of as period_of, months_of
from .hours.totals import _within, as_hours
from .i18n.catalog import gettext as _, ngettext
from .i18n.formats import day, day_month, month_name, number, short_month
from .models import (Booking, BookingStatus, Shift, ShiftLanguage, Site, Status, StatusChange, User, UserLanguage)
from .shifts.staffing import COVERING
from .vetting.service import people_in_scope
from .web.access import organisation_scope, sites_in_scope

WEEKS = 8
MONTHS = 6
DAYS = 14
MINUTES_PER_DAY = 24 * 60


@dataclass
class Week:
    first_day: date
    applicants: int = 0

    @property
    def bar(self) -> tuple:
        """What the bar chart draws: the axis label, the value, the value as written and the bar's full label."""
        return (day_month(self.first_day), self.applicants, number(self.applicants),
                ngettext("Week from %(day)s: %(num)d applicant", "Week from %(day)s: %(num)d applicants",
                         self.applicants, day=day(self.first_day)))


@dataclass
class Month:
    first_day: date
    minutes: int = 0

    @property
    def hours(self) -> float:
        return as_hours(self.minutes)

    @property
    def bar(self) -> tuple:
        return (short_month(self.first_day), self.hours, number(self.hours),
                _("%(month)s: %(hours)s hours", month=month_name(self.first_day), hours=number(self.hours)))


@dataclass
class Cell:
    """One site's shifts on one day: how many, their places, the places taken and the wanted languages nobody
    holding a place speaks."""

    day: date
    shifts: int = 0
    places: int = 0
    taken: int = 0
    uncovered: list[str] = field(default_factory=list)

    @property
    def places_left(self) -> int:
        return max(self.places - self.taken, 0)

    @property
    def level(self) -> str:
        """How much is still free, for the colour: none (no shifts), filled, some (at most half) or many."""
        if not self.shifts:
            return "none"
        if not self.places_left:
            return "filled"
        return "some" if 2 * self.places_left <= self.places else "many"


@dataclass
class SiteRow:
    site: Site
    cells: list[Cell]


@dataclass
class Language:
    """A language with the approved volunteers who speak it and the coming shifts that want it."""

    code: str
    volunteers: int = 0
    shifts: int = 0


@dataclass
class Overview:
    weeks: list[Week]
    days_to_approval: float | None
    days_to_first_shift: float | None
    months: list[Month]
    days: list[date]
    sites: list[SiteRow]
    languages: list[Language]

    @property
    def applicants(self) -> int:
        return sum(week.applicants for week in self.weeks)


def overview(coordinator: User, now: datetime) -> Overview:
    """The overview for a coordinator's organisations (all of them for an admin) as of now."""
    today = clock.local_day(now)
    mondays = [today - timedelta(days=today.weekday() + 7 * back) for back in range(WEEKS - 1, -1, -1)]
    people = people_in_scope(coordinator).subquery()
    weeks = _applicants_per_week(people, mondays)
    since = clock.at(mondays[0])
    days = [today + timedelta(days=n) for n in range(DAYS)]
    sites = sites_in_scope(coordinator)
    return Overview(weeks, _median_days(_to_approval(people, since)),
                    _median_days(_to_first_shift(people, since, now)),
                    _hours_per_month(organisation_scope(coordinator), today), days,
                    _coming(sites, days, now), _languages(people, [site.id for site in sites], days, now))


def _applicants_per_week(people, mondays: list[date]) -> list[Week]:
    """Sign-ups per week (Monday to Sunday, Stockholm) of the people in scope, whatever became of them."""
    weeks = [Week(monday) for monday in mondays]
    for index, count in db.session.execute(
            select(period_of(people.c.created_at, mondays).label("week"), func.count())
            .where(people.c.created_at >= clock.at(mondays[0])).group_by("week")):
        weeks[index].applicants = count
    return weeks


def _to_approval(people, since: datetime) -> Select:
    """Minutes from sign-up to first approval, for the people in scope first approved since then."""
    approved = (select(StatusChange.user_id, func.min(StatusChange.changed_at).label("at"))
                .where(StatusChange.to_status == Status.APPROVED).group_by(StatusChange.user_id).subquery())
    return (select(elapsed_minutes(people.c.created_at, approved.c.at).label("minutes"))
            .join(approved, approved.c.user_id == people.c.id).where(approved.c.at >= since))


def _to_first_shift(people, since: datetime, now: datetime) -> Select:
    """Minutes from sign-up to the start of the first shift attended, for the people in scope whose first shift
    was since then."""
    first = (select(Booking.user_id, func.min(Shift.starts_at).label("at")).join(Shift, Shift.id == Booking.shift_id)
             .where(Booking.status == BookingStatus.ATTENDED).group_by(Booking.user_id).subquery())
    return (select(elapsed_minutes(people.c.created_at, first.c.at).label("minutes"))
            .join(first, first.c.user_id == people.c.id).where(first.c.at >= since, first.c.at <= now))


def _median_days(durations: Select) -> float | None:
    """The median of the durations (one column of minutes) in days with one decimal; None when there are none.

    One statement on SQLite and PostgreSQL alike: the middle one or two rows by rank, averaged."""
    found = durations.subquery()
    ranked = select(found.c.minutes, func.row_number().over(order_by=found.c.minutes).label("place"),
                    func.count().over().label("total")).subquery()
    middle = db.session.scalar(select(func.avg(ranked.c.minutes)).where(
        ranked.c.place >= (ranked.c.total + 1) // 2, ranked.c.place <= (ranked.c.total + 2) // 2))
    return None if middle is None else round(float(middle) / MINUTES_PER_DAY, 1)


def _hours_per_month(scope: set[int] | None, today: date) -> list[Month]:
    """Hours attended per Stockholm month at the organisations' sites, this month and the five before it."""
    first = date(today.year + (today.month - MONTHS) // 12, (today.month - MONTHS) % 12 + 1, 1)
    firsts = months_of(first, today)
    query = (select(period_of(Shift.starts_at, firsts).label("month"), MINUTES.label("minutes"))
             .select_from(Booking).join(Shift, Shift.id == Booking.shift_id)
             .where(Booking.status == BookingStatus.ATTENDED, *_within(Shift.starts_at, first, today)))
    if scope is not None:
        query = query.where(Shift.site_id.in_(select(Site.id).where(Site.organisation_id.in_(scope))))
    months = [Month(day) for day in firsts]
    for index, minutes in db.session.execute(query.group_by("month")):
        months[index].minutes = int(minutes or 0)  # PostgreSQL sums integers as numeric
    return months


def _coming_shifts(site_ids: list[int], days: list[date], now: datetime) -> list:
    """Conditions for the shifts at these sites that have not ended and start by the end of the last day."""
    return [Shift.site_id.in_(site_ids), Shift.cancelled_at.is_(None), Shift.ends_at > now,
            *_within(Shift.starts_at, days[0], days[-1])]


def _coming(sites: list[Site], days: list[date], now: datetime) -> list[SiteRow]:
    """Each site's coming days: shifts, places and places taken, then the wanted languages nobody holding a place
    speaks (two statements)."""
    rows = {site.id: SiteRow(site, [Cell(day) for day in days]) for site in sites}
    if not rows:
        return []
    where = _coming_shifts(list(rows), days, now)
    day = period_of(Shift.starts_at, days).label("day")
    for site_id, index, shifts, places, taken in db.session.execute(
            select(Shift.site_id, day, func.count(), func.sum(Shift.places), func.sum(Shift.places_taken))
            .where(*where).group_by(Shift.site_id, "day")):
        cell = rows[site_id].cells[index]
        cell.shifts, cell.places, cell.taken = shifts, int(places), int(taken)
    spoken = (select(Booking.id).join(UserLanguage, UserLanguage.user_id == Booking.user_id)
              .where(Booking.shift_id == Shift.id, Booking.status.in_(COVERING),
                     UserLanguage.code == ShiftLanguage.code))
    for site_id, index, code in db.session.execute(
            select(Shift.site_id, day, ShiftLanguage.code).join(ShiftLanguage, ShiftLanguage.shift_id == Shift.id)
            .where(*where, ~spoken.exists()).group_by(Shift.site_id, "day", ShiftLanguage.code)):
        rows[site_id].cells[index].uncovered.append(code)
    for row in rows.values():
        for cell in row.cells:
            cell.uncovered.sort()
    return list(rows.values())


def _languages(people, site_ids: list[int], days: list[date], now: datetime) -> list[Language]:
    """Approved volunteers in scope per language they speak, and the coming shifts at the sites wanting each
    language; the most wanted first, then the most spoken (two statements)."""
    found: dict[str, Language] = {}
    for code, volunteers in db.session.execute(
            select(UserLanguage.code, func.count(distinct(UserLanguage.user_id)))
            .join(people, and_(people.c.id == UserLanguage.user_id, people.c.status == Status.APPROVED))
            .group_by(UserLanguage.code)):
        found.setdefault(code, Language(code)).volunteers = volunteers
    if site_ids:
        for code, shifts in db.session.execute(
                select(ShiftLanguage.code, func.count(distinct(Shift.id)))
                .join(Shift, Shift.id == ShiftLanguage.shift_id)
                .where(*_coming_shifts(site_ids, days, now)).group_by(ShiftLanguage.code)):
            found.setdefault(code, Language(code)).shifts = shifts
    return sorted(found.values(), key=lambda language: (-language.shifts, -language.volunteers, language.code))
