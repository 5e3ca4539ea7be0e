"""The coordinators' first screen: today's and tomorrow's shifts at their organisations' sites, per day and site,
with the places taken and the wanted languages nobody coming speaks. Reads only, in four queries."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..clock import day_bounds, local_day
from ..extensions import db
from ..models import Shift, Site, User
from ..web.access import sites_in_scope
from .staffing import Roster, rosters


@dataclass
class SiteDay:
    """One site's coming shifts on one day, each with its roster."""

    site: Site
    rosters: list[Roster] = field(default_factory=list)


@dataclass
class Day:
    day: date
    sites: list[SiteDay] = field(default_factory=list)


def today_and_tomorrow(coordinator: User, now: datetime) -> list[Day]:
    """Shifts that have not ended by the end of tomorrow (Stockholm), by day and site, soonest first."""
    today = local_day(now)
    days = [Day(today), Day(today + timedelta(days=1))]
    sites = {site.id: site for site in sites_in_scope(coordinator)}
    shifts = db.session.scalars(
        select(Shift).options(joinedload(Shift.task), joinedload(Shift.languages))
        .where(Shift.site_id.in_(sorted(sites)), Shift.cancelled_at.is_(None), Shift.ends_at > now,
               Shift.starts_at < day_bounds(days[-1].day)[1])
        .order_by(Shift.starts_at, Shift.id)).unique().all()
    for roster in rosters(list(shifts)):
        day = days[0] if local_day(roster.shift.starts_at) <= today else days[1]
        site = next((entry for entry in day.sites if entry.site.id == roster.shift.site_id), None)
        if site is None:
            site = SiteDay(sites[roster.shift.site_id])
            day.sites.append(site)
        site.rosters.append(roster)
    return days
