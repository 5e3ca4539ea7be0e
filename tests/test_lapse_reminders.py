"""Reminders that come first: 30 and 7 days before a qualification or a criminal-record extract lapses, one e-mail
each, in the person's language, with the sessions that renew it (or what to do for a new extract); none for what
has been renewed; and the coordinators' list of who lapses this month, within need-to-know."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from volunteer import lapses
from volunteer.extensions import db
from volunteer.models import (Organisation, OutboxMessage, PersonQualification, Qualification, RecordCheck,
                              RecordKind, Role, Status, User)

from .helpers import grant, local, page_text, signed_in, translated

# Thursday 1 October 2026, 10:00 in Stockholm.
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)
REMINDERS = "reminder(s) of qualifications or record extracts that lapse soon"


def remind(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def queued(output: str) -> int:
    return int(output.rsplit(", ", 1)[1].split(" ")[0])


def qualification_id(app, code="intro_housing") -> int:
    with app.app_context():
        return db.session.scalar(select(Qualification.id).where(Qualification.code == code))


def extract(app, user, valid_until: date, kind=RecordKind.CHILDREN_OTHER) -> None:
    with app.app_context():
        db.session.add(RecordCheck(user_id=user.id, kind=kind, seen_on=valid_until - timedelta(days=365),
                                   valid_until=valid_until))
        db.session.commit()


def test_a_qualification_is_reminded_30_and_7_days_before_once_each_in_the_persons_language(
        app, clock, make_user, make_session, outbox):
    renewing = make_session(starts_at=local(date(2026, 11, 3), 17), place="Folkets hus, Testby")
    user = make_user("v@example.org", status=Status.APPROVED, locale="sv")
    grant(app, user, expires_at=NOW + timedelta(days=40))
    assert queued(remind(app)) == 0, "40 days before: nothing yet"
    clock.advance(days=11)
    assert REMINDERS in remind(app)
    subject = translated(app, "sv", "Your qualification %(qualification)s lapses soon",
                         qualification="Introduktion till evakueringsboende")
    sent = [m for m in outbox.messages() if m["Subject"] == subject]
    assert len(sent) == 1
    text = outbox.text(sent[0])
    assert "Folkets hus, Testby" in text and "svenska" in text
    assert f"/trainings?gives={qualification_id(app)}" in text
    assert translated(app, "sv", "These coming training sessions renew it:") in text
    assert queued(remind(app)) == 0, "never twice"
    clock.advance(days=20)  # 9 days before
    assert queued(remind(app)) == 0
    clock.advance(days=3)  # 6 days before
    assert queued(remind(app)) == 1
    assert queued(remind(app)) == 0
    assert len([m for m in outbox.messages() if m["Subject"] == subject]) == 2
    clock.advance(days=7)
    assert queued(remind(app)) == 0, "nothing once it has lapsed"
    assert renewing.id


def test_a_first_run_within_a_week_sends_only_the_7_day_reminder(app, clock, make_user, make_session):
    make_session()
    user = make_user("v@example.org", status=Status.APPROVED)
    grant(app, user, expires_at=NOW + timedelta(days=5))
    assert queued(remind(app)) == 1
    clock.advance(days=1)
    assert queued(remind(app)) == 0
    with app.app_context():
        assert db.session.scalar(select(PersonQualification.lapse_reminded_days)) == 7


def test_no_reminder_for_what_has_been_renewed(app, make_user, make_session):
    make_session()
    renewed = make_user("renewed@example.org", status=Status.APPROVED)
    grant(app, renewed, expires_at=NOW + timedelta(days=20))
    grant(app, renewed, expires_at=NOW + timedelta(days=750))
    for_good = make_user("open@example.org", status=Status.APPROVED)
    grant(app, for_good, expires_at=NOW + timedelta(days=20))
    grant(app, for_good)  # held again with no end
    new_extract = make_user("extract@example.org", status=Status.APPROVED)
    extract(app, new_extract, date(2026, 10, 20))
    extract(app, new_extract, date(2027, 10, 20), kind=RecordKind.OWN_RECORD)
    inactive = make_user("inactive@example.org", status=Status.INACTIVE)
    grant(app, inactive, expires_at=NOW + timedelta(days=20))
    with app.test_request_context():
        assert lapses.send_reminders(NOW) == 0, [m.recipient for m in db.session.scalars(select(OutboxMessage))]


def test_a_record_extract_is_reminded_with_what_to_do_in_the_persons_language(app, clock, make_user, outbox):
    user = make_user("v@example.org", status=Status.APPROVED, locale="ar")
    extract(app, user, date(2026, 10, 25))  # lapses at the end of 25 October
    assert queued(remind(app)) == 1
    message = outbox.last()
    assert message["Subject"] == translated(app, "ar", "Your criminal-record extract lapses soon")
    text = outbox.text(message)
    assert translated(app, "ar", "Work with children outside school and childcare") in text
    assert "polisen.se" in text and "/me" in text
    assert queued(remind(app)) == 0
    clock.advance(days=17)  # 7 days and 15 hours before the end of the 25th (the clocks go back that night)
    assert queued(remind(app)) == 0
    clock.advance(days=1)
    assert queued(remind(app)) == 1
    with app.app_context():
        assert db.session.scalar(select(RecordCheck.lapse_reminded_days)) == 7


def test_reminders_are_claimed_in_the_database(app, make_user, make_session):
    make_session()
    user = make_user("v@example.org", status=Status.APPROVED)
    grant(app, user, expires_at=NOW + timedelta(days=25))
    with app.test_request_context():
        assert lapses.send_reminders(NOW) == 1
        assert lapses.send_reminders(NOW) == 0
        assert db.session.scalar(select(PersonQualification.lapse_reminded_days)) == 30


def test_the_stages():
    assert lapses.stage_due(NOW + timedelta(days=31), NOW) is None
    assert lapses.stage_due(NOW + timedelta(days=30), NOW) == 30
    assert lapses.stage_due(NOW + timedelta(days=7, seconds=1), NOW) == 30
    assert lapses.stage_due(NOW + timedelta(days=7), NOW) == 7
    assert lapses.stage_due(NOW, NOW) is None
    assert lapses.month_bounds(date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert lapses.month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_coordinators_see_who_lapses_this_month_among_their_people(app, make_user, make_session, coordinator, frg,
                                                                    make_organisation):
    make_session()
    red_cross = make_organisation("Röda Korset Testby", kind="red_cross")

    def volunteer(email, name, organisation=None):
        user = make_user(email, full_name=name, status=Status.APPROVED)
        if organisation is not None:
            with app.app_context():
                chooser = db.session.get(User, user.id)
                chooser.preferred_organisations.append(db.session.get(Organisation, organisation.id))
                db.session.commit()
        return user

    ours = volunteer("ours@example.org", "Olle Vår", frg)
    grant(app, ours, expires_at=local(date(2026, 10, 21), 0))  # last valid day: 20 October
    extract(app, volunteer("extract@example.org", "Eva Utdrag", frg), date(2026, 10, 9))
    theirs = volunteer("theirs@example.org", "Tove Deras", red_cross)
    grant(app, theirs, expires_at=NOW + timedelta(days=5))
    later = volunteer("later@example.org", "Lars Senare", frg)
    grant(app, later, expires_at=NOW + timedelta(days=45))
    renewed = volunteer("renewed@example.org", "Rut Förnyad", frg)
    grant(app, renewed, expires_at=NOW + timedelta(days=5))
    grant(app, renewed, expires_at=NOW + timedelta(days=700))

    with app.app_context():
        db.session.get(User, coordinator.id).locale = "en"
        db.session.commit()
    html = page_text(signed_in(app, coordinator).get("/coordinator/lapsing"))
    assert "Olle Vår" in html and "Introduction to evacuation housing" in html and "Oct 20, 2026" in html
    assert "Eva Utdrag" in html and "Work with children outside school and childcare" in html
    assert html.index("Eva Utdrag") < html.index("Olle Vår"), "soonest first"
    assert "Tove Deras" not in html, "another organisation's volunteer: not the coordinator's to know"
    assert "Lars Senare" not in html and "Rut Förnyad" not in html

    admin = make_user("admin@example.org", status=Status.APPROVED, role=Role.ADMIN, locale="en")
    assert "Tove Deras" in page_text(signed_in(app, admin).get("/coordinator/lapsing"))
    volunteer_client = signed_in(app, ours)
    assert volunteer_client.get("/coordinator/lapsing").status_code == 403
