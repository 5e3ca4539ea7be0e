"""The coordinators' hours report, summed in the database: a request reads sums per site and task and one page of
people, however many bookings were ever attended.

The minutes are totals.booking_minutes' (whole minutes of real elapsed time between the stored UTC check-in and
check-out, or else the shift's start and end), summed booking by booking, so the database gives the figures Python gives, across clock changes too."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, Select, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..models import Booking, BookingStatus, Shift, Site, Task, User
from .totals import ReportRow, Tally, _within, as_hours


class elapsed_minutes(FunctionElement):
    """Whole minutes from the first moment to the second, as totals.minutes counts them."""

    type = Integer()
    inherit_cache = True
    name = "elapsed_minutes"


@compiles(elapsed_minutes, "postgresql")
def _elapsed_on_postgresql(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS INTEGER)"


@compiles(elapsed_minutes, "sqlite")
def _elapsed_on_sqlite(element, compiler, **kw):
    # Naive UTC text; julianday is a double (about 50 µs apart at today's dates), so round to milliseconds
    # before dividing: integer division floors the positive milliseconds to whole minutes.
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST(ROUND((julianday({end}) - julianday({start})) * 86400000) AS INTEGER) / 60000)"


# totals.booking_minutes: the real time from check-in to check-out where both were recorded, else the shift's.
MINUTES = func.sum(case(
    (and_(Booking.checked_in_at.is_not(None), Booking.checked_out_at.is_not(None)),
     elapsed_minutes(Booking.checked_in_at, Booking.checked_out_at)),
    else_=elapsed_minutes(Shift.starts_at, Shift.ends_at)))


def _attended(columns: tuple, scope: set[int] | None, start: date, end: date) -> Select:
    """Sums over attended bookings on shifts starting in the period at the sites of the organisations (None: all)."""
    query = (select(*columns, func.count(Booking.id).label("shifts"), MINUTES.label("minutes"))
             .join(Shift, Shift.id == Booking.shift_id)
             .where(Booking.status == BookingStatus.ATTENDED, *_within(Shift.starts_at, start, end)))
    if scope is not None:
        query = query.where(Shift.site_id.in_(select(Site.id).where(Site.organisation_id.in_(scope))))
    return query.group_by(*columns)


@dataclass
class Summary:
    """The period's hours in total, per site and per task (as many rows as sites and tasks, not bookings)."""

    sites: list[Tally]
    tasks: list[Tally]
    minutes: int = 0
    shifts: int = 0

    @property
    def hours(self) -> float:
        return as_hours(self.minutes)


def summary(scope: set[int] | None, start: date, end: date) -> Summary:
    """Three queries: the sums per site and task, then those sites and tasks."""
    sums = db.session.execute(_attended((Shift.site_id, Shift.task_id), scope, start, end)).all()
    sites = _by_id(Site, {row.site_id for row in sums})
    tasks = _by_id(Task, {row.task_id for row in sums})
    per_site, per_task = {}, {}
    for site_id, task_id, shifts, minutes in sums:
        for totals, key in ((per_site, sites[site_id]), (per_task, tasks[task_id])):
            entry = totals.setdefault(key.id, Tally(key))
            entry.minutes += minutes
            entry.count += shifts
    return Summary(_most_first(per_site), _most_first(per_task), sum(row.minutes for row in sums),
                   sum(row.shifts for row in sums))


def _most_first(totals: dict) -> list[Tally]:
    return sorted(totals.values(), key=lambda t: (-t.minutes, t.key.id))


def _by_id(model, ids: set[int], *options) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).options(*options).where(model.id.in_(ids)))}


@dataclass
class PersonHours:
    """One person's hours in the period, with their rows per site and task."""

    person: User
    shifts: int
    minutes: int
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return as_hours(self.minutes)


@dataclass
class PeoplePage:
    """One page of the people in the report, by name; what the pagination macro reads."""

    items: list[PersonHours]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return min(self.page - 1, self.pages)

    @property
    def next_num(self) -> int:
        return self.page + 1


def people(scope: set[int] | None, start: date, end: date, page: int, per_page: int,
           sites: dict[int, Site], tasks: dict[int, Task]) -> PeoplePage:
    """A page of people by name with their sums (one query, which also counts them all), then their rows per site
    and task (one more); the sites and tasks come from the summary."""
    sums = _attended((Booking.user_id,), scope, start, end).subquery()
    found = db.session.execute(
        select(User, sums.c.shifts, sums.c.minutes, func.count().over().label("total"))
        .join(sums, sums.c.user_id == User.id).order_by(User.full_name, User.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    items = {person.id: PersonHours(person, shifts, minutes) for person, shifts, minutes, _ in found}
    if items:
        detail = _attended((Booking.user_id, Shift.site_id, Shift.task_id), scope, start, end) \
            .where(Booking.user_id.in_(list(items)))
        for user_id, site_id, task_id, shifts, minutes in db.session.execute(detail):
            entry = items[user_id]
            entry.rows.append(ReportRow(entry.person, sites[site_id], tasks[task_id], shifts, minutes))
        for entry in items.values():
            entry.rows.sort(key=lambda r: (r.site.name, r.task.code))
    if found:
        total = found[0].total
    else:  # a page past the end (an old link): say how many pages there are
        total = db.session.scalar(select(func.count()).select_from(sums)) if page > 1 else 0
    return PeoplePage(list(items.values()), page, per_page, total)


def report(scope: set[int] | None, start: date, end: date) -> list[ReportRow]:
    """Every person's hours per site and task in the period (the CSV): summed in the database, three queries."""
    sums = _attended((Booking.user_id, Shift.site_id, Shift.task_id), scope, start, end).subquery()
    found = db.session.execute(select(User, sums.c.site_id, sums.c.task_id, sums.c.shifts, sums.c.minutes)
                               .join(sums, sums.c.user_id == User.id)).all()
    sites = _by_id(Site, {row.site_id for row in found}, joinedload(Site.organisation))
    tasks = _by_id(Task, {row.task_id for row in found})
    rows = [ReportRow(person, sites[site_id], tasks[task_id], shifts, minutes)
            for person, site_id, task_id, shifts, minutes in found]
    return sorted(rows, key=lambda r: (r.person.full_name.casefold(), r.person.id, r.site.name, r.task.code))
