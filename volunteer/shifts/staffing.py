"""Who is on which shift and what is still missing: rosters, a site's day and the needs overview.

Everything here reads; changes go through volunteer.bookings. Each function loads what a page shows in a
fixed number of queries, however many shifts or people there are."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ..clock import day_bounds, local_day
from ..extensions import db
from ..models import (Booking, BookingStatus, Organisation, Shift, ShiftLanguage, Site, Status, Task, User,
                      UserLanguage)
from ..vetting.service import filtered, people_in_scope, people_of, with_profile
from ..web.access import organisation_scope

# The roster's order: people who came or hold a place first, then offers; the waitlist is listed apart.
COMING = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.BOOKED, BookingStatus.OFFERED)
# A wanted language is covered when someone who holds (or held) a place on the shift speaks it.
COVERING = (BookingStatus.BOOKED, BookingStatus.OFFERED, BookingStatus.ATTENDED)
NEEDS_DAYS = 14
# A shift on the needs overview still missing a place or a language is urgent (red) when it starts this soon.
URGENT = timedelta(hours=48)
# Sites a page of the needs overview shows in full: what one request reads stays the same however many sites.
SITES_PER_PAGE = 5
MAX_CANDIDATES = 10


@dataclass
class Roster:
    """A shift with the people coming and the waitlist in its order."""

    shift: Shift
    coming: list[Booking] = field(default_factory=list)
    waitlist: list[Booking] = field(default_factory=list)

    def language_cover(self) -> list[tuple[str, bool]]:
        """Each wanted language and whether someone coming speaks it."""
        spoken = {code for booking in self.coming if booking.status in COVERING
                  for code in booking.user.language_codes}
        return [(code, code in spoken) for code in self.shift.language_codes]

    def uncovered(self) -> list[str]:
        return [code for code, covered in self.language_cover() if not covered]

    def booking_of(self, user_id: int) -> Booking | None:
        return next((b for b in self.coming + self.waitlist if b.user_id == user_id), None)


def rosters(shifts: list[Shift]) -> list[Roster]:
    """The rosters of several shifts: one query for everyone on them, with their languages."""
    found = {shift.id: Roster(shift) for shift in shifts}
    people = db.session.scalars(
        select(Booking).options(joinedload(Booking.user).joinedload(User.languages))
        .where(Booking.shift_id.in_(list(found)), Booking.status.in_((*COMING, BookingStatus.WAITLISTED)))).unique()
    for booking in people:
        roster = found[booking.shift_id]
        (roster.waitlist if booking.status is BookingStatus.WAITLISTED else roster.coming).append(booking)
    for roster in found.values():
        roster.coming.sort(key=lambda b: (COMING.index(b.status), b.user.full_name.casefold(), b.id))
        roster.waitlist.sort(key=lambda b: (b.waitlisted_at or b.created_at, b.id))
    return list(found.values())


def shifts_on(site: Site, day: date) -> list[Shift]:
    """Every shift of a site starting on a Stockholm day, cancelled ones too, by start."""
    start, end = day_bounds(day)
    return list(db.session.scalars(
        select(Shift).options(joinedload(Shift.task), joinedload(Shift.languages))
        .where(Shift.site_id == site.id, Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(Shift.starts_at, Shift.id)).unique())


def candidates(coordinator: User, text: str) -> list[User]:
    """Approved volunteers the coordinator may book by hand, found by name or e-mail."""
    query = filtered(bookable_people(coordinator), {"q": text})
    return list(db.session.scalars(
        with_profile(query).order_by(User.full_name, User.id).limit(MAX_CANDIDATES)))


def candidate(coordinator: User, person_id: int) -> User | None:
    return db.session.scalar(bookable_people(coordinator).where(User.id == person_id))


def bookable_people(coordinator: User) -> Select:
    """Approved volunteers within the coordinator's need-to-know: whom they may book by hand or call out."""
    return people_in_scope(coordinator).where(User.status == Status.APPROVED)


def bookable_for(shift: Shift) -> Select:
    """Approved volunteers within the need-to-know of the shift's organisation: whom a call-out the site sends by
    itself (for a hand-over) may ask, as any of its coordinators could."""
    return people_of({shift.site.organisation_id}).where(User.status == Status.APPROVED)


def visible_people(coordinator: User, user_ids: list[int]) -> set[int]:
    """Which of these people the coordinator may open on the person page."""
    if not user_ids:
        return set()
    visible = people_in_scope(coordinator).where(User.id.in_(user_ids)).with_only_columns(User.id)
    return set(db.session.scalars(visible))


