"""Which way a coordinator may move a person's status: the decision on an application, deactivation and back."""
from ..models import Status, User

# Which status a coordinator may move a person to, from which, and the audit action it records.
TRANSITIONS = {
    (Status.CONFIRMED, Status.APPROVED): "approved",
    (Status.CONFIRMED, Status.REJECTED): "rejected",
    (Status.APPROVED, Status.INACTIVE): "deactivated",
    (Status.INACTIVE, Status.APPROVED): "reactivated",
}
# Where deactivating an approved volunteer, or reactivating an inactive one, moves them.
ACTIVE_TOGGLE = {Status.APPROVED: Status.INACTIVE, Status.INACTIVE: Status.APPROVED}
# Approved now, or before a pause: they may have worked hours.
APPROVED_ONCE = (Status.APPROVED, Status.INACTIVE)


def may_decide(person: User) -> bool:
    """Whether a coordinator may record the interview and approve or reject the application."""
    # Both ways, so reactivating an inactive volunteer (also a move to approved) is not a decision.
    return all((person.status, outcome) in TRANSITIONS for outcome in (Status.APPROVED, Status.REJECTED))


def may_toggle_active(person: User) -> bool:
    """Whether a coordinator may deactivate or reactivate the person."""
    return person.status in ACTIVE_TOGGLE


def may_deactivate(person: User) -> bool:
    return ACTIVE_TOGGLE.get(person.status) is Status.INACTIVE


def has_been_approved(person: User) -> bool:
    """Approved now or before a pause, so they may have hours and certificates."""
    return person.status in APPROVED_ONCE
