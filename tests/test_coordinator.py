"""Coordinators: the applicants queue, interviews, decisions, record checks and status changes."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Interview, RecordCheck, Role, Status, StatusChange, UserSkill

from .helpers import field_error, page_text, signed_in, translated

HX = {"HX-Request": "true"}


@pytest.fixture
def coordinator_client(client, coordinator):
    client.sign_in_as(coordinator)
    return client


def applicant(make_user, email="ali@example.org", **fields):
    return make_user(email, full_name=fields.pop("full_name", "Ali Sökande"), status=Status.CONFIRMED, **fields)


def decide(client, person, data, headers=None, next_url="/coordinator/applicants"):
    form = {f"person{person.id}-{key}": value for key, value in data.items()}
    form["next"] = next_url
    return client.submit(f"/coordinator/people/{person.id}/decision", form, page="/coordinator/applicants",
                         headers=headers or {})


def events(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_queue_lists_confirmed_applicants_newest_first_with_a_count(app, coordinator_client, make_user):
    now = datetime.now(timezone.utc)
    applicant(make_user, "old@example.org", full_name="Olle Äldre", created_at=now - timedelta(days=3))
    applicant(make_user, "new@example.org", full_name="Nora Nyare", created_at=now)
    make_user("approved@example.org", full_name="Agnes Godkänd", status=Status.APPROVED)
    make_user("applied@example.org", full_name="Ada Obekräftad", status=Status.APPLIED)

    text = page_text(coordinator_client.get("/coordinator/applicants"))

    assert text.index("Nora Nyare") < text.index("Olle Äldre")
    assert "Agnes Godkänd" not in text and "Ada Obekräftad" not in text
    assert "2 sökande väntar på intervju" in text


@pytest.mark.parametrize("query, expected", [
    ("language=ar", {"Amira"}),
    ("skill=health_care", {"Bengt"}),
    ("availability=weekends", {"Bengt"}),
    ("language=ar&availability=weekends", set()),
])
def test_the_queue_filters_by_language_skill_and_availability(coordinator_client, make_user, query, expected):
    applicant(make_user, "amira@example.org", full_name="Amira", languages=("ar", "sv"), available_evenings=True)
    applicant(make_user, "bengt@example.org", full_name="Bengt", languages=("sv",), available_weekends=True,
              skills=[UserSkill(code="health_care")])
    text = page_text(coordinator_client.get(f"/coordinator/applicants?{query}"))
    assert {name for name in ("Amira", "Bengt") if f">{name}</bdi></a>" in text} == expected


def test_a_coordinator_sees_applicants_of_their_organisations_or_none_and_an_admin_sees_all(
        app, client, coordinator, make_user, make_organisation, frg):
    red_cross = make_organisation("Röda Korset Testby")
    applicant(make_user, "mine@example.org", full_name="Mina Mine", preferred_organisations=[frg])
    applicant(make_user, "none@example.org", full_name="Nils Ingen")
    other = applicant(make_user, "other@example.org", full_name="Otto Annan", preferred_organisations=[red_cross])

    client.sign_in_as(coordinator)
    text = page_text(client.get("/coordinator/applicants"))
    assert "Mina Mine" in text and "Nils Ingen" in text and "Otto Annan" not in text
    assert client.get(f"/coordinator/people/{other.id}").status_code == 404
    filtered = page_text(client.get(f"/coordinator/applicants?organisation={frg.id}"))
    assert "Mina Mine" in filtered and "Nils Ingen" not in filtered

    client.sign_in_as(make_user("admin@example.org", role=Role.ADMIN, status=Status.APPROVED))
    assert "Otto Annan" in page_text(client.get("/coordinator/applicants"))


def test_the_person_page_shows_the_whole_application(coordinator_client, make_user):
    person = applicant(make_user, languages=("ar", "prs"), motivation="Jag pratar arabiska och dari.",
                       available_evenings=True, skills=[UserSkill(code="driving_licence")])
    text = page_text(coordinator_client.get(f"/coordinator/people/{person.id}"))
    for expected in ("Ali Sökande", "ali@example.org", "070-123 45 67", "arabiska", "dari", "Körkort (B)",
                     "Kvällar", "Jag pratar arabiska och dari.", "Ingen särskild"):
        assert expected in text, expected


def test_approving_in_the_queue_updates_the_row_and_mails_the_applicant_in_their_language(
        app, coordinator_client, coordinator, make_user, outbox, find_user):
    person = applicant(make_user, locale="ar")
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(), "notes": "Bra samtal.",
                                                   "decision": "approve"}, headers=HX)

    assert response.status_code == 200
    body = page_text(response)
    assert body.lstrip().startswith('<li class="card applicant"') and "<html" not in body
    assert "Ali Sökande är godkänd; ett mejl om beskedet är på väg." in body
    assert find_user("ali@example.org").status is Status.APPROVED
    message = outbox.last()
    assert message["To"] == "ali@example.org"
    assert message["Subject"] == translated(app, "ar", "You are approved as a volunteer")
    assert translated(app, "ar", "Welcome! After your interview you are approved as a volunteer at evacuation housing.") \
        in outbox.text()
    assert "http://localhost/trainings" in outbox.text()
    with app.app_context():
        change = db.session.scalars(select(StatusChange).where(StatusChange.user_id == person.id)
                                    .order_by(StatusChange.id.desc())).first()
        interview = db.session.scalar(select(Interview).where(Interview.user_id == person.id))
    assert (change.from_status, change.to_status, change.changed_by_id) == (
        Status.CONFIRMED, Status.APPROVED, coordinator.id)
    assert (interview.notes, interview.interviewer_id) == ("Bra samtal.", coordinator.id)
    [event] = events(app, "approved")
    assert (event.actor_id, event.subject_id) == (coordinator.id, person.id)


def test_rejecting_with_a_plain_form_goes_back_to_the_queue_and_mails_a_kind_no(
        app, coordinator_client, make_user, outbox, find_user):
    person = applicant(make_user, locale="en")
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "reject",
                                                   "reason": "Kan inte åta sig kvällar."},
                      next_url="/coordinator/applicants?language=sv")
    assert (response.status_code, response.location) == (303, "/coordinator/applicants?language=sv")
    assert find_user("ali@example.org").status is Status.REJECTED
    assert outbox.last()["Subject"] == "About your volunteer application"
    assert "Kan inte" not in outbox.text()
    queue = page_text(coordinator_client.get("/coordinator/applicants"))
    assert "Ali Sökande är inte godkänd; ett mejl om beskedet är på väg." in queue
    assert ">Ali Sökande</bdi></a>" not in queue


@pytest.mark.parametrize("headers", [HX, {}], ids=["htmx", "plain"])
def test_not_approving_needs_a_reason_and_keeps_what_was_typed(coordinator_client, make_user, outbox, find_user,
                                                                headers):
    person = applicant(make_user)
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(),
                                                   "notes": "Anteckning som inte får försvinna",
                                                   "decision": "reject"}, headers=headers)
    assert response.status_code == 422
    assert field_error(response, f"person{person.id}-reason") == "Skriv varför ansökan inte godkänns."
    assert "Anteckning som inte får försvinna" in page_text(response)
    assert find_user("ali@example.org").status is Status.CONFIRMED
    assert outbox.messages() == []


def test_an_interview_date_in_the_future_is_refused(coordinator_client, make_user):
    person = applicant(make_user)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = decide(coordinator_client, person, {"held_on": tomorrow, "decision": "later"}, headers=HX)
    assert response.status_code == 422
    assert field_error(response, f"person{person.id}-held_on") == "Datumet kan inte ligga i framtiden."


def test_deciding_later_records_only_the_interview(app, coordinator_client, make_user, outbox, find_user):
    person = applicant(make_user)
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(), "notes": "Ring igen.",
                                                   "decision": "later"}, headers=HX)
    assert response.status_code == 200
    assert "Intervjun med Ali Sökande är sparad." in page_text(response)
    assert find_user("ali@example.org").status is Status.CONFIRMED
    assert outbox.messages() == []
    assert "Ring igen." in page_text(coordinator_client.get(f"/coordinator/people/{person.id}"))


def test_a_second_decision_on_the_same_applicant_is_refused_and_sends_nothing(
        app, coordinator_client, make_user, outbox, find_user):
    person = applicant(make_user)
    decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "approve"}, headers=HX)
    sent = len(outbox.messages())
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "reject",
                                                   "reason": "Fel"}, headers=HX)
    assert response.status_code == 409
    assert "Någon annan har redan beslutat om den här ansökan." in page_text(response)
    assert find_user("ali@example.org").status is Status.APPROVED
    assert len(outbox.messages()) == sent
    assert len(events(app, "rejected")) == 0


def test_without_javascript_a_second_decision_goes_back_to_the_queue_with_the_refusal(coordinator_client, make_user,
                                                                                      find_user):
    person = applicant(make_user)
    decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "approve"})
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "reject",
                                                   "reason": "Fel"})
    assert response.status_code == 303 and response.headers["Location"] == "/coordinator/applicants"
    queue = coordinator_client.get("/coordinator/applicants").get_data(as_text=True)
    assert '<p class="flash flash--error">Någon annan har redan beslutat om den här ansökan.</p>' in queue
    assert find_user("ali@example.org").status is Status.APPROVED


def test_a_record_extract_is_noted_as_seen_and_never_stored(app, coordinator_client, coordinator, make_user):
    person = make_user("ali@example.org", status=Status.APPROVED)
    seen = date.today() - timedelta(days=1)
    response = coordinator_client.submit(
        f"/coordinator/people/{person.id}/record-check",
        {"kind": "children_other", "seen_on": seen.isoformat(), "valid_until": (seen + timedelta(days=365)).isoformat()},
        page=f"/coordinator/people/{person.id}")
    assert response.status_code == 303
    with app.app_context():
        check = db.session.scalar(select(RecordCheck).where(RecordCheck.user_id == person.id))
        columns = set(RecordCheck.__table__.columns.keys())
    assert (check.kind.value, check.seen_on, check.seen_by_id) == ("children_other", seen, coordinator.id)
    assert columns == {"id", "user_id", "kind", "seen_on", "valid_until", "seen_by_id", "created_at",
                       "lapse_reminded_days"}
    text = page_text(coordinator_client.get(f"/coordinator/people/{person.id}"))
    assert "Arbete med barn i annan verksamhet än skola och barnomsorg: sedd" in text
    assert "Cora Koordinator" in text
    with app.app_context():
        from volunteer.vetting.service import valid_record_check
        assert valid_record_check(person.id, seen + timedelta(days=365)) is not None
        assert valid_record_check(person.id, seen + timedelta(days=366)) is None


def test_a_record_extract_must_be_seen_again_after_it_was_seen(coordinator_client, make_user):
    person = make_user("ali@example.org", status=Status.APPROVED)
    today = date.today().isoformat()
    response = coordinator_client.submit(f"/coordinator/people/{person.id}/record-check",
                                         {"kind": "children_other", "seen_on": today, "valid_until": today},
                                         page=f"/coordinator/people/{person.id}")
    assert response.status_code == 422
    assert field_error(response, "valid_until") == "Datumet måste komma efter dagen då utdraget visades."


def test_deactivating_and_reactivating_need_a_reason_and_are_kept_in_the_history(
        app, coordinator_client, make_user, find_user):
    person = make_user("ali@example.org", full_name="Ali Volontär", status=Status.APPROVED)
    url = f"/coordinator/people/{person.id}/status"
    refused = coordinator_client.submit(url, {"reason": ""}, page=f"/coordinator/people/{person.id}")
    assert refused.status_code == 422 and field_error(refused, "reason") == "Skriv ett skäl."

    coordinator_client.submit(url, {"reason": "Flyttar i ett halvår."}, page=f"/coordinator/people/{person.id}")
    assert find_user("ali@example.org").status is Status.INACTIVE
    coordinator_client.submit(url, {"reason": "Tillbaka."}, page=f"/coordinator/people/{person.id}")
    assert find_user("ali@example.org").status is Status.APPROVED

    text = page_text(coordinator_client.get(f"/coordinator/people/{person.id}"))
    assert "Flyttar i ett halvår." in text and "Tillbaka." in text
    assert [e.details["reason"] for e in events(app, "deactivated") + events(app, "reactivated")] == [
        "Flyttar i ett halvår.", "Tillbaka."]


def test_an_applicant_cannot_be_deactivated(coordinator_client, make_user, find_user):
    person = applicant(make_user)
    response = coordinator_client.submit(f"/coordinator/people/{person.id}/status", {"reason": "Varför inte"},
                                         page=f"/coordinator/people/{person.id}")
    assert response.status_code == 303
    assert find_user("ali@example.org").status is Status.CONFIRMED


def test_the_applicant_sees_approved_on_their_page(app, coordinator_client, make_user, make_app):
    person = applicant(make_user)
    decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "approve"})
    own = signed_in(make_app(), person)
    assert "Godkänd volontär" in page_text(own.get("/me"))


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "organisation=abc", "organisation=99999", "status=%00",
                                   "language=<script>", "q=%00%27%22", "skill=x&availability=y"])
def test_odd_filters_never_fail(coordinator_client, query):
    for url in ("/coordinator/applicants", "/coordinator/volunteers", "/coordinator/volunteers.csv"):
        assert coordinator_client.get(f"{url}?{query}").status_code == 200


@pytest.mark.parametrize("data", [
    {"held_on": "not a date", "decision": "approve"},
    {"held_on": "2026-02-30", "decision": "approve"},
    {"held_on": "2020-01-01", "decision": "maybe"},
    {"held_on": "2020-01-01", "decision": "later", "notes": "x" * 5000},
    {},
])
def test_odd_decisions_are_refused_with_a_message(coordinator_client, make_user, find_user, data):
    person = applicant(make_user)
    response = decide(coordinator_client, person, data, headers=HX)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert find_user("ali@example.org").status is Status.CONFIRMED


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.INACTIVE])
def test_recording_an_interview_is_no_way_around_need_to_know(app, coordinator_client, make_user, status):
    """Someone who chose no organisation and is no longer an applicant is in scope but not to be called."""
    person = make_user("decided@example.org", full_name="Dana Beslutad", phone="+46701119999", status=status)
    response = decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "later"},
                      headers=HX)
    assert response.status_code == 409
    assert "Någon annan har redan beslutat om den här ansökan." in page_text(response)
    with app.app_context():
        assert db.session.scalars(select(Interview)).all() == []
    assert events(app, "interview_recorded") == []
    html = page_text(coordinator_client.get(f"/coordinator/people/{person.id}"))
    assert "070-111 99 99" not in html and "+46701119999" not in html


def test_an_interviewer_keeps_the_phone_and_their_own_notes_but_not_other_interviewers_notes(
        app, make_user, make_organisation, coordinator, frg):
    red_cross = make_organisation("Röda Korset Testby", "red_cross")
    other = make_user("rk@example.org", full_name="Rolf Röda", status=Status.APPROVED, role=Role.COORDINATOR,
                      coordinates=[red_cross])
    colleague = make_user("colleague@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[frg])
    person = applicant(make_user, phone="+46701118888")
    mine, theirs = signed_in(app, coordinator), signed_in(app, other)
    today = date.today().isoformat()
    assert decide(mine, person, {"held_on": today, "notes": "FRG-NOTE", "decision": "later"}).status_code == 303
    assert decide(theirs, person, {"held_on": today, "notes": "RK-NOTE", "decision": "approve"}).status_code == 303
    url = f"/coordinator/people/{person.id}"
    for client, own, foreign in ((mine, "FRG-NOTE", "RK-NOTE"), (theirs, "RK-NOTE", "FRG-NOTE")):
        html = page_text(client.get(url))
        assert own in html and foreign not in html
        assert "070-111 88 88" in html
    html = page_text(signed_in(app, colleague).get(url))
    assert "FRG-NOTE" not in html and "RK-NOTE" not in html and "070-111 88 88" not in html


def test_approval_confirms_the_name_the_coordinator_saw_for_certificates(coordinator_client, coordinator, make_user,
                                                                         find_user):
    person = applicant(make_user)
    decide(coordinator_client, person, {"held_on": date.today().isoformat(), "decision": "approve"})
    stored = find_user("ali@example.org")
    assert (stored.confirmed_name, stored.name_confirmed_by_id) == ("Ali Sökande", coordinator.id)
    assert stored.name_confirmed_at is not None


def test_the_queue_shows_ten_applicants_a_page_and_its_pager_keeps_the_filters(coordinator_client, make_user):
    now = datetime.now(timezone.utc)
    for n in range(12):
        applicant(make_user, f"a{n:02d}@example.org", full_name=f"Sökande {n:02d}", languages=("ar", "sv"),
                  created_at=now - timedelta(hours=n))
    first = page_text(coordinator_client.get("/coordinator/applicants?language=ar"))
    assert first.count('class="card applicant"') == 10 and "Sökande 09" in first and "Sökande 10" not in first
    assert "12 sökande väntar på intervju" in first
    assert '<a rel="next" href="/coordinator/applicants?page=2&amp;language=ar">' in first \
        or '<a rel="next" href="/coordinator/applicants?page=2&language=ar">' in first
    second = page_text(coordinator_client.get("/coordinator/applicants?page=2&language=ar"))
    assert second.count('class="card applicant"') == 2 and "Sökande 11" in second


@pytest.mark.now(datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc))
def test_coordinators_land_on_coordination_with_today_and_tomorrow_first(app, client, outbox, coordinator,
                                                                         make_user, make_shift):
    """Signing in leads a coordinator to coordination: today's and tomorrow's shifts per site, with the places
    taken, the wanted languages nobody coming speaks and a link to call someone in; then the applicants."""
    from volunteer import clock
    from volunteer.models import Booking, BookingStatus

    from .helpers import local, sign_in, statements_of

    today = clock.local_day(app.config["CLOCK"]())
    soon = make_shift(site="Boende Testby", starts_at=local(today, 23) - timedelta(hours=1), places=3,
                      languages=("ar",))
    tomorrow = make_shift(site="Mötesplatsen", starts_at=local(today + timedelta(days=1), 17), places=2,
                          places_taken=1)
    later = make_shift(site="Boende Testby", starts_at=local(today + timedelta(days=2), 17))
    make_shift(site="Annan plats", organisation="Röda Korset", starts_at=local(today, 23) - timedelta(hours=1))
    volunteer = make_user("v@example.org", status=Status.APPROVED, languages=("sv",))
    with app.app_context():
        db.session.add(Booking(shift_id=tomorrow.id, user_id=volunteer.id, status=BookingStatus.BOOKED))
        db.session.commit()
    applicant(make_user)

    response = sign_in(client, outbox, "coord@example.org")
    assert response.headers["Location"] == "/coordinator/"
    html = page_text(client.get("/coordinator/"))
    assert html.index(translated(app, "sv", "Today")) < html.index(translated(app, "sv", "Tomorrow")) \
        < html.index(translated(app, "sv", "applicant waiting for an interview"))
    assert f'id="today-shift-{soon.id}"' in html and f'id="today-shift-{tomorrow.id}"' in html
    assert f'id="today-shift-{later.id}"' not in html and "Annan plats" not in html, "only two days, own sites"
    assert translated(app, "sv", "%(taken)d of %(places)d taken", taken=1, places=2) in html
    assert translated(app, "sv", "%(language)s: nobody coming speaks it yet", language="arabiska") in html
    assert f'href="/coordinator/shifts/{soon.id}/roster#add-person"' in html

    def statements():
        with statements_of(app) as found:
            assert client.get("/coordinator/").status_code == 200
        return len(found)

    few = statements()
    for hour in range(10):
        make_shift(site=f"Plats {hour}", starts_at=local(today + timedelta(days=1), 8) + timedelta(hours=hour),
                   languages=("ar", "fa"))
    # Seven for today, tomorrow and the applicants; nine for the overview below them (tests/test_overview.py).
    assert few == statements() <= 7 + 9, "the coordinators' first screen in a fixed number of statements"
