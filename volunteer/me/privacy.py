"""Privacy by design: what the site holds about a person (export), erasing it (delete my account), how long it
is kept (retention) and the privacy notice's version each person has accepted."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select, update

from ..audit import audit
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..mail import absolute_url, forget, send_after_commit
from ..models import (AuditEvent, Booking, BookingStatus, CallOutRecipient, Certificate, DeviceSession, Enrolment,
                      EnrolmentStatus, Handover, Interview, LoginToken, OutboxMessage, PersonQualification, RecordCheck,
                      Role, Shift, SiteLead, Status, StatusChange, TrainingSession, User, coordinator_organisations)

# Every column of every table that holds a row about a person, and whether the export carries it. A column
# missing from both lists fails tests/test_privacy.py, so a new personal field cannot slip past the export.
EXPORTED = {
    "user": {"email", "full_name", "phone", "role", "status", "locale", "motivation", "other_languages",
             "available_weekdays", "available_evenings", "available_weekends", "adult_confirmed",
             "privacy_version", "consented_at", "created_at", "email_confirmed_at", "last_sign_in_at",
             "status_changed_at", "retention_warned_at", "confirmed_name", "name_confirmed_at"},
    "user_language": {"code"},
    "user_skill": {"code"},
    "preferred_organisation": {"organisation_id"},
    "coordinator_organisation": {"organisation_id"},
    "status_change": {"from_status", "to_status", "reason", "changed_at"},
    "interview": {"held_on", "notes"},
    "record_check": {"kind", "seen_on", "valid_until", "lapse_reminded_days"},
    "enrolment": {"session_id", "status", "created_at", "waitlisted_at", "offer_expires_at"},
    "person_qualification": {"qualification_id", "granted_at", "expires_at", "reason", "lapse_reminded_days"},
    "booking": {"shift_id", "status", "created_at", "waitlisted_at", "offer_expires_at", "checked_in_at",
                "checked_out_at"},
    "site_lead": {"site_id", "from_day", "until_day"},
    "audit_event": {"created_at", "action"},
    "certificate": {"code", "locale", "period_start", "period_end", "issued_at", "facts", "withdrawn_at",
                    "withdrawal_reason"},
    "outbox_message": {"recipient", "subject", "status", "created_at", "finished_at", "read_at"},
    "call_out_recipient": {"asked_at", "opened_at", "booked_at"},
    "shift_handover": {"handed_at", "late", "offered", "taken_at"},
}
NOT_EXPORTED = {
    "user": {"id": "an internal number", "calendar_token": "a secret; the export says whether a feed exists",
             "status_changed_by_id": "a coordinator's internal number",
             "name_confirmed_by_id": "a coordinator's internal number",
             "role_before_oidc": "bookkeeping for staff sign-in: the role given by hand, restored when the "
                                 "organisation's provider stops granting one (the export's role is the one held)"},
    "user_language": {"user_id": "the person"},
    "user_skill": {"user_id": "the person"},
    "preferred_organisation": {"user_id": "the person"},
    "coordinator_organisation": {"user_id": "the person",
                                 "via_oidc": "bookkeeping for staff sign-in: whether the organisation's provider "
                                             "granted it"},
    "login_token": {name: "a one-time link, stored hashed; useless to the person"
                    for name in ("id", "user_id", "token_hash", "purpose", "created_at", "expires_at", "used_at",
                                 "locale")},
    "status_change": {"id": "an internal number", "user_id": "the person",
                      "changed_by_id": "a coordinator's internal number"},
    "interview": {"id": "an internal number", "user_id": "the person",
                  "interviewer_id": "a coordinator's internal number", "created_at": "bookkeeping"},
    "record_check": {"id": "an internal number", "user_id": "the person",
                     "seen_by_id": "a coordinator's internal number", "created_at": "bookkeeping"},
    "enrolment": {"id": "an internal number", "user_id": "the person", "updated_at": "bookkeeping",
                  "reminded_at": "bookkeeping", "decided_by_id": "a coordinator's internal number"},
    "person_qualification": {"id": "an internal number", "user_id": "the person",
                             "granted_by_id": "a coordinator's internal number",
                             "session_id": "the training is named in the trainings list"},
    "booking": {"id": "an internal number", "user_id": "the person", "updated_at": "bookkeeping",
                "reminded_at": "bookkeeping", "decided_by_id": "a coordinator's internal number"},
    "site_lead": {"id": "an internal number", "user_id": "the person", "created_at": "bookkeeping",
                  "created_by_id": "a coordinator's internal number"},
    "audit_event": {"id": "an internal number", "actor_id": "another person's internal number",
                    "subject_id": "the person", "details": "internal ids and other people's notes"},
    "device_session": {name: "a signed-in device's session, stored hashed; ended when the account goes"
                       for name in ("id", "user_id", "key_hash", "created_at")},
    "erasure_ledger": {"id": "an internal number", "user_id": "an erased account's old number",
                       "fingerprint": "a keyed hash that names nobody", "erased_at": "when an account was erased"},
    "certificate": {"id": "an internal number", "user_id": "the person",
                    "issued_by_id": "a coordinator's internal number; the facts name them",
                    "withdrawn_by_id": "a coordinator's internal number"},
    "outbox_message": {"id": "an internal number", "template": "which e-mail it is; the subject says it",
                       "about": "an internal reference to a shift or session", "message_id": "a mail header",
                       "body": "the e-mail itself, which went to the person", "attempts": "bookkeeping",
                       "next_attempt_at": "bookkeeping", "give_up_at": "bookkeeping",
                       "last_error": "the mail server's reply, for admins"},
    "call_out_recipient": {"id": "an internal number", "user_id": "the person",
                           "call_out_id": "the call-out; the export names its shift"},
    "shift_handover": {"id": "an internal number", "user_id": "the person", "booking_id": "the booking, exported",
                       "shift_id": "the shift; the export names it",
                       "call_out_id": "the call-out sent for it; the export says how many were asked"},
}


def _when(value) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict:
    """Everything the site stores about a person, as plain values for JSON and for the My data page."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "name_on_certificates": user.confirmed_name,
        "name_confirmed_at": _when(user.name_confirmed_at),
        "phone": user.phone,
        "status": user.status.value,
        "role": user.role.value,
        "site_language": user.locale,
        "languages": user.language_codes,
        "other_languages": user.other_languages,
        "skills": user.skill_codes,
        "availability": [key for key in ("weekdays", "evenings", "weekends") if getattr(user, f"available_{key}")],
        "preferred_organisations": [org.name for org in user.preferred_organisations],
        "coordinator_of": [org.name for org in user.coordinated_organisations],
        "motivation": user.motivation,
        "adult_confirmed": user.adult_confirmed,
        "privacy_notice_version": user.privacy_version,
        "consented_at": _when(user.consented_at),
        "created_at": _when(user.created_at),
        "email_confirmed_at": _when(user.email_confirmed_at),
        "last_sign_in_at": _when(user.last_sign_in_at),
        "status_changed_at": _when(user.status_changed_at),
        "retention_warned_at": _when(user.retention_warned_at),
        "status_history": [
            {"from": change.from_status.value if change.from_status else None, "status": change.to_status.value,
             "at": _when(change.changed_at), "reason": change.reason}
            for change in _rows(StatusChange, user, StatusChange.changed_at)],
        "interviews": [{"held_on": interview.held_on.isoformat(), "notes": interview.notes}
                       for interview in _rows(Interview, user, Interview.held_on)],
        "record_extracts_seen": [
            {"kind": check.kind.value, "seen_on": check.seen_on.isoformat(),
             "valid_until": check.valid_until.isoformat(), "reminded_days_before": check.lapse_reminded_days}
            for check in _rows(RecordCheck, user, RecordCheck.seen_on)],
        **_training_data(user),
        **_shift_data(user),
        "certificates": [
            {"code": c.code, "language": c.locale, "start": c.period_start.isoformat(),
             "end": c.period_end.isoformat(), "issued_at": _when(c.issued_at), "facts": c.facts,
             "withdrawn_at": _when(c.withdrawn_at), "withdrawal_reason": c.withdrawal_reason}
            for c in _rows(Certificate, user, Certificate.issued_at)],
        "messages": [{"subject": m.subject, "to": m.recipient, "status": m.status.value, "at": _when(m.created_at),
                      "finished_at": _when(m.finished_at), "read_at": _when(m.read_at)} for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id))],
        "activity": [{"at": _when(event.created_at), "action": event.action} for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == user.id)
            .order_by(AuditEvent.created_at, AuditEvent.id))],
    }


