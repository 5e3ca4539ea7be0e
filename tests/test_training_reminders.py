"""Training sessions' day-before reminders: sent once per seat, claimed like shifts' reminders, in the person's
language, with the calendar file; none for a waitlist, a cancelled seat or a cancelled session."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import Enrolment, EnrolmentStatus, Status, TrainingSession
from volunteer.trainings import enrolments

from .helpers import local, signed_in, translated

# Thursday 1 October 2026, 10:00 in Stockholm.
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)


def approved(make_user, email, locale="en"):
    return make_user(email, status=Status.APPROVED, locale=locale)


def seat(app, session, user, status=EnrolmentStatus.ENROLLED):
    with app.app_context():
        db.session.add(Enrolment(session_id=session.id, user_id=user.id, status=status))
        db.session.commit()


def test_a_seat_is_reminded_the_day_before_once_in_the_persons_language(app, clock, make_user, make_session, outbox):
    user = approved(make_user, "v@example.org", locale="sv")
    tomorrow = make_session(starts_at=local(date(2026, 10, 2), 17))
    later = make_session(title="Stödsamtal", starts_at=local(date(2026, 10, 4), 17))
    seat(app, tomorrow, user)
    seat(app, later, user)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "0 reminder(s) queued for shifts and 1 for training sessions" in result.output
    subject = translated(app, "sv", "Reminder: your training tomorrow")
    sent = [m for m in outbox.messages() if m["Subject"] == subject]
    assert len(sent) == 1 and "Introduktion till evakueringsboende" in sent[0].get_body(("plain",)).get_content()
    assert any(part.get_filename() == "training.ics" for part in sent[0].iter_attachments())
    assert "and 0 for training sessions" in runner.invoke(args=["send-reminders"]).output, "never twice"
    clock.advance(days=2)
    assert "and 1 for training sessions" in runner.invoke(args=["send-reminders"]).output


def test_no_reminder_for_the_waitlist_a_cancelled_seat_or_a_cancelled_session(app, make_user, make_session):
    session = make_session(starts_at=NOW + timedelta(hours=30))
    cancelled = make_session(title="Inställd", starts_at=NOW + timedelta(hours=30))
    seat(app, session, approved(make_user, "w@example.org"), EnrolmentStatus.WAITLISTED)
    seat(app, session, approved(make_user, "c@example.org"), EnrolmentStatus.CANCELLED)
    seat(app, cancelled, approved(make_user, "x@example.org"))
    with app.app_context():
        db.session.get(TrainingSession, cancelled.id).cancelled_at = NOW
        db.session.commit()
    with app.test_request_context():
        assert enrolments.send_reminders(NOW) == 0


def test_reminders_are_claimed_in_the_database(app, make_user, make_session):
    session = make_session(starts_at=NOW + timedelta(hours=30))
    seat(app, session, approved(make_user, "v@example.org"))
    with app.test_request_context():
        assert enrolments.send_reminders(NOW) == 1
        assert enrolments.send_reminders(NOW) == 0
        assert db.session.scalar(select(Enrolment.reminded_at)) == NOW


def test_a_person_who_enrols_again_is_reminded_again(app, make_user, make_session):
    user = approved(make_user, "v@example.org")
    session = make_session(starts_at=NOW + timedelta(hours=30), seats=3)
    client = signed_in(app, user)
    assert client.submit(f"/trainings/{session.id}/enrol", page="/trainings").status_code == 303
    with app.test_request_context():
        assert enrolments.send_reminders(NOW) == 1
    assert client.submit(f"/trainings/{session.id}/cancel", page="/trainings").status_code == 303
    assert client.submit(f"/trainings/{session.id}/enrol", page="/trainings").status_code == 303
    with app.test_request_context():
        assert enrolments.send_reminders(NOW) == 1
