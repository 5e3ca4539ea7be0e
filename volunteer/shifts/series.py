"""Coordinators' changes to shifts: one shift or a weekly series made, edited or cancelled. An edit gives new places
to the waitlist first and tells everyone holding a place or waiting about a new time, site or task; a
cancellation tells them too. The caller commits."""
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..models import Shift, Site, User
from ..rules.shifts import PLACES
from ..web.access import organisation_scope
from ..web.forms import missing_time
from . import bookings, target_groups
from .forms import EditShiftForm, NewShiftForm, ShiftForm, local_parts


class Refused(Exception):
    """What the form allowed but the shifts do not: the field it concerns and why, to show next to it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def create(form: NewShiftForm, by: User, now: datetime) -> int:
    """One shift, or the same weekday and times for several weeks (a series); how many were made."""
    days = [form.day.data + timedelta(weeks=week) for week in range(form.weeks.data)]
    if form.times_on(days[0])[0] <= now:
        raise Refused("day", _("Choose a time in the future."))
    _check_real_times(form, days)
    groups = _target_groups(form)
    series = uuid.uuid4().hex if len(days) > 1 else None
    for day in days:
        shift = Shift(series_id=series, created_by_id=by.id, created_at=now, languages=[])
        form.apply_to(shift, day)
        shift.target_groups = list(groups)
        db.session.add(shift)
    audit("shifts_created", actor=by, site_id=form.site_id.data, count=len(days), series_id=series)
    return len(days)


def edit(shift: Shift, form: EditShiftForm, by: User, now: datetime) -> int:
    """The form applied to the shift, or to it and the rest of its series (each keeping its own day); how many
    people were told about the change."""
    affected = following(shift, form.scope.data, by, now)
    _check_real_times(form, [form.day.data] + [local_parts(each.starts_at)[0] for each in affected[1:]])
    groups = _target_groups(form)
    for each in affected:  # one conditional UPDATE each: a booking meanwhile comes first or waits
        if not PLACES.resize(each.id, form.places.data):
            raise Refused("places", _("%(num)d places are taken; the shift needs at least that many.",
                                      num=each.places_taken))
    told = 0
    for each in affected:
        before = _what_people_hear_about(each)
        form.apply_to(each, form.day.data if each is shift else local_parts(each.starts_at)[0])
        each.target_groups = list(groups)
        db.session.flush()
        bookings.fill_from_waitlist(each, now)  # more places go to the queue first
        if before != _what_people_hear_about(each):
            told += bookings.tell_about_change(each)
    audit("shifts_edited", actor=by, shift_id=shift.id, count=len(affected), told=told)
    return told


def cancel(shift: Shift, scope: str | None, by: User, now: datetime, reason: str | None = None) -> int:
    """Cancel the shift, or it and the rest of its series; how many people were told (with the reason, if any)."""
    return sum(bookings.cancel_shift(each, by, now, reason) for each in following(shift, scope, by, now))


def following(shift: Shift, scope: str | None, by: User, now: datetime) -> list[Shift]:
    """The shift alone, or it and the later shifts of its series that have not started or been cancelled, at
    sites of the organisations the coordinator acts for: an admin may have moved one of a series elsewhere."""
    if scope != "following" or shift.series_id is None:
        return [shift]
    query = select(Shift).where(Shift.series_id == shift.series_id, Shift.starts_at >= shift.starts_at,
                                Shift.starts_at > now, Shift.cancelled_at.is_(None))
    organisations = organisation_scope(by)
    if organisations is not None:
        query = query.where(Shift.site_id.in_(select(Site.id).where(Site.organisation_id.in_(organisations))))
    return list(db.session.scalars(query.order_by(Shift.starts_at)))


def _what_people_hear_about(shift: Shift) -> tuple:
    return shift.starts_at, shift.ends_at, shift.site_id, shift.task_id


def _target_groups(form: ShiftForm) -> list:
    """The groups the shifts will serve: the site's and task's, or those of them the coordinator kept."""
    try:
        return target_groups.for_shift(form.site_id.data, form.task_id.data, form.target_group_ids.data)
    except target_groups.NotServed as refused:
        raise Refused("target_group_ids", str(refused)) from refused


def _check_real_times(form: ShiftForm, days: list[date]) -> None:
    """Every day of a series has the form's times: the clocks skip an hour on one night in spring."""
    for day in days:
        for name in ("start", "end"):
            message = missing_time(day, form[name].data)
            if message:
                raise Refused(name, message)