def _training_data(user: User) -> dict:
    enrolments = db.session.scalars(
        select(Enrolment).join(TrainingSession).where(Enrolment.user_id == user.id)
        .order_by(TrainingSession.starts_at, Enrolment.id))
    held = db.session.scalars(
        select(PersonQualification).where(PersonQualification.user_id == user.id)
        .order_by(PersonQualification.granted_at, PersonQualification.id))
    return {
        "trainings": [{"training": e.session.training.title_in(), "starts_at": _when(e.session.starts_at),
                       "status": e.status.value, "since": _when(e.created_at),
                       "waitlisted_at": _when(e.waitlisted_at), "offer_expires_at": _when(e.offer_expires_at)}
                      for e in enrolments],
        "qualifications": [{"qualification": q.qualification.names.get("en", q.qualification.code),
                            "granted_at": _when(q.granted_at), "expires_at": _when(q.expires_at),
                            "reason": q.reason, "reminded_days_before": q.lapse_reminded_days} for q in held],
    }


def _shift_data(user: User) -> dict:
    bookings = db.session.scalars(
        select(Booking).join(Shift).where(Booking.user_id == user.id).order_by(Shift.starts_at, Booking.id))
    return {
        "shifts": [{"site": b.shift.site.name, "task": b.shift.task.names.get("en", b.shift.task.code),
                    "starts_at": _when(b.shift.starts_at), "ends_at": _when(b.shift.ends_at),
                    "status": b.status.value, "since": _when(b.created_at),
                    "waitlisted_at": _when(b.waitlisted_at), "offer_expires_at": _when(b.offer_expires_at),
                    "checked_in_at": _when(b.checked_in_at), "checked_out_at": _when(b.checked_out_at)}
                   for b in bookings],
        "site_leads": [{"site": lead.site.name, "from": lead.from_day.isoformat(), "until": lead.until_day.isoformat()}
                       for lead in _rows(SiteLead, user, SiteLead.from_day)],
        "calendar_feed": bool(user.calendar_token),
        "call_outs": [{"site": r.call_out.shift.site.name,
                       "task": r.call_out.shift.task.names.get("en", r.call_out.shift.task.code),
                       "starts_at": _when(r.call_out.shift.starts_at), "asked_at": _when(r.asked_at),
                       "opened_at": _when(r.opened_at), "booked_at": _when(r.booked_at)}
                      for r in _rows(CallOutRecipient, user, CallOutRecipient.asked_at)],
        "handovers": [{"site": h.shift.site.name, "task": h.shift.task.names.get("en", h.shift.task.code),
                       "starts_at": _when(h.shift.starts_at), "handed_at": _when(h.handed_at), "late": h.late,
                       "offered_to_waitlist": h.offered, "asked_by_call_out": h.call_out.asked if h.call_out else 0,
                       "taken_at": _when(h.taken_at)}
                      for h in _rows(Handover, user, Handover.handed_at)],
    }