@dataclass
class ShiftNeeds:
    """One shift on the needs overview: its places nobody has taken and the wanted languages nobody coming speaks."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    task: Task
    places: int
    taken: int
    uncovered: set[str] = field(default_factory=set)

    @property
    def free(self) -> int:
        return max(self.places - self.taken, 0)

    @property
    def day(self) -> date:
        return local_day(self.starts_at)

    def open(self) -> bool:
        """Something is still missing: a free place or a wanted language."""
        return bool(self.free or self.uncovered)

    def urgent(self, now: datetime) -> bool:
        """Missing something and starting within URGENT from now; a shift already under way is not urgent."""
        return self.open() and now < self.starts_at <= now + URGENT

    def may_call_out(self, now: datetime) -> bool:
        """A call-out can still fill a free place: the shift has one and has not started."""
        return self.free > 0 and self.starts_at > now


@dataclass
class SiteNeeds:
    site: Site
    shifts: list[ShiftNeeds] = field(default_factory=list)


@dataclass(frozen=True)
class OrganisationNeeds:
    """One organisation's coming days in sum: its sites with shifts, the shifts and the places nobody has taken."""

    organisation: Organisation
    sites: int
    shifts: int
    unfilled: int


def _window(now: datetime, days: int) -> tuple:
    """Shifts not cancelled and not over that start in the coming days. A shift lies within one day (ShiftForm),
    so one that is not over started less than a day ago: that bound lets the database read the days by index."""
    _, end = day_bounds(local_day(now) + timedelta(days=days - 1))
    return (Shift.cancelled_at.is_(None), Shift.ends_at > now, Shift.starts_at > now - timedelta(days=1),
            Shift.starts_at < end)


def _scoped(query: Select, coordinator: User, organisation_id: int | None) -> Select:
    scope = organisation_scope(coordinator)
    if scope is not None:
        query = query.where(Site.organisation_id.in_(scope))
    if organisation_id is not None:
        query = query.where(Site.organisation_id == organisation_id)
    return query


def needs_summary(coordinator: User, now: datetime, days: int = NEEDS_DAYS) -> list[OrganisationNeeds]:
    """Per organisation over the coming days, summed in the database in one query."""
    query = (select(Organisation, func.count(func.distinct(Shift.site_id)), func.count(Shift.id),
                    func.coalesce(func.sum(Shift.places - Shift.places_taken), 0))
             .join(Site, Site.organisation_id == Organisation.id).join(Shift, Shift.site_id == Site.id)
             .where(*_window(now, days)).group_by(Organisation.id).order_by(Organisation.name, Organisation.id))
    return [OrganisationNeeds(*row) for row in db.session.execute(_scoped(query, coordinator, None))]


def needs_sites(coordinator: User, organisation_id: int | None, page: int):
    """A page of the sites (of one organisation, or of all the coordinator's), by name; two queries."""
    query = _scoped(select(Site).order_by(Site.name, Site.id), coordinator, organisation_id)
    return db.paginate(query, page=page, per_page=SITES_PER_PAGE, error_out=False)


def needs(sites: list[Site], now: datetime, days: int = NEEDS_DAYS, language: str | None = None,
          free: bool = False) -> list[SiteNeeds]:
    """Per site, each shift over the coming days with its free places and uncovered languages, by start and then
    the most places free; only shifts missing the language, or with a free place, when asked.

    Three queries for the page's sites: shifts with their tasks, wanted languages, languages of people coming."""
    window = [Shift.site_id.in_([site.id for site in sites]), *_window(now, days)]
    if free:
        window.append(Shift.places > Shift.places_taken)
    if language:
        window.append(Shift.languages.any(ShiftLanguage.code == language))
    shifts = db.session.execute(
        select(Shift.id, Shift.site_id, Shift.starts_at, Shift.ends_at, Shift.places, Shift.places_taken, Task)
        .join(Task, Task.id == Shift.task_id).where(*window).order_by(Shift.starts_at, Shift.id)).all()
    # By the shifts' ids, not a join on the window: without statistics SQLite read every booking by its status.
    ids = [row.id for row in shifts]
    wanted = db.session.execute(
        select(ShiftLanguage.shift_id, ShiftLanguage.code).where(ShiftLanguage.shift_id.in_(ids))).all()
    # Only the wanted languages someone coming speaks (not every language of everyone coming), as plain tuples.
    spoken = {tuple(row) for row in db.session.execute(
        select(Booking.shift_id, UserLanguage.code).distinct()
        .join(UserLanguage, UserLanguage.user_id == Booking.user_id)
        .join(ShiftLanguage, (ShiftLanguage.shift_id == Booking.shift_id) & (ShiftLanguage.code == UserLanguage.code))
        .where(Booking.shift_id.in_(ids), Booking.status.in_(COVERING)))}
    found = {row.id: (row.site_id, ShiftNeeds(row.id, row.starts_at, row.ends_at, row.Task, row.places,
                                              row.places_taken)) for row in shifts}
    for shift_id, code in wanted:
        if (shift_id, code) not in spoken:
            found[shift_id][1].uncovered.add(code)
    by_site = {site.id: SiteNeeds(site) for site in sites}
    for site_id, need in found.values():
        if not language or language in need.uncovered:
            by_site[site_id].shifts.append(need)
    for entry in by_site.values():
        entry.shifts.sort(key=lambda need: (need.starts_at, -need.free, need.shift_id))
    return list(by_site.values())
