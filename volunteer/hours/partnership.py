"""The partnership's follow-up: what the volunteers did at the partner organisations' sites in a period, per
activity (task) and target group and per month, and the trainings the partners held; summed in the database, in
the same number of statements however many shifts and people there are.

Hours are totals.worked's (aggregates.elapsed_minutes in SQL) for each attended place, and a shift is held when
someone attended it. People who have since been erased count on as the shift's anonymous_attended: in shifts
held, hours and trainings held, but not among the distinct people, whom nothing tells apart any more. No person
served is recorded: a shift names only the kinds of people it was for (its target groups), and a shift for
several groups counts under each of them."""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, case, distinct, func, select

from .. import clock
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..i18n.formats import date_range, join_list, month_name, number
from ..i18n.languages import language_name
from ..models import (Booking, BookingStatus, Enrolment, EnrolmentStatus, Organisation, Shift, Site, TargetGroup,
                      Task, Training, TrainingSession, UserLanguage, shift_target_groups)
from .aggregates import elapsed_minutes
from .totals import _within, as_hours

# The longest period one report covers: its months are one CASE each in the statements.
MAX_MONTHS = 36


def small_number() -> int:
    """Counts of people below this are shown as "fewer than" it (PARTNERSHIP_SMALL_NUMBER)."""
    return current_app.config["PARTNERSHIP_SMALL_NUMBER"]


def shown(count: int) -> str:
    """A count of people as the report shows it: "fewer than 5" when it is small enough to point at someone."""
    threshold = small_number()
    if 0 < count < threshold:
        return _("fewer than %(num)d", num=threshold)
    return number(count)


@dataclass
class Figures:
    """Shifts held, the hours worked on them and the distinct people (with an account) who worked them."""

    shifts: int = 0
    minutes: int = 0
    volunteers: int = 0

    @property
    def hours(self) -> float:
        return as_hours(self.minutes)


@dataclass
class Row(Figures):
    """One activity for one target group (None: a shift that named none), with the languages its volunteers
    speak and how many of them speak each."""

    task: Task | None = None
    group: TargetGroup | None = None
    languages: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Month(Figures):
    first_day: date | None = None
    training_sessions: int = 0
    trained: int = 0


@dataclass
class Report:
    organisations: list[Organisation]
    start: date
    end: date
    rows: list[Row]
    months: list[Month]
    total: Figures
    trained: int

    @property
    def training_sessions(self) -> int:
        return sum(month.training_sessions for month in self.months)

    @property
    def empty(self) -> bool:
        return not self.total.shifts and not self.training_sessions


def months_of(start: date, end: date) -> list[date]:
    """The first day of each calendar month the period touches (the first one is the period's start)."""
    firsts, day = [start], start
    while True:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day > end:
            return firsts
        firsts.append(day)


def _month_of(column, firsts: list[date]):
    """The index of the Stockholm month a stored UTC moment falls in: one comparison per month boundary, each
    boundary the Stockholm midnight it is, so a month that starts in summer time starts at 22:00 UTC."""
    if len(firsts) == 1:
        return case((column.is_not(None), 0), else_=0)
    return case(*[(column < clock.at(first), index) for index, first in enumerate(firsts[1:])],
                else_=len(firsts) - 1)


def _shifts_held(organisations: list[int], start: date, end: date):
    """The period's shifts at the organisations' sites that someone attended: how many attended each (erased
    people too) and how many minutes each counts for."""
    people = (func.count(Booking.id) + Shift.anonymous_attended).label("people")
    return (select(Shift.id.label("shift_id"), Shift.task_id, Shift.starts_at, people,
                   elapsed_minutes(Shift.starts_at, Shift.ends_at).label("minutes"))
            .outerjoin(Booking, and_(Booking.shift_id == Shift.id, Booking.status == BookingStatus.ATTENDED))
            .where(*_within(Shift.starts_at, start, end),
                   Shift.site_id.in_(select(Site.id).where(Site.organisation_id.in_(organisations))))
            .group_by(Shift.id, Shift.task_id, Shift.starts_at, Shift.anonymous_attended, Shift.ends_at)
            .having(people > 0)
            .subquery())


def _attended(organisations: list[int], start: date, end: date):
    """The attended bookings of people who still have an account, on the period's shifts at the organisations'
    sites (the caller adds what it counts and groups by)."""
    return (select().select_from(Booking).join(Shift, Shift.id == Booking.shift_id)
            .where(Booking.status == BookingStatus.ATTENDED, *_within(Shift.starts_at, start, end),
                   Shift.site_id.in_(select(Site.id).where(Site.organisation_id.in_(organisations)))))


def _with_groups(query, shift_id):
    return query.outerjoin(shift_target_groups, shift_target_groups.c.shift_id == shift_id)


