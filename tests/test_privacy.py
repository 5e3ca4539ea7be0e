"""Privacy by design: the export is complete, erasure leaves no trace, retention runs on time, coordinators see
contact details only when they need them, and a changed notice is accepted again."""
import json
import logging
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Column, LargeBinary, MetaData, String, Text, cast, func, select

from volunteer.extensions import db
from volunteer.mail import send_after_commit
from volunteer.me.privacy import EXPORTED, NOT_EXPORTED
from volunteer.me.views import DATA_LABELS, FIELD_LABELS
from volunteer.models import (AuditEvent, Booking, BookingStatus, CallOut, CallOutRecipient, Certificate, DeviceSession, Enrolment,
                              EnrolmentStatus, Interview, LoginToken, Organisation, PersonQualification, Qualification,
                              RecordCheck, RecordKind, Role, Shift, SiteLead, Status, StatusChange, TokenPurpose,
                              TrainingSession, User, UserSkill, utcnow)
from volunteer.web.forms import display_phone
from volunteer.web.security import no_secrets

from .helpers import LOCALES, Client, MovableClock, page_text, signed_in, translated

EMAIL = "erika.raderas@example.org"
PHONE = "+46709998877"
NAME = "Erika Raderasson"


def personal_tables(metadata: MetaData):
    """Every table that holds rows about a person."""
    return [table for table in metadata.sorted_tables
            if table.name in ("user", "audit_event") or "user_id" in table.c or "recipient" in table.c]


def unlisted_columns(metadata: MetaData) -> set[tuple[str, str]]:
    """Columns of personal tables that are neither exported nor deliberately left out."""
    return {(table.name, column.name) for table in personal_tables(metadata) for column in table.c
            if column.name not in EXPORTED.get(table.name, set()) | set(NOT_EXPORTED.get(table.name, {}))}


def test_every_personal_column_is_exported_or_deliberately_left_out():
    assert unlisted_columns(db.metadata) == set(), "add the column to privacy.EXPORTED or privacy.NOT_EXPORTED"
    for name, exported in EXPORTED.items():
        assert not exported & set(NOT_EXPORTED.get(name, {})), name
    known = {table.name: {column.name for column in table.c} for table in db.metadata.sorted_tables}
    for name, columns in [*EXPORTED.items(), *((n, set(c)) for n, c in NOT_EXPORTED.items())]:
        assert columns <= known[name], f"{name} lists columns that do not exist: {columns - known[name]}"


def test_a_new_personal_column_missing_from_the_export_is_caught():
    copy = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.tables["user"].append_column(Column("passport_number", String(20)))
    assert unlisted_columns(copy) == {("user", "passport_number")}


