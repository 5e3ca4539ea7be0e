"""A coordinator booking someone by hand: which of the shift's rules the person does not meet, said about them.

The decision is the volunteer's own gates' (rules/shifts.py), on the same Standing; only the words differ. A
coordinator may book the person anyway (a training taken elsewhere, an extract seen at the door), but only
after seeing each rule and writing why (shifts.bookings.add_by_hand)."""
from datetime import datetime

from ..i18n.catalog import gettext as _
from ..i18n.formats import span
from ..models import Shift, User
from .kinds import Decision, Standing
from .shifts import BookingState, overlap, qualification_on_the_day, record_extract_on_the_day, shift_standing

# The gates a coordinator may override; approval is not one (only approved volunteers are found to add).
GATES = (qualification_on_the_day, record_extract_on_the_day, overlap)


def unmet_rules(person: User, shift: Shift, now: datetime) -> list[Decision]:
    """The shift's rules the person does not meet, each with its state and its reason for the coordinator."""
    known = shift_standing(person, [shift], now)
    return [Decision(decision.state, _about(person, shift, known, decision.state))
            for gate in GATES if (decision := gate(person, shift, now, known)) is not None]


def _about(person: User, shift: Shift, known: Standing, state: BookingState) -> str:
    name = person.full_name
    if state is BookingState.NEEDS_QUALIFICATION:
        return _("%(name)s does not hold “%(qualification)s” valid on the day of the shift.", name=name,
                 qualification=shift.required_qualification.name_in())
    if state is BookingState.NEEDS_RECORD_CHECK:
        return _("%(name)s has no criminal-record extract valid on the day of the shift, which it requires.",
                 name=name)
    other = known.clash(shift)
    return _("%(name)s is on another shift then (%(when)s, %(site)s).", name=name,
             when=span(other.starts_at, other.ends_at), site=other.site.name)