def report(organisations: list[Organisation], start: date, end: date) -> Report:
    """The follow-up for these organisations and Stockholm days (both included): eleven statements."""
    ids = [organisation.id for organisation in organisations]
    firsts = months_of(start, end)
    held = _shifts_held(ids, start, end)
    group = shift_target_groups.c.target_group_id
    rows: dict[tuple, Row] = {}
    for task_id, group_id, shifts, minutes in db.session.execute(
            _with_groups(select(held.c.task_id, group, func.count(), func.sum(held.c.people * held.c.minutes)),
                         held.c.shift_id).group_by(held.c.task_id, group)):
        # PostgreSQL sums integers as numeric: int() for Python's arithmetic.
        rows[task_id, group_id] = Row(shifts, int(minutes or 0), task=task_id, group=group_id)
    attended = _with_groups(_attended(ids, start, end), Shift.id)
    for task_id, group_id, volunteers in db.session.execute(
            attended.add_columns(Shift.task_id, group, func.count(distinct(Booking.user_id)))
            .group_by(Shift.task_id, group)):
        rows[task_id, group_id].volunteers = volunteers
    for task_id, group_id, code, speakers in db.session.execute(
            attended.join(UserLanguage, UserLanguage.user_id == Booking.user_id)
            .add_columns(Shift.task_id, group, UserLanguage.code, func.count(distinct(Booking.user_id)))
            .group_by(Shift.task_id, group, UserLanguage.code)):
        rows[task_id, group_id].languages.append((code, speakers))

    months = [Month(first_day=first) for first in firsts]
    for index, shifts, minutes in db.session.execute(
            select(_month_of(held.c.starts_at, firsts).label("month"), func.count(),
                   func.sum(held.c.people * held.c.minutes)).group_by("month")):
        months[index].shifts, months[index].minutes = shifts, int(minutes or 0)
    for index, volunteers in db.session.execute(
            _attended(ids, start, end).add_columns(_month_of(Shift.starts_at, firsts).label("month"),
                                                   func.count(distinct(Booking.user_id))).group_by("month")):
        months[index].volunteers = volunteers
    total = Figures(sum(month.shifts for month in months), sum(month.minutes for month in months),
                    db.session.scalar(_attended(ids, start, end).add_columns(func.count(distinct(Booking.user_id)))))
    trained = _trainings(ids, start, end, firsts, months)

    tasks = _by_id(Task, {row.task for row in rows.values()})
    groups = _by_id(TargetGroup, {row.group for row in rows.values()} - {None})
    for row in rows.values():
        row.task, row.group = tasks[row.task], groups.get(row.group)
        row.languages.sort(key=lambda language: (-language[1], language[0]))
    ordered = sorted(rows.values(), key=lambda r: (r.task.name_in().casefold(), r.group is None,
                                                   r.group.name_in().casefold() if r.group else ""))
    return Report(organisations, start, end, ordered, months, total, trained)


def _trainings(ids: list[int], start: date, end: date, firsts: list[date], months: list[Month]) -> int:
    """The sessions of the organisations' trainings that someone attended, and the people trained, per month
    (filled in) and in the period (returned): three statements."""
    people = (func.count(Enrolment.id) + TrainingSession.anonymous_attended).label("people")
    sessions = (select(TrainingSession.starts_at)
                .join(Training, Training.id == TrainingSession.training_id)
                .outerjoin(Enrolment, and_(Enrolment.session_id == TrainingSession.id,
                                           Enrolment.status == EnrolmentStatus.ATTENDED))
                .where(Training.organisation_id.in_(ids), *_within(TrainingSession.starts_at, start, end))
                .group_by(TrainingSession.id, TrainingSession.starts_at, TrainingSession.anonymous_attended)
                .having(people > 0).subquery())
    for index, count in db.session.execute(
            select(_month_of(sessions.c.starts_at, firsts).label("month"), func.count()).group_by("month")):
        months[index].training_sessions = count
    trained = (select().select_from(Enrolment).join(TrainingSession, TrainingSession.id == Enrolment.session_id)
               .join(Training, Training.id == TrainingSession.training_id)
               .where(Enrolment.status == EnrolmentStatus.ATTENDED, Training.organisation_id.in_(ids),
                      *_within(TrainingSession.starts_at, start, end)))
    for index, count in db.session.execute(
            trained.add_columns(_month_of(TrainingSession.starts_at, firsts).label("month"),
                                func.count(distinct(Enrolment.user_id))).group_by("month")):
        months[index].trained = count
    return db.session.scalar(trained.add_columns(func.count(distinct(Enrolment.user_id))))


def _by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def languages_text(row: Row) -> str:
    """The languages the row's volunteers speak, most spoken first, each with how many speak it (small counts
    as "fewer than")."""
    return join_list(_("%(language)s (%(count)s)", language=language_name(code), count=shown(speakers))
                     for code, speakers in row.languages)


def in_the_period(report: Report) -> list[tuple[str, str]]:
    """The period's figures, labelled: what the page and the PDF show first."""
    return [(_("Shifts held"), number(report.total.shifts)), (_("Hours of volunteer work"), number(report.total.hours)),
            (_("Volunteers"), shown(report.total.volunteers)), (_("Trainings held"), number(report.training_sessions)),
            (_("People trained"), shown(report.trained))]


def table(report: Report) -> tuple[list[str], list[list]]:
    """The header and rows of the CSV: one row per activity and target group, one per month, one for the period."""
    header = [_("Task"), _("Target group"), _("Month"), _("Shifts held"), _("Hours"), _("Volunteers"),
              _("Languages spoken"), _("Trainings held"), _("People trained")]
    rows = [[row.task.name_in(), row.group.name_in() if row.group else _("No target group named"), "", row.shifts,
             number(row.hours), shown(row.volunteers), languages_text(row), "", ""] for row in report.rows]
    rows += [["", "", month_name(month.first_day), month.shifts, number(month.hours), shown(month.volunteers), "",
              month.training_sessions, shown(month.trained)] for month in report.months]
    rows.append([_("The whole period"), "", date_range(report.start, report.end), report.total.shifts,
                 number(report.total.hours), shown(report.total.volunteers), "", report.training_sessions,
                 shown(report.trained)])
    return header, rows