@pytest.fixture
def rich_person(app, make_user, make_shift, make_session, coordinator, frg):
    """A volunteer with something in every personal table: past and coming shifts, a training, vetting notes."""
    person = make_user(EMAIL, full_name=NAME, phone=PHONE, status=Status.APPROVED, locale="en",
                       languages=("ar", "sv"), other_languages="Tigre", motivation="Jag vill hjälpa barn.",
                       available_evenings=True, skills=[UserSkill(code="teaching")], calendar_token="feed-secret-1")
    now = datetime.now(timezone.utc)
    past = make_shift(starts_at=now - timedelta(days=5), places=2, places_taken=1)
    coming = make_shift(starts_at=now + timedelta(days=4), places=1, places_taken=1)
    session = make_session(starts_at=now + timedelta(days=6), seats=5, seats_taken=1)
    with app.app_context():
        user = db.session.get(User, person.id)
        user.preferred_organisations.append(db.session.get(Organisation, frg.id))
        user.retention_warned_at = now - timedelta(days=2)
        db.session.add_all([
            Booking(shift_id=past.id, user_id=person.id, status=BookingStatus.ATTENDED, created_at=now,
                    checked_in_at=past.starts_at - timedelta(minutes=10), checked_out_at=past.ends_at),
            SiteLead(site_id=past.site_id, user_id=person.id, from_day=date(2026, 5, 1), until_day=date(2026, 5, 31),
                     created_by_id=coordinator.id),
            Booking(shift_id=coming.id, user_id=person.id, status=BookingStatus.BOOKED, created_at=now),
            Enrolment(session_id=session.id, user_id=person.id, status=EnrolmentStatus.ENROLLED, created_at=now),
            Interview(user_id=person.id, held_on=date(2026, 5, 4), interviewer_id=coordinator.id,
                      notes=f"Ring {PHONE} eller {EMAIL}"),
            RecordCheck(user_id=person.id, kind=RecordKind.CHILDREN_OTHER, seen_on=date(2026, 5, 5),
                        valid_until=date(2027, 5, 5), seen_by_id=coordinator.id),
            StatusChange(user_id=person.id, from_status=Status.CONFIRMED, to_status=Status.APPROVED,
                         reason=f"Godkänd, nås på {PHONE}", changed_by_id=coordinator.id, changed_at=now),
            PersonQualification(user_id=person.id, qualification_id=db.session.scalar(
                select(Qualification.id).where(Qualification.code == "intro_housing")),
                granted_at=now, reason="Gick kursen i Malmö"),
            LoginToken(user_id=person.id, token_hash="f" * 64, purpose=TokenPurpose.SIGN_IN,
                       expires_at=now + timedelta(minutes=5)),
            AuditEvent(action="rejected", actor_id=coordinator.id, subject_id=person.id,
                       details={"reason": f"Ringde {PHONE}"}),
            AuditEvent(action="name_confirmed", actor_id=coordinator.id, subject_id=person.id,
                       details={"name": NAME, "previous_name": f"{NAME}-Gammal"}),
            Certificate(code="K7QM3XRT9PWDHF2N", user_id=person.id, locale="sv", period_start=date(2026, 1, 1),
                        period_end=date(2026, 6, 30), issued_by_id=coordinator.id, issued_at=now,
                        facts={"name": NAME, "shift_minutes": 150, "training_minutes": 30, "organisations": [],
                               "tasks": [], "trainings": []},
                        withdrawn_at=now, withdrawal_reason=f"Fel period, ring {PHONE}"),
        ])
        asked = CallOut(shift_id=coming.id, sent_by_id=coordinator.id, created_at=now - timedelta(hours=3), asked=1)
        db.session.add(CallOutRecipient(call_out=asked, user_id=person.id, asked_at=now - timedelta(hours=3),
                                        opened_at=now - timedelta(hours=2), booked_at=now - timedelta(hours=1)))
        send_after_commit(EMAIL, "en", "not_approved", "About your volunteer application", person=user)
        db.session.commit()
    return person, past, coming, session


def test_the_export_carries_every_exported_value(app, rich_person):
    person, *_ = rich_person
    client = signed_in(app, person)
    exported = json.dumps(client.get("/me/export").get_json(), ensure_ascii=False)
    checked = 0
    with app.app_context():
        for table in personal_tables(db.metadata):
            key = table.c.id if table.name == "user" else (
                table.c.subject_id if table.name == "audit_event" else table.c.get("user_id", table.c.get("recipient")))
            mine = person.email if key.name == "recipient" else person.id
            for row in db.session.execute(select(table).where(key == mine)).mappings():
                for column in EXPORTED.get(table.name, ()):
                    value = row[column]
                    if isinstance(value, (datetime, date)):
                        value = value.replace(tzinfo=timezone.utc).isoformat() if isinstance(value, datetime) \
                            else value.isoformat()
                    if isinstance(value, str) and value:
                        assert value in exported, f"{table.name}.{column} is not in the export"
                        checked += 1
    assert checked >= 30


def test_my_data_page_shows_everything_with_a_name_for_each_part(app, rich_person):
    person, *_ = rich_person
    client = signed_in(app, person)
    data = client.get("/me/export").get_json()
    assert set(data) <= set(DATA_LABELS), "give every part of the export a name on the My data page"
    for rows in data.values():
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            assert set(rows[0]) <= set(FIELD_LABELS)
    text = page_text(client.get("/me/data"))
    for expected in (NAME, EMAIL, "070-999 88 77", "Tigre", "Jag vill hjälpa barn.",
                     "Boende Testby", "Introduktion till evakueringsboende", f"Ring {PHONE}",
                     "Criminal-record extracts seen", "What has happened on your account", "Arabic", "Evenings",
                     "Work with children outside school and childcare", "Volunteer",
                     "Certificates", "K7QM3XRT9PWDHF2N", "Reason for withdrawal", "Sites you lead", "Checked in"):
        assert expected in text, expected
    assert re.search(r"<td>3</td>", text), "the certificate's hours (150 + 30 minutes)"
    assert "Download my data (JSON)" in text