def _rows(model, user: User, column) -> list:
    return list(db.session.scalars(select(model).where(model.user_id == user.id).order_by(column, model.id)))


# Audit details that may hold free text about the person (a coordinator's reason, a confirmed name): dropped on
# erasure.
FREE_TEXT_DETAILS = ("reason", "name", "previous_name")


def erase(user: User, now: datetime, *, cause: str, actor: User | None = None, tell: bool = True) -> None:
    """Erase a person at once, in the caller's transaction.

    Coming places go to the waitlist and the coordinators hear; attended shifts and trainings stay only as
    anonymous counts; the audit trail keeps the actions under the bare id; everything else goes with the row."""
    from ..rules.places import lock_person
    from ..shifts import bookings
    from ..trainings import enrolments
    from .erasures import record

    lock_person(user.id)  # a booking racing the erasure waits, then finds the account gone (or comes first)
    record(user, now)  # with the erasure, so a backup restored later cannot bring the person back
    _tell_coordinators(user, now)
    enrolments.release_all(user, now)
    bookings.release_all(user, now)
    _keep_anonymous_counts(user)
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == user.id)):
        if any(key in event.details for key in FREE_TEXT_DETAILS):
            event.details = {k: v for k, v in event.details.items() if k not in FREE_TEXT_DETAILS}
    db.session.add(AuditEvent(action="account_deleted", actor_id=actor.id if actor else None,
                              subject_id=user.id, details={"cause": cause}))
    forget(user.email)  # the outbox: what was waiting for them, and what was kept
    if tell:
        send_after_commit(user.email, user.locale, "account_deleted", _l("Your account is deleted"),
                          name=user.full_name)
    db.session.delete(user)
    db.session.flush()


