"""Who leads which site today, and when a booking may be checked in or out: the one answer every page, button
and POST of site leads and check-in reads."""
import enum
from datetime import datetime, timedelta

from sqlalchemy import select

from ..clock import local_day
from ..extensions import db
from ..models import Booking, BookingStatus, Shift, Site, SiteLead, User

# A volunteer may check in this long before their shift starts, and check out this long after it ends.
EARLY = timedelta(hours=1)
LATE = timedelta(hours=1)
# A second scan this soon after checking in is the same arrival (two scans at once, a double tap), not leaving.
SAME_ARRIVAL = timedelta(minutes=5)
# The statuses a person may be checked in from: holding the place, marked as having come, or marked as not having
# come (they arrived late after all).
CHECKABLE = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


def current_leads(user: User, now: datetime) -> list[SiteLead]:
    """The sites the person leads today (Stockholm), by site name."""
    today = local_day(now)
    return list(db.session.scalars(
        select(SiteLead).join(SiteLead.site).where(SiteLead.user_id == user.id, SiteLead.from_day <= today,
                                                   SiteLead.until_day >= today)
        .order_by(Site.name, SiteLead.id)))


def leads_site(user: User, site_id: int, now: datetime) -> bool:
    """Whether the person leads this site today."""
    today = local_day(now)
    return db.session.scalar(
        select(SiteLead.id).where(SiteLead.user_id == user.id, SiteLead.site_id == site_id,
                                  SiteLead.from_day <= today, SiteLead.until_day >= today).limit(1)) is not None


def leads_any(user: User, now: datetime) -> bool:
    today = local_day(now)
    return db.session.scalar(
        select(SiteLead.id).where(SiteLead.user_id == user.id, SiteLead.from_day <= today,
                                  SiteLead.until_day >= today).limit(1)) is not None


class Presence(enum.Enum):
    """Where a booking stands at the door, and what checking it does next."""

    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    JUST_ARRIVED = "just_arrived"  # checked in a moment ago: a second scan is the same arrival
    LEFT = "left"
    NOT_NOW = "not_now"  # not open for check-in now

    @property
    def acts(self) -> bool:
        """Checking the booking now changes it."""
        return self in (Presence.CHECK_IN, Presence.CHECK_OUT)


def open_for_check_in(shift: Shift, now: datetime) -> bool:
    """The shift starts within the hour or is running, and is not cancelled."""
    return shift.cancelled_at is None and shift.starts_at - EARLY <= now < shift.ends_at


def presence(booking: Booking, now: datetime) -> Presence:
    """What a scan, a typed code or the lead's button does to this booking now."""
    shift = booking.shift
    if booking.checked_out_at is not None:
        return Presence.LEFT
    if booking.checked_in_at is not None:
        if now - booking.checked_in_at < SAME_ARRIVAL:
            return Presence.JUST_ARRIVED
        return Presence.CHECK_OUT if shift.cancelled_at is None and now < shift.ends_at + LATE else Presence.NOT_NOW
    if booking.status in CHECKABLE and open_for_check_in(shift, now):
        return Presence.CHECK_IN
    return Presence.NOT_NOW


# What a lead's buttons do to a booking, by the address's action.
LEAD_ACTIONS = ("check_in", "check_out", "no_show")


def lead_actions(booking: Booking, now: datetime) -> list[str]:
    """The buttons a lead (or coordinator) has for one person on today's roster."""
    state = presence(booking, now)
    actions = {Presence.CHECK_IN: ["check_in"], Presence.CHECK_OUT: ["check_out"]}.get(state, [])
    shift = booking.shift
    if (booking.status is BookingStatus.BOOKED and booking.checked_in_at is None and shift.cancelled_at is None
            and shift.starts_at <= now):
        actions.append("no_show")
    return actions
