"""Reading shifts: the open-shifts list's filters (a GET form whose values live in the URL) and the query they make."""
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload
from wtforms import BooleanField, DateField, SelectField
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..clock import day_bounds
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..models import (Booking, BookingStatus, PersonQualification, Shift, ShiftLanguage, Site, Task,
                      User, UserLanguage)
from ..rules.kinds import record_check_lapses
from ..rules.shifts import PLACES, booking_horizon, may_book_shifts
from ..web.forms import optional_int, within_reason


class ShiftFilterForm(FlaskForm):
    """Filters for open shifts (GET, no CSRF); an invalid value is ignored rather than failing the page."""

    class Meta:
        csrf = False

    site = SelectField(_l("Site"), coerce=optional_int, validate_choice=True)
    task = SelectField(_l("Task"), coerce=optional_int, validate_choice=True)
    start = DateField(_l("From"), validators=[within_reason])
    end = DateField(_l("To"), validators=[within_reason])
    my_languages = BooleanField(_l("Needs a language I speak"))
    bookable = BooleanField(_l("Only shifts I can book"))

    def __init__(self, sites: list[Site], tasks: list[Task], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site.choices = [SelectChoice("", _l("All sites"))] + [
            SelectChoice(site.id, site.name) for site in sites]
        self.task.choices = [SelectChoice("", _l("All tasks"))] + [
            SelectChoice(task.id, task.name_in()) for task in tasks]

    def filters(self) -> dict:
        self.validate()
        return {name: field.data for name, field in self._fields.items()
                if field.data not in (None, "", False) and not field.errors}


def shift_query(languages=selectinload) -> Select:
    """Shifts with what a card or a list row shows: site, task, required qualification, wanted languages.

    Wanted languages come in a second query; with joinedload they come in the same one (the rows then need
    .unique())."""
    return select(Shift).options(joinedload(Shift.site), joinedload(Shift.task),
                                 joinedload(Shift.required_qualification), languages(Shift.languages))


class ShiftPage(Pagination):
    """One page of shifts and how many there are in all, in one query: the total rides along on every row
    as a scalar subquery (counted once, on the starts_at index) instead of a second COUNT query. Give it a
    shift_query(joinedload).

    Not count(*) OVER (): the window made the database build every matching row, with its joins, before
    keeping 30 (3.2 ms against 0.35 ms on SQLite with the benchmark's 1,700 coming shifts)."""

    def _query_items(self) -> list:
        query = self._query_args["select"]
        total = select(func.count()).select_from(
            query.with_only_columns(Shift.id).order_by(None).subquery()).scalar_subquery()
        rows = db.session.execute(
            query.add_columns(total.label("total"))
            .limit(self.per_page).offset(self._query_offset)).unique().all()
        self._total = rows[0].total if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._total is not None or self.page == 1:
            return self._total or 0
        # Past the last page: no row carried the total.
        query = self._query_args["select"]
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def open_shifts(user: User, filters: dict, now: datetime) -> Select:
    """Coming shifts within the booking window that match the filters, soonest first.

    "Only shifts I can book" keeps, in SQL, exactly those the rules would let the person book, and those they have
    booked (_bookable)."""
    # Sites and tasks: the filter form has just loaded them all (filter_choices), so each card's site and task
    # come from the session's identity map, not from joined columns decoded again on every row.
    query = (select(Shift).options(joinedload(Shift.required_qualification), joinedload(Shift.languages))
             .where(Shift.cancelled_at.is_(None), Shift.starts_at > now, Shift.starts_at <= now + booking_horizon())
             .order_by(Shift.starts_at, Shift.id))
    if site := filters.get("site"):
        query = query.where(Shift.site_id == site)
    if task := filters.get("task"):
        query = query.where(Shift.task_id == task)
    if start := filters.get("start"):
        query = query.where(Shift.starts_at >= day_bounds(start)[0])
    if end := filters.get("end"):
        query = query.where(Shift.starts_at < day_bounds(end)[1])
    if filters.get("my_languages"):
        spoken = select(UserLanguage.code).where(UserLanguage.user_id == user.id)
        query = query.where(exists().where(ShiftLanguage.shift_id == Shift.id, ShiftLanguage.code.in_(spoken)))
    if filters.get("bookable"):
        query = _bookable(query, user, now)
    return query


def _bookable(query: Select, user: User, now: datetime) -> Select:
    """The shifts rules.booking_state calls OPEN, rung by rung, and those the person has booked, so that a page of
    them is a whole page and its count is what it lists. The boundaries are the rules' own (tests/test_bookable.py
    holds them together)."""
    if not may_book_shifts(user):
        return query.where(false())
    mine = exists().where(Booking.shift_id == Shift.id, Booking.user_id == user.id, or_(
        Booking.status.in_((BookingStatus.BOOKED, BookingStatus.WAITLISTED)),
        and_(Booking.status == BookingStatus.OFFERED, Booking.offer_expires_at > now)))
    held = select(PersonQualification.qualification_id).where(
        PersonQualification.user_id == user.id, PersonQualification.valid_at(Shift.ends_at))
    until = user.record_check_until
    checked = Shift.ends_at < record_check_lapses(until) if until is not None else false()
    other = aliased(Shift)
    clash = exists().where(
        Booking.user_id == user.id, Booking.status.in_(PLACES.occupied), Booking.shift_id == other.id,
        other.id != Shift.id, other.ends_at > now, other.cancelled_at.is_(None),
        other.starts_at < Shift.ends_at, Shift.starts_at < other.ends_at)
    booked = exists().where(Booking.shift_id == Shift.id, Booking.user_id == user.id,
                            Booking.status == BookingStatus.BOOKED)
    # A shift the person has just booked stays in the list, marked booked, rather than vanishing from under them.
    return query.where(or_(booked, and_(
        ~mine, or_(Shift.required_qualification_id.is_(None), Shift.required_qualification_id.in_(held)),
        or_(Shift.requires_record_check.is_(False), checked), ~clash, Shift.places_taken < Shift.places)))


def filter_choices() -> tuple[list[Site], list[Task]]:
    sites = list(db.session.scalars(select(Site).order_by(Site.name)))
    tasks = sorted(db.session.scalars(select(Task)), key=lambda task: task.name_in().casefold())
    return sites, tasks


def coming_shift_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Booking.id)).join(Shift).where(
            Booking.user_id == user.id, Booking.status == BookingStatus.BOOKED, Shift.ends_at > clock.now()))