def _keep_anonymous_counts(user: User) -> None:
    attended_shifts = select(Booking.shift_id).where(Booking.user_id == user.id,
                                                     Booking.status == BookingStatus.ATTENDED)
    db.session.execute(update(Shift).where(Shift.id.in_(attended_shifts))
                       .values(anonymous_attended=Shift.anonymous_attended + 1)
                       .execution_options(synchronize_session=False))
    attended_sessions = select(Enrolment.session_id).where(Enrolment.user_id == user.id,
                                                           Enrolment.status == EnrolmentStatus.ATTENDED)
    db.session.execute(update(TrainingSession).where(TrainingSession.id.in_(attended_sessions))
                       .values(anonymous_attended=TrainingSession.anonymous_attended + 1)
                       .execution_options(synchronize_session=False))


def _tell_coordinators(user: User, now: datetime) -> None:
    """Coordinators of the organisation hear of every coming place the person held (not their name)."""
    from ..shifts.bookings import shift_details
    from ..trainings.enrolments import _session_details

    held_shifts = db.session.scalars(
        select(Shift).join(Booking).where(Booking.user_id == user.id, Shift.starts_at > now,
                                          Shift.cancelled_at.is_(None),
                                          Booking.status.in_((BookingStatus.BOOKED, BookingStatus.OFFERED))))
    for shift in held_shifts:
        for coordinator in _coordinators_of(shift.site.organisation_id):
            send_after_commit(coordinator.email, coordinator.locale, "volunteer_left", _l("A place is free again"),
                              name=coordinator.full_name, link=absolute_url("rosters.shift", shift_id=shift.id),
                              **shift_details(shift, coordinator.locale))
    held_sessions = db.session.scalars(
        select(TrainingSession).join(Enrolment).where(
            Enrolment.user_id == user.id, TrainingSession.starts_at > now, TrainingSession.cancelled_at.is_(None),
            Enrolment.status.in_((EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED))))
    for training_session in held_sessions:
        for coordinator in _coordinators_of(training_session.training.organisation_id):
            send_after_commit(coordinator.email, coordinator.locale, "volunteer_left", _l("A place is free again"),
                              name=coordinator.full_name,
                              link=absolute_url("training_admin.session", session_id=training_session.id),
                              **_session_details(training_session, coordinator.locale))


def _coordinators_of(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(coordinator_organisations)
        .where(coordinator_organisations.c.organisation_id == organisation_id).order_by(User.id)))