def test_a_person_corrects_their_own_details(app, make_user, make_organisation, find_user):
    person = make_user(locale="en", languages=("sv",))
    red_cross = make_organisation("Röda Korset Testby", "red_cross")
    client = signed_in(app, person)
    form = client.get("/me/details")
    assert form.status_code == 200 and 'value="Vera Volontär"' in form.get_data(as_text=True)
    wrong = client.submit("/me/details", {"full_name": "Vera Ny", "phone": "12", "languages": ["sv"],
                                          "availability": ["weekends"], "motivation": "Hjälpa"})
    assert wrong.status_code == 422
    assert "Enter a mobile number" in page_text(wrong) and 'value="Vera Ny"' in wrong.get_data(as_text=True)
    assert find_user("volunteer@example.org").full_name == "Vera Volontär"

    done = client.submit("/me/details", {"full_name": "Vera Ny", "phone": "073-111 22 33",
                                         "languages": ["sv", "fa", "other"], "other_languages": "Tigre",
                                         "availability": ["weekends"], "skills": ["driving_licence"],
                                         "organisations": [str(red_cross.id)], "motivation": "Hjälpa"})
    assert done.status_code == 303
    stored = find_user("volunteer@example.org")
    assert (stored.full_name, stored.phone, stored.language_codes, stored.other_languages) == (
        "Vera Ny", "+46731112233", ["fa", "sv"], "Tigre")
    assert stored.available_weekends and not stored.available_evenings and stored.skill_codes == ["driving_licence"]
    assert [org.name for org in stored.preferred_organisations] == ["Röda Korset Testby"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "details_corrected"))
        assert "phone" in event.details["fields"] and "+46731112233" not in json.dumps(event.details)


