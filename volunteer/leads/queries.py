"""What a site's day shows: the lead's two days of rosters, who is here now, the notes and the leads."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ..clock import day_bounds, local_day
from ..extensions import db
from ..models import Booking, BookingStatus, Shift, Site, SiteLead, SiteNote, User
from ..rules.leads import EARLY
from ..shifts.staffing import Roster, rosters

# Notes the coordinators' page of a site lists, newest first.
NOTES_SHOWN = 50


@dataclass
class Day:
    day: date
    rosters: list[Roster] = field(default_factory=list)


def two_days(site: Site, now: datetime) -> list[Day]:
    """Today's and tomorrow's shifts of the site (Stockholm) that are not cancelled, with their people."""
    today = local_day(now)
    days = [Day(today), Day(today + timedelta(days=1))]
    shifts = db.session.scalars(
        select(Shift).options(joinedload(Shift.task), joinedload(Shift.languages))
        .where(Shift.site_id == site.id, Shift.cancelled_at.is_(None), Shift.starts_at >= day_bounds(today)[0],
               Shift.starts_at < day_bounds(days[-1].day)[1])
        .order_by(Shift.starts_at, Shift.id)).unique().all()
    for roster in rosters(list(shifts)):
        days[0 if local_day(roster.shift.starts_at) == today else 1].rosters.append(roster)
    return days


@dataclass(frozen=True)
class Present:
    booking: Booking
    first_time: bool

    @property
    def person(self) -> User:
        return self.booking.user


def here_now(site: Site, now: datetime) -> list[Present]:
    """The people checked in at the site and not out, on shifts that started within the last day, by name; those
    who never attended a shift before marked (someone can pair them with an experienced volunteer)."""
    here = db.session.scalars(
        select(Booking).join(Booking.shift)
        .options(contains_eager(Booking.shift).joinedload(Shift.task),
                 joinedload(Booking.user).joinedload(User.languages))
        .where(Shift.site_id == site.id, Shift.starts_at > now - timedelta(days=1), Shift.starts_at <= now + EARLY,
               Booking.checked_in_at.is_not(None), Booking.checked_out_at.is_(None))).unique().all()
    if not here:
        return []
    seasoned = set(db.session.scalars(
        select(Booking.user_id).join(Booking.shift)
        .where(Booking.user_id.in_({b.user_id for b in here}), Booking.id.not_in([b.id for b in here]),
               Booking.status == BookingStatus.ATTENDED, Shift.starts_at < now)))
    return sorted((Present(b, b.user_id not in seasoned) for b in here),
                  key=lambda p: (p.person.full_name.casefold(), p.booking.id))


def leads_of(site: Site, now: datetime) -> list[SiteLead]:
    """The site's leads whose period has not ended, soonest first."""
    return list(db.session.scalars(
        select(SiteLead).options(joinedload(SiteLead.user))
        .where(SiteLead.site_id == site.id, SiteLead.until_day >= local_day(now))
        .order_by(SiteLead.from_day, SiteLead.id)))


def notes_of(site: Site) -> list[SiteNote]:
    return list(db.session.scalars(
        select(SiteNote).options(joinedload(SiteNote.author), joinedload(SiteNote.shift).joinedload(Shift.task))
        .where(SiteNote.site_id == site.id).order_by(SiteNote.created_at.desc(), SiteNote.id.desc())
        .limit(NOTES_SHOWN)))
