"""The audit trail: who did what to whom, and every change of a person's status."""
from .extensions import db
from .models import AuditEvent, Status, StatusChange, User


def audit(action: str, actor: User | None = None, subject: User | None = None, **details) -> None:
    """Record an audit event in the current transaction."""
    db.session.add(AuditEvent(action=action, actor_id=actor.id if actor else None,
                              subject_id=subject.id if subject else None, details=details))


def note_status_change(user: User, from_status: Status | None, actor: User | None, reason: str = "") -> None:
    """Keep a step of the person's status history (the status itself is already set on the user)."""
    db.session.add(StatusChange(user=user, from_status=from_status, to_status=user.status, reason=reason,
                                changed_by_id=actor.id if actor else None, changed_at=user.status_changed_at))