def traces(app, *needles: str) -> list[str]:
    """Every text column of every table where one of these strings still appears."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.c:
                if isinstance(column.type, LargeBinary):  # an e-mail as sent: its headers are plain text
                    stored = list(db.session.scalars(select(column)))
                    found += [f"{table.name}.{column.name} holds {needle!r}" for needle in needles
                              if any(needle.encode() in (value or b"") for value in stored)]
                if not isinstance(column.type, (String, Text, JSON)):
                    continue
                for needle in needles:
                    hits = db.session.scalar(select(func.count()).select_from(table).where(
                        cast(column, Text).contains(needle, autoescape=True)))
                    if hits:
                        found.append(f"{table.name}.{column.name} holds {needle!r}")
    return found


def test_deleting_an_account_leaves_no_trace_of_the_person(app, rich_person, make_user, make_shift, outbox,
                                                          coordinator, frg):
    person, past, coming, session = rich_person
    waiting = make_user("waiting@example.org", status=Status.APPROVED)
    with app.app_context():
        db.session.add(Booking(shift_id=coming.id, user_id=waiting.id, status=BookingStatus.WAITLISTED,
                               waitlisted_at=datetime.now(timezone.utc)))
        db.session.commit()
    boss = signed_in(app, coordinator)
    boss.get(f"/coordinator/volunteers.csv?q={EMAIL}")
    boss.get(f"/coordinator/people/{person.id}")
    assert traces(app, EMAIL, "709998877", NAME), "the scan finds the person before"

    client = signed_in(app, person)
    response = client.submit("/me/delete", {}, page="/me/delete")
    assert response.status_code == 303

    queued = traces(app, EMAIL, "709998877", NAME, "feed-secret-1")
    assert queued and all(trace.startswith("outbox_message.") for trace in queued), \
        "only the last e-mail holds the address, until it is delivered"
    messages = outbox.messages()
    assert traces(app, EMAIL, "709998877", NAME, "feed-secret-1") == []
    with app.app_context():
        assert db.session.get(Shift, past.id).anonymous_attended == 1, "past work stays as a count"
        assert db.session.get(Shift, coming.id).anonymous_attended == 0
        assert db.session.scalar(select(Booking.status).where(
            Booking.shift_id == coming.id, Booking.user_id == waiting.id)) is BookingStatus.OFFERED
        assert db.session.get(TrainingSession, session.id).seats_taken == 0
        deleted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_deleted"))
        assert deleted.subject_id == person.id and deleted.details == {"cause": "deleted_by_person"}
    to_coordinator = [m for m in messages if m["To"] == "coord@example.org"]
    assert [m["Subject"] for m in to_coordinator] == [translated(app, "sv", "A place is free again")]
    assert NAME not in outbox.text(to_coordinator[0]) and "709998877" not in outbox.text(to_coordinator[0])
    assert messages[-1]["To"] == EMAIL and "deleted" in outbox.text(messages[-1])
    assert client.get("/me").status_code == 302

    admin = make_user("admin@example.org", role=Role.ADMIN, status=Status.APPROVED)
    log = page_text(signed_in(app, admin).get("/admin/audit?action=account_deleted"))
    assert translated(app, "sv", "Deleted volunteer (#%(id)d)", id=person.id) in log


def test_deleting_an_account_audits_each_place_given_up_the_same_way(app, rich_person):
    person, past, coming, session = rich_person
    signed_in(app, person).submit("/me/delete", {}, page="/me/delete")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == person.id,
                                                            AuditEvent.action.like("%_cancelled_by_person"))).all()
        assert sorted((event.action, event.details["was"]) for event in events) == [
            ("shift_cancelled_by_person", "booked"), ("training_cancelled_by_person", "enrolled")]


def hold_everything(app, person, make_shift, make_session):
    """The person holds every kind of place at once, each on its own shift or session: booked, offered and
    waitlisted on coming shifts and sessions; attended, no-show and never marked on past ones. Others hold
    the places they wait behind, and every counter matches its rows."""
    now = datetime.now(timezone.utc)
    others = [User(email=f"other{index}@example.org", full_name="Annan", phone="+46700000000",
                   status=Status.APPROVED, locale="sv", adult_confirmed=True) for index in range(2)]
    shifts = {status: make_shift(starts_at=now + timedelta(days=2 + index), places=1)
              for index, status in enumerate((BookingStatus.BOOKED, BookingStatus.OFFERED, BookingStatus.WAITLISTED))}
    past = {status: make_shift(starts_at=now - timedelta(days=2 + index), places=2)
            for index, status in enumerate((BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.BOOKED))}
    sessions = {status: make_session(starts_at=now + timedelta(days=8 + index), seats=1)
                for index, status in enumerate((EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED,
                                                EnrolmentStatus.WAITLISTED))}
    past_session = make_session(starts_at=now - timedelta(days=9), seats=2)
    with app.app_context():
        db.session.add_all(others)
        db.session.flush()
        for status, shift in shifts.items():
            db.session.add(Booking(shift_id=shift.id, user_id=person.id, status=status,
                                   offer_expires_at=now + timedelta(hours=5) if status is BookingStatus.OFFERED
                                   else None, waitlisted_at=now - timedelta(days=1)))
            db.session.get(Shift, shift.id).places_taken = 1
        db.session.add_all([
            Booking(shift_id=shifts[BookingStatus.OFFERED].id, user_id=others[0].id, status=BookingStatus.WAITLISTED,
                    waitlisted_at=now),
            Booking(shift_id=shifts[BookingStatus.WAITLISTED].id, user_id=others[0].id, status=BookingStatus.BOOKED),
            Booking(shift_id=shifts[BookingStatus.BOOKED].id, user_id=others[1].id, status=BookingStatus.WAITLISTED,
                    waitlisted_at=now)])
        for status, shift in past.items():
            db.session.add(Booking(shift_id=shift.id, user_id=person.id, status=status))
            db.session.get(Shift, shift.id).places_taken = 1
        for status, session in sessions.items():
            db.session.add(Enrolment(session_id=session.id, user_id=person.id, status=status,
                                     offer_expires_at=now + timedelta(hours=5) if status is EnrolmentStatus.OFFERED
                                     else None, waitlisted_at=now - timedelta(days=1)))
            db.session.get(TrainingSession, session.id).seats_taken = 1
        db.session.add_all([
            Enrolment(session_id=sessions[EnrolmentStatus.WAITLISTED].id, user_id=others[0].id,
                      status=EnrolmentStatus.ENROLLED),
            Enrolment(session_id=sessions[EnrolmentStatus.ENROLLED].id, user_id=others[1].id,
                      status=EnrolmentStatus.WAITLISTED, waitlisted_at=now),
            Enrolment(session_id=past_session.id, user_id=person.id, status=EnrolmentStatus.ATTENDED)])
        db.session.get(TrainingSession, past_session.id).seats_taken = 1
        db.session.commit()
        other_ids = [other.id for other in others]
    assert_counters_match(app)
    return shifts, sessions, other_ids


def study_coordinator(make_user, make_organisation):
    """A coordinator of the organisation that runs the trainings: told when a seat frees up."""
    return make_user("study@example.org", status=Status.APPROVED, role=Role.COORDINATOR,
                     coordinates=[make_organisation("Studieförbundet Testby", "study_association")])


def assert_counters_match(app):
    result = app.test_cli_runner().invoke(args=["check-places"])
    assert result.exit_code == 0 and "Every counter matches its rows." in result.output, result.output


def test_deleting_an_account_that_holds_every_kind_of_place_frees_them_all(
        app, make_user, make_shift, make_session, make_organisation, coordinator, outbox):
    person = make_user(EMAIL, status=Status.APPROVED, full_name=NAME)
    shifts, sessions, others = hold_everything(app, person, make_shift, make_session)
    study_coordinator(make_user, make_organisation)
    response = signed_in(app, person).submit("/me/delete", {}, page="/me/delete")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, person.id) is None
        offered = db.session.scalars(select(Booking.shift_id).where(Booking.status == BookingStatus.OFFERED)).all()
        assert sorted(offered) == sorted([shifts[BookingStatus.BOOKED].id, shifts[BookingStatus.OFFERED].id])
        assert db.session.scalar(select(Enrolment.status).where(Enrolment.user_id == others[1])) \
            is EnrolmentStatus.OFFERED
    assert_counters_match(app)
    told = sorted(m["To"] for m in outbox.messages() if m["To"].split("@")[0] in ("coord", "study"))
    assert told == ["coord@example.org"] * 2 + ["study@example.org"] * 2, "one for each coming place held"


def test_retention_erases_someone_who_holds_every_kind_of_place(app, make_user, make_shift, make_session,
                                                                make_organisation):
    person = make_user(EMAIL, status=Status.REJECTED,
                       status_changed_at=datetime.now(timezone.utc) - timedelta(days=200))
    hold_everything(app, person, make_shift, make_session)
    study_coordinator(make_user, make_organisation)
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0 and "1 rejected application(s)" in result.output, result.output
    with app.app_context():
        assert db.session.get(User, person.id) is None
    assert_counters_match(app)


def test_check_places_reports_and_repairs_a_counter_that_differs(app, make_shift, make_session):
    shift = make_shift(places=5, places_taken=5)
    session = make_session(seats=3, seats_taken=1)
    runner = app.test_cli_runner()
    found = runner.invoke(args=["check-places"])
    assert found.exit_code == 1
    assert f"shift {shift.id}: 5 taken, 0 held by rows" in found.output
    assert f"training session {session.id}: 1 taken, 0 held by rows" in found.output
    repaired = runner.invoke(args=["check-places", "--repair"])
    assert repaired.exit_code == 0 and "(repaired)" in repaired.output, repaired.output
    assert_counters_match(app)


def test_retention_deletes_and_warns_on_time_and_is_idempotent(make_app, make_user, make_shift, outbox):
    start = datetime.now(timezone.utc).replace(microsecond=0)
    clock = MovableClock(start)
    app = make_app(CLOCK=clock)
    runner = app.test_cli_runner()
    days = lambda n: start - timedelta(days=n)  # noqa: E731
    make_user("applied-old@example.org", status=Status.APPLIED, created_at=days(31), last_sign_in_at=None)
    make_user("applied-new@example.org", status=Status.APPLIED, created_at=days(29), last_sign_in_at=None)
    make_user("rejected-old@example.org", status=Status.REJECTED, created_at=days(400), status_changed_at=days(190),
              last_sign_in_at=days(190))
    make_user("rejected-new@example.org", status=Status.REJECTED, created_at=days(400), status_changed_at=days(150),
              last_sign_in_at=days(150))
    asleep = dict(status=Status.APPROVED, created_at=days(1000), last_sign_in_at=days(740))
    make_user("sleeper@example.org", **asleep)
    waker = make_user("waker@example.org", **asleep)
    busy = make_user("busy@example.org", **asleep)
    make_user("coord-asleep@example.org", role=Role.COORDINATOR, **asleep)
    shift = make_shift(starts_at=days(40))
    with app.app_context():
        db.session.add(Booking(shift_id=shift.id, user_id=busy.id, status=BookingStatus.ATTENDED))
        db.session.commit()

    first = runner.invoke(args=["retention"])
    assert first.exit_code == 0, first.output
    assert "Deleted 1 application(s) never confirmed, 1 rejected application(s) and 0 inactive" in first.output
    assert "warned 2 inactive volunteer(s)" in first.output
    assert sorted(m["To"] for m in outbox.messages()) == ["sleeper@example.org", "waker@example.org"]
    assert runner.invoke(args=["retention"]).output.startswith(
        "Deleted 0 application(s) never confirmed, 0 rejected application(s) and 0 inactive account(s) whose "
        "warning went unanswered; warned 0"), "a second run changes nothing"
    assert len(outbox.messages()) == 2

    clock.advance(days=20)
    assert signed_in(app, waker).get("/me").status_code == 200, "signing in answers the warning"
    clock.advance(days=11)
    last = runner.invoke(args=["retention"])
    # The newer application has now waited 60 days too; the newer rejection 181 of its 183.
    assert "Deleted 1 application(s) never confirmed, 0 rejected application(s) and 1 inactive account(s)" \
        in last.output and "warned 0" in last.output
    with app.app_context():
        left = set(db.session.scalars(select(User.email)))
    assert left == {"rejected-new@example.org", "waker@example.org",
                    "busy@example.org", "coord-asleep@example.org"}
    assert outbox.last()["To"] == "sleeper@example.org"


def test_retention_periods_are_settings(make_app, make_user):
    app = make_app(RETENTION_UNCONFIRMED=timedelta(days=5))
    make_user("applied@example.org", status=Status.APPLIED, created_at=datetime.now(timezone.utc) - timedelta(days=6))
    result = app.test_cli_runner().invoke(args=["retention"])
    assert "Deleted 1 application(s) never confirmed" in result.output


def test_retention_removes_used_and_expired_sign_in_links(app, runner, make_user):
    person = make_user()
    old = datetime.now(timezone.utc) - timedelta(days=3)
    with app.app_context():
        db.session.add_all([
            LoginToken(user_id=person.id, token_hash="a" * 64, purpose=TokenPurpose.SIGN_IN, created_at=old,
                       expires_at=old + timedelta(minutes=15)),
            LoginToken(user_id=person.id, token_hash="b" * 64, purpose=TokenPurpose.CONFIRM,
                       expires_at=datetime.now(timezone.utc) + timedelta(days=1)),
        ])
        db.session.commit()
    assert "removed 1 used or expired sign-in link(s)" in runner.invoke(args=["retention"]).output
    with app.app_context():
        assert db.session.scalars(select(LoginToken.token_hash)).all() == ["b" * 64]


@pytest.fixture
def crowd(app, make_user, make_organisation, make_shift, frg, coordinator):
    """Volunteers in different relations to FRG Testby, each with their own phone and an interview note."""
    red_cross = make_organisation("Röda Korset Testby", "red_cross")
    phones = {"chose_frg": "+46701110001", "chose_red": "+46701110002", "booked_here": "+46701110003",
              "applicant": "+46701110004", "approved_no_choice": "+46701110005"}
    people = {}
    for name, phone in phones.items():
        people[name] = make_user(f"{name}@example.org", full_name=name, phone=phone,
                                 status=Status.CONFIRMED if name == "applicant" else Status.APPROVED)
    shift = make_shift()
    with app.app_context():
        for name, org in (("chose_frg", frg), ("chose_red", red_cross), ("booked_here", red_cross)):
            chooser = db.session.get(User, people[name].id)
            chooser.preferred_organisations.append(db.session.get(Organisation, org.id))
        for name, person in people.items():
            db.session.add(Interview(user_id=person.id, held_on=date(2026, 6, 1), notes=f"NOTE-{name}"))
        db.session.add(Booking(shift_id=shift.id, user_id=people["booked_here"].id, status=BookingStatus.BOOKED))
        db.session.commit()
    return people, shift, red_cross


def shows_contact(html: str, person) -> bool:
    return person.phone in html or display_phone(person.phone) in html


def test_a_coordinator_sees_phones_and_notes_only_of_their_own_volunteers(app, crowd, coordinator):
    people, shift, _ = crowd
    client = signed_in(app, coordinator)
    expected = {"chose_frg": True, "applicant": True, "approved_no_choice": False}
    for name, visible in expected.items():
        html = page_text(client.get(f"/coordinator/people/{people[name].id}"))
        assert name in html
        assert shows_contact(html, people[name]) is visible, name
        assert (f"NOTE-{name}" in html) is visible, name
    assert client.get(f"/coordinator/people/{people['chose_red'].id}").status_code == 404
    roster = page_text(client.get(f"/coordinator/shifts/{shift.id}/roster"))
    assert shows_contact(roster, people["booked_here"]), "booked on their site: they need to reach them"
    directory = page_text(client.get("/coordinator/volunteers"))
    assert shows_contact(directory, people["chose_frg"]) and not shows_contact(directory, people["approved_no_choice"])
    found = page_text(client.get(f"/coordinator/shifts/{shift.id}/roster?q=approved_no"))
    assert "approved_no_choice" in found and not shows_contact(found, people["approved_no_choice"])
    applicants = page_text(client.get("/coordinator/applicants"))
    assert shows_contact(applicants, people["applicant"])


def test_the_coordinator_who_interviewed_someone_keeps_seeing_their_notes(app, crowd, coordinator, make_user, frg):
    people, *_ = crowd
    colleague = make_user("colleague@example.org", role=Role.COORDINATOR, status=Status.APPROVED, coordinates=[frg])
    with app.app_context():
        db.session.add(Interview(user_id=people["approved_no_choice"].id, held_on=date(2026, 6, 2),
                                 interviewer_id=coordinator.id, notes="MY-OWN-NOTE"))
        db.session.commit()
    url = f"/coordinator/people/{people['approved_no_choice'].id}"
    assert "MY-OWN-NOTE" in page_text(signed_in(app, coordinator).get(url))
    assert "MY-OWN-NOTE" not in page_text(signed_in(app, colleague).get(url))


def test_an_admin_sees_every_phone(app, crowd, make_user):
    people, *_ = crowd
    client = signed_in(app, make_user("admin@example.org", role=Role.ADMIN, status=Status.APPROVED))
    for name in ("chose_red", "approved_no_choice"):
        html = page_text(client.get(f"/coordinator/people/{people[name].id}"))
        assert shows_contact(html, people[name]) and f"NOTE-{name}" in html


def test_volunteers_never_see_each_others_contact_details(app, crowd, make_user):
    people, shift, _ = crowd
    client = signed_in(app, people["chose_frg"])
    assert client.get(f"/coordinator/people/{people['booked_here'].id}").status_code == 403
    for url in ("/shifts", "/shifts/mine", "/me", "/me/data"):
        html = page_text(client.get(url))
        assert not shows_contact(html, people["booked_here"]) and "booked_here@example.org" not in html, url


def test_profile_views_and_exports_are_in_the_audit_log_without_the_search_text(app, crowd, coordinator):
    people, shift, _ = crowd
    client = signed_in(app, coordinator)
    client.get(f"/coordinator/people/{people['chose_frg'].id}")
    client.get("/coordinator/volunteers.csv?q=chose_frg@example.org")
    client.get(f"/coordinator/shifts/{shift.id}/roster/print")
    with app.app_context():
        events = {e.action: e for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.actor_id == coordinator.id))}
    assert events["profile_viewed"].subject_id == people["chose_frg"].id
    assert events["directory_exported"].details["searched"] is True
    assert "chose_frg" not in json.dumps(events["directory_exported"].details)
    assert events["roster_printed"].details["shift_id"] == shift.id


@pytest.mark.parametrize("locale", LOCALES)
def test_the_privacy_notice_is_in_every_site_language(app, client, locale):
    text = page_text(client.get("/privacy", headers={"Accept-Language": locale}))
    for heading in ("Who is responsible", "How long we keep it", "Your rights", "How to complain"):
        assert translated(app, locale, heading) in text
    assert app.config["PRIVACY_NOTICE_VERSION"] in text


def test_a_changed_notice_is_accepted_before_going_on(app, make_user):
    person = make_user(locale="en", status=Status.APPROVED, privacy_version="2020-01")
    client = signed_in(app, person)
    asked = client.get("/shifts")
    assert asked.status_code == 303 and asked.location.endswith("/privacy/accept")
    htmx = client.get("/shifts", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].endswith("/privacy/accept")
    assert client.get("/me/data").status_code == 200, "a person's rights do not wait for the new notice"
    page = page_text(client.get("/privacy/accept"))
    assert "The privacy notice has changed" in page and "How to complain" in page

    accepted = client.submit("/privacy/accept", {}, page="/privacy/accept")
    assert accepted.status_code == 303 and accepted.location.endswith("/shifts")
    assert client.get("/shifts").status_code == 200
    with app.app_context():
        stored = db.session.get(User, person.id)
        assert stored.privacy_version == app.config["PRIVACY_NOTICE_VERSION"] and stored.consented_at
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy_notice_accepted"))
        assert event.details == {"privacy_version": app.config["PRIVACY_NOTICE_VERSION"]}


def test_bumping_the_notice_version_asks_everyone_again(make_app, make_user):
    person = make_user(status=Status.APPROVED)
    assert signed_in(make_app(), person).get("/me").status_code == 200
    bumped = make_app(PRIVACY_NOTICE_VERSION="2099-01")
    assert signed_in(bumped, person).get("/me").status_code == 303


def test_the_version_is_recorded_at_sign_up(app, client, signup_data, find_user):
    client.submit("/signup", signup_data)
    assert find_user("anna@example.org").privacy_version == app.config["PRIVACY_NOTICE_VERSION"]


def test_database_errors_in_the_log_carry_no_personal_data(make_app, make_user, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    make_user(EMAIL)

    @app.get("/twice")
    def twice():
        db.session.add(User(email=EMAIL, full_name=NAME, phone=PHONE))
        db.session.flush()

    with caplog.at_level(logging.ERROR):
        response = Client(app.test_client()).get("/twice")
    assert response.status_code == 500 and EMAIL not in response.get_data(as_text=True)
    assert "IntegrityError" in caplog.text and "in twice" in caplog.text, "the traceback stays"
    assert EMAIL not in caplog.text and PHONE not in caplog.text and NAME not in caplog.text


def test_the_request_log_leaves_out_query_strings():
    record = logging.LogRecord("werkzeug", logging.INFO, "", 0, '"%s" %s %s',
                               (f"GET /coordinator/volunteers?q={EMAIL} HTTP/1.1", "200", "-"), None)
    no_secrets(record)
    assert EMAIL not in record.getMessage() and "GET /coordinator/volunteers?" in record.getMessage()


def test_an_error_page_shows_nothing_of_the_error(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError(f"failed for {EMAIL}")

    response = Client(app.test_client()).get("/boom")
    assert response.status_code == 500 and EMAIL not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/signup", "/privacy", "/sign-in", "/me", "/me/data", "/me/details"])
def test_no_page_loads_anything_from_elsewhere(app, make_user, url):
    import re
    client = signed_in(app, make_user())
    html = client.get(url).get_data(as_text=True)
    assert not re.search(r'(?:src|href|action)="(?:https?:)?//', html)
    assert "default-src 'self'" in client.get(url).headers["Content-Security-Policy"]


def test_retention_removes_ended_sessions(app, runner, make_user):
    person = make_user()
    with app.app_context():
        db.session.add_all([
            DeviceSession(user_id=person.id, key_hash="a" * 64, created_at=utcnow() - timedelta(days=31)),
            DeviceSession(user_id=person.id, key_hash="b" * 64, created_at=utcnow() - timedelta(days=29)),
        ])
        db.session.commit()
    assert "and 1 ended session(s)" in runner.invoke(args=["retention"]).output
    with app.app_context():
        assert db.session.scalars(select(DeviceSession.key_hash)).all() == ["b" * 64]


def test_sqlite_secure_delete_overwrites_what_is_deleted_whatever_the_build_defaults_to(tmp_path):
    """The app's connections ask for secure_delete; a build that defaults to off (not Debian's) is simulated."""
    import sqlite3

    from sqlalchemy import create_engine, text

    path = tmp_path / "erased.db"

    def connect_with_the_default_off():
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    engine = create_engine("sqlite://", creator=connect_with_the_default_off)
    with engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        connection.exec_driver_sql("CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT)")
        connection.execute(text("INSERT INTO person (email) VALUES (:email)"), {"email": "hodan.erased@example.org"})
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM person")
    engine.dispose()
    assert b"hodan.erased@example.org" not in path.read_bytes()