@dataclass
class RetentionReport:
    unconfirmed: int = 0
    rejected: int = 0
    warned: int = 0
    inactive: int = 0
    links: int = 0
    sessions: int = 0
    call_outs: int = 0

    def __str__(self) -> str:
        return (f"Deleted {self.unconfirmed} application(s) never confirmed, {self.rejected} rejected "
                f"application(s) and {self.inactive} inactive account(s) whose warning went unanswered; "
                f"warned {self.warned} inactive volunteer(s); removed {self.links} used or expired sign-in link(s) "
                f"and {self.sessions} ended session(s); forgot {self.call_outs} call-out(s) of shifts long over.")


def retention(now: datetime) -> RetentionReport:
    """Apply the retention periods (settings RETENTION_*); running it again at once changes nothing."""
    config = current_app.config
    report = RetentionReport()
    for user in _users(User.status == Status.APPLIED, User.created_at < now - config["RETENTION_UNCONFIRMED"]):
        erase(user, now, cause="retention_unconfirmed", tell=False)
        report.unconfirmed += 1
    for user in _users(User.status == Status.REJECTED,
                       User.status_changed_at < now - config["RETENTION_REJECTED"]):
        erase(user, now, cause="retention_rejected", tell=False)
        report.rejected += 1
    for user in _users(User.retention_warned_at < now - config["RETENTION_WARNING_NOTICE"], _inactive_since(now)):
        erase(user, now, cause="retention_inactive")
        report.inactive += 1
    for user in _users(User.retention_warned_at.is_(None), _inactive_since(now),
                       User.status.in_((Status.CONFIRMED, Status.APPROVED, Status.INACTIVE))):
        user.retention_warned_at = now
        audit("retention_warning_sent", subject=user)
        send_after_commit(user.email, user.locale, "retention_warning",
                          _l("Do you want to keep your volunteer account?"), name=user.full_name,
                          deadline=now + config["RETENTION_WARNING_NOTICE"], link=absolute_url("auth.sign_in"))
        report.warned += 1
    report.links = db.session.query(LoginToken).filter(
        or_(LoginToken.used_at.is_not(None), LoginToken.expires_at < now),
        LoginToken.created_at < now - timedelta(days=1)).delete(synchronize_session=False)
    report.sessions = db.session.query(DeviceSession).filter(
        DeviceSession.created_at <= now - config["PERMANENT_SESSION_LIFETIME"]).delete(synchronize_session=False)
    from ..shifts import callouts

    report.call_outs = callouts.forget_ended(now)
    return report


def _users(*conditions) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.VOLUNTEER, *conditions).order_by(User.id)))


def _inactive_since(now: datetime):
    """No sign-in, no new account, and no shift or training in the retention period for inactivity."""
    since = now - current_app.config["RETENTION_INACTIVE"]
    last_seen = func.coalesce(User.last_sign_in_at, User.email_confirmed_at, User.created_at)
    recent_shift = exists().where(Booking.user_id == User.id, Booking.shift_id == Shift.id, Shift.starts_at >= since)
    recent_training = exists().where(Enrolment.user_id == User.id, Enrolment.session_id == TrainingSession.id,
                                     TrainingSession.starts_at >= since)
    return and_(last_seen < since, User.created_at < since, ~recent_shift, ~recent_training)


def note_activity(user: User, now: datetime) -> None:
    """A signed-in visit counts as signing in (at most once a day); it also answers a retention warning."""
    if user.retention_warned_at is not None:
        user.retention_warned_at = None
        audit("retention_warning_answered", actor=user, subject=user)
    if user.last_sign_in_at is None or user.last_sign_in_at < now - timedelta(days=1):
        user.last_sign_in_at = now


def needs_acceptance(user: User) -> bool:
    return user.privacy_version != current_app.config["PRIVACY_NOTICE_VERSION"]


def record_acceptance(user: User, now: datetime) -> None:
    """Record consent to the current notice; the audit trail keeps every version ever accepted."""
    user.privacy_version = current_app.config["PRIVACY_NOTICE_VERSION"]
    user.consented_at = now
    audit("privacy_notice_accepted", actor=user, subject=user, privacy_version=user.privacy_version)
