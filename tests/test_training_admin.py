"""Coordinators' trainings: create and schedule, cancel with e-mails, enrolment lists, attendance, granting."""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import (AuditEvent, Enrolment, EnrolmentStatus, PersonQualification, Qualification, Role,
                              Training, TrainingSession, User)

from .helpers import Client, field_error, page_text, signed_in, translated

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORG = "Studieförbundet Testby"


@pytest.fixture
def coordinator(app, make_user, make_session):
    """A coordinator of the study association (which make_session's trainings belong to)."""
    session = make_session()  # creates the organisation
    with app.app_context():
        org_id = db.session.get(TrainingSession, session.id).training.organisation_id
    user = make_user("coordinator@example.org", role=Role.COORDINATOR, coordinates=[org_id],
                     full_name="Cora Koordinator")
    return signed_in(app, user), user, session


def enrol(app, make_user, session_id, email, **fields):
    user = make_user(email, **fields)
    client = signed_in(app, user)
    response = client.submit(f"/trainings/{session_id}/enrol", page="/trainings")
    assert response.status_code == 303
    return client, user


def test_volunteers_are_refused_every_coordinator_training_page(app, make_user, make_session):
    session = make_session()
    volunteer = signed_in(app, make_user("v@example.org"))
    anonymous = Client(app.test_client())
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("training_admin.")]
    assert len(rules) >= 8
    for rule in rules:
        url = rule.build({name: session.id for name in rule.arguments}, append_unknown=False)[1]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = volunteer.open(url, method=method)
            assert response.status_code in (400, 403), (url, method)  # POSTs without a token stop at CSRF
            if method == "GET":
                assert response.status_code == 403, url
                assert anonymous.get(url).status_code == 302


def test_a_coordinator_creates_a_training_for_their_organisation(app, coordinator, make_organisation):
    client, user, _ = coordinator
    other = make_organisation("Röda Korset Annanstad", "red_cross")
    with app.app_context():
        qualification_id = db.session.scalar(select(Qualification.id).where(Qualification.code == "intro_housing"))
        org_id = db.session.scalar(select(Training.organisation_id))
    page = page_text(client.get("/coordinator/trainings/new"))
    assert ORG in page and "Röda Korset Annanstad" not in page

    data = {"title": "Barnaktiviteter", "description": "Lek och trygghet.", "organisation_id": other.id,
            "qualification_id": qualification_id}
    assert client.submit("/coordinator/trainings/new", data).status_code == 422, "not their organisation"
    response = client.submit("/coordinator/trainings/new", {**data, "organisation_id": org_id})
    assert response.status_code == 303
    with app.app_context():
        training = db.session.scalar(select(Training).where(Training.title == "Barnaktiviteter"))
        assert training.organisation_id == org_id and training.qualification_id == qualification_id
    response = client.submit("/coordinator/trainings/new", {**data, "organisation_id": org_id})
    assert response.status_code == 422
    assert translated(app, "sv", "Another training already has this title.") in page_text(response)


def test_a_training_is_given_a_title_and_description_in_other_languages(app, coordinator, make_user):
    client, user, existing = coordinator
    with app.app_context():
        training = db.session.get(TrainingSession, existing.id).training
        training_id, title = training.id, training.title
    url = f"/coordinator/trainings/{training_id}/edit"
    form = page_text(client.get(url))
    assert 'name="title_ar"' in form and 'name="description_uk"' in form and 'name="title_sv"' not in form
    assert 'lang="ar" dir="rtl"' in form, "the Arabic fields are written right to left"
    assert "<details" in form and "<details class=\"field\" open" not in form, "folded while empty"

    data = {"title": title, "description": "Hur boendet fungerar.", "organisation_id": training.organisation_id,
            "qualification_id": training.qualification_id or 0, "title_ar": "مقدمة عن سكن الإخلاء",
            "description_ar": "كيف يعمل السكن.", "title_en": "  ", "title_uk": "x" * 161}
    response = client.submit(url, data)
    assert response.status_code == 422, "a title too long in Ukrainian"
    html = page_text(response)
    assert "<details class=\"field\" open" in html and "مقدمة عن سكن الإخلاء" in html, "typed text kept, shown"
    assert client.submit(url, {**data, "title_uk": "Вступ"}).status_code == 303
    with app.app_context():
        saved = db.session.get(Training, training_id)
        assert saved.titles == {"ar": "مقدمة عن سكن الإخلاء", "uk": "Вступ"}, "blank languages are not stored"
        assert saved.descriptions == {"ar": "كيف يعمل السكن."}
        assert saved.title_in("ar") == "مقدمة عن سكن الإخلاء"
        assert saved.title_in("so") == title, "a language without a title falls back to Swedish"
        assert saved.description_in("uk") == "Hur boendet fungerar."
    assert "مقدمة عن سكن الإخلاء" in page_text(client.get(url)), "the saved translation is in the form again"


def test_a_coordinator_marks_a_training_repeatable_and_back(app, coordinator, make_user, make_session):
    client, user, existing = coordinator
    later = make_session(starts_at=existing.starts_at + timedelta(days=7))
    with app.app_context():
        training = db.session.get(TrainingSession, existing.id).training
        training_id = training.id
        data = {"title": training.title, "organisation_id": training.organisation_id,
                "qualification_id": training.qualification_id}
    url = f"/coordinator/trainings/{training_id}/edit"
    form = page_text(client.get(url))
    assert 'name="repeatable"' in form and 'name="repeatable" id="repeatable" value="y" checked' not in form
    volunteer = signed_in(app, make_user("twice@example.org"))
    volunteer.submit(f"/trainings/{existing.id}/enrol", page="/trainings")
    assert volunteer.submit(f"/trainings/{later.id}/enrol", page="/trainings").status_code == 409, "one at a time"

    assert client.submit(url, {**data, "repeatable": "y"}).status_code == 303
    with app.app_context():
        assert db.session.get(Training, training_id).repeatable is True
    assert translated(app, "sv", "Several sessions per person") in page_text(client.get("/coordinator/trainings/"))
    assert 'value="y" checked' in page_text(client.get(url))
    assert volunteer.submit(f"/trainings/{later.id}/enrol", page="/trainings").status_code == 303

    assert client.submit(url, data).status_code == 303, "an unticked box sends nothing"
    with app.app_context():
        assert db.session.get(Training, training_id).repeatable is False


def session_form(**overrides):
    return {"day": "2026-10-14", "start": "18:00", "end": "21:00", "place": "Stortorget 1", "language": "ar",
            "seats": "12", "weeks": "1", **overrides}


def test_a_one_off_session_is_stored_in_utc_from_stockholm_time(app, coordinator):
    client, user, existing = coordinator
    with app.app_context():
        training_id = db.session.get(TrainingSession, existing.id).training_id
    url = f"/coordinator/trainings/{training_id}/sessions/new"
    response = client.submit(url, session_form())
    assert response.status_code == 303
    with app.app_context():
        session = db.session.scalar(select(TrainingSession).where(TrainingSession.place == "Stortorget 1"))
        assert session.starts_at == datetime(2026, 10, 14, 16, tzinfo=timezone.utc)
        assert session.ends_at == datetime(2026, 10, 14, 19, tzinfo=timezone.utc)
        assert (session.language, session.seats, session.series_id, session.created_by_id) == ("ar", 12, None, user.id)


def test_a_weekly_series_keeps_18_00_local_across_the_october_clock_change(app, coordinator):
    client, user, existing = coordinator
    with app.app_context():
        training_id = db.session.get(TrainingSession, existing.id).training_id
    response = client.submit(f"/coordinator/trainings/{training_id}/sessions/new", session_form(weeks="3"))
    assert response.status_code == 303
    with app.app_context():
        sessions = db.session.scalars(select(TrainingSession).where(TrainingSession.place == "Stortorget 1")
                                      .order_by(TrainingSession.starts_at)).all()
        assert [s.starts_at.astimezone(STOCKHOLM).strftime("%a %d %H:%M") for s in sessions] == [
            "Wed 14 18:00", "Wed 21 18:00", "Wed 28 18:00"]
        assert [s.starts_at.hour for s in sessions] == [16, 16, 17], "summer time ends on 25 October"
        assert len({s.series_id for s in sessions}) == 1 and sessions[0].series_id
    assert "3 tillfällen skapade." in page_text(client.get("/coordinator/trainings/"))


@pytest.mark.parametrize("overrides, field", [
    ({"day": "2026-09-01"}, "day"), ({"end": "17:00"}, "end"), ({"seats": "0"}, "seats"), ({"weeks": "27"}, "weeks"),
    ({"place": ""}, "place"), ({"language": "xx"}, "language")])
def test_a_session_form_with_mistakes_comes_back_with_messages(app, coordinator, overrides, field):
    client, user, existing = coordinator
    with app.app_context():
        training_id = db.session.get(TrainingSession, existing.id).training_id
    response = client.submit(f"/coordinator/trainings/{training_id}/sessions/new", session_form(**overrides))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_the_enrolment_list_shows_people_with_phone_links(app, coordinator, make_user):
    client, user, session = coordinator
    _, amal = enrol(app, make_user, session.id, "amal@example.org", full_name="Amal Hassan")
    with app.app_context():
        db.session.get(User, amal.id).phone = "+46701112233"
        db.session.commit()
    response = client.get(f"/coordinator/trainings/sessions/{session.id}")
    html = page_text(response)
    assert "Amal Hassan" in html
    assert 'href="tel:+46701112233"' in html and "070-111 22 33" in html
    assert translated(app, "sv", "Enrolled") in html
    assert "data-mark" not in html, "attendance waits until the session starts"


def test_cancelling_a_session_emails_everyone_in_their_language(app, coordinator, make_user, outbox):
    client, user, session = coordinator
    with app.app_context():
        db.session.get(TrainingSession, session.id).seats = 1
        db.session.commit()
    enrol(app, make_user, session.id, "sv@example.org")
    waiting = signed_in(app, make_user("ar@example.org", locale="ar", full_name="Samira"))
    waiting.submit(f"/trainings/{session.id}/waitlist", page="/trainings")
    enrolled = len(outbox.messages())  # the enrolment's confirmation

    assert client.get(f"/coordinator/trainings/sessions/{session.id}/cancel").status_code == 200
    response = client.submit(f"/coordinator/trainings/sessions/{session.id}/cancel")
    assert response.status_code == 303
    messages = {m["To"]: m for m in outbox.messages()}
    assert messages["sv@example.org"]["Subject"] == translated(app, "sv", "A training session is cancelled")
    arabic = messages["ar@example.org"]
    assert arabic["Subject"] == translated(app, "ar", "A training session is cancelled")
    assert translated(app, "ar", "We are sorry: this training session has been cancelled.") in outbox.text(arabic)
    assert "Introduktion till evakueringsboende" in outbox.text(arabic)
    with app.app_context():
        cancelled = db.session.get(TrainingSession, session.id)
        assert cancelled.cancelled_at == NOW and cancelled.cancelled_by_id == user.id and cancelled.seats_taken == 0
        assert {e.status for e in db.session.scalars(select(Enrolment))} == {EnrolmentStatus.CANCELLED}
    assert f'id="session-{session.id}"' not in page_text(waiting.get("/trainings"))
    assert client.submit(f"/coordinator/trainings/sessions/{session.id}/cancel").status_code == 303
    assert len(outbox.messages()) == enrolled + 2, "cancelling twice mails nobody again"


def test_marking_attended_grants_the_qualification_with_expiry_and_who_confirmed(app, clock, coordinator, make_user):
    client, user, session = coordinator
    volunteer, person = enrol(app, make_user, session.id, "v@example.org")
    with app.app_context():
        enrolment_id = db.session.scalar(select(Enrolment.id))
    url = f"/coordinator/trainings/sessions/{session.id}/attendance/{enrolment_id}"
    assert client.submit(url, {"status": "attended"}, page="/coordinator/trainings/").status_code == 409, \
        "not before it starts"

    clock.advance(days=3, hours=4)
    assert "data-mark" in client.get(f"/coordinator/trainings/sessions/{session.id}").get_data(as_text=True)
    response = client.submit(url, {"status": "attended"}, page="/coordinator/trainings/",
                             headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = page_text(response)
    assert html.lstrip().startswith('<li class="roster__person"')
    assert re.search(r'data-mark="attended"\s+aria-pressed="true"', html)
    with app.app_context():
        held = db.session.scalar(select(PersonQualification))
        assert held.user_id == person.id and held.granted_by_id == user.id and held.session_id == session.id
        assert held.expires_at == session.ends_at.replace(year=2028), "24 months from the training"
        assert db.session.scalar(select(Enrolment)).decided_by_id == user.id
    html = page_text(volunteer.get("/trainings/mine"))
    assert "Introduktion till evakueringsboende" in html
    assert translated(app, "sv", "Valid until %(date)s.", date="4 oktober 2028") in html

    client.submit(url, {"status": "attended"}, page="/coordinator/trainings/")
    with app.app_context():
        assert len(db.session.scalars(select(PersonQualification)).all()) == 1, "marking twice grants once"
    response = client.submit(url, {"status": "no_show"}, page="/coordinator/trainings/")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(PersonQualification)).all() == [], "a no-show takes it back"
        assert db.session.scalar(select(Enrolment)).status is EnrolmentStatus.NO_SHOW


def test_a_qualification_can_be_granted_by_hand_with_a_reason(app, coordinator, make_user):
    client, user, _ = coordinator
    person = make_user("v@example.org", full_name="Omid Karimi")
    with app.app_context():
        qualification_id = db.session.scalar(select(Qualification.id))
    data = {"email": "V@example.org", "qualification_id": qualification_id,
            "reason": "Gick utbildningen hos Röda Korset i Malmö 2025."}
    response = client.submit("/coordinator/trainings/grant", data)
    assert response.status_code == 303
    with app.app_context():
        held = db.session.scalar(select(PersonQualification))
        assert (held.user_id, held.granted_by_id, held.reason) == (person.id, user.id, data["reason"])
        assert held.granted_at == NOW and held.expires_at == NOW.replace(year=2028)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qualification_granted"))
        assert event.actor_id == user.id and event.subject_id == person.id
    response = client.submit("/coordinator/trainings/grant", {**data, "email": "nobody@example.org"})
    assert response.status_code == 422
    assert translated(app, "sv", "No volunteer you coordinate has that address.") in page_text(response)
    assert client.submit("/coordinator/trainings/grant", {**data, "reason": ""}).status_code == 422


def test_coordinators_of_another_organisation_cannot_see_or_touch_the_session(app, coordinator, make_user,
                                                                             make_organisation):
    _, _, session = coordinator
    other_org = make_organisation("Röda Korset Annanstad", "red_cross")
    other = signed_in(app, make_user("other@example.org", role=Role.COORDINATOR, coordinates=[other_org]))
    with app.app_context():
        training_id = db.session.get(TrainingSession, session.id).training_id
    for url in (f"/coordinator/trainings/sessions/{session.id}", f"/coordinator/trainings/sessions/{session.id}/edit",
                f"/coordinator/trainings/sessions/{session.id}/cancel", f"/coordinator/trainings/{training_id}/edit",
                f"/coordinator/trainings/{training_id}/sessions/new"):
        assert other.get(url).status_code == 404, url
    assert other.submit(f"/coordinator/trainings/sessions/{session.id}/cancel",
                        page="/coordinator/trainings/").status_code == 404
    assert "Introduktion till evakueringsboende" not in page_text(other.get("/coordinator/trainings/"))
    admin = signed_in(app, make_user("admin@example.org", role=Role.ADMIN))
    assert admin.get(f"/coordinator/trainings/sessions/{session.id}").status_code == 200


def test_more_seats_go_to_the_waitlist_first_and_fewer_than_taken_are_refused(app, coordinator, make_user, outbox):
    client, user, session = coordinator
    with app.app_context():
        db.session.get(TrainingSession, session.id).seats = 1
        db.session.commit()
    enrol(app, make_user, session.id, "first@example.org")
    waiting = signed_in(app, make_user("second@example.org"))
    waiting.submit(f"/trainings/{session.id}/waitlist", page="/trainings")
    url = f"/coordinator/trainings/sessions/{session.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Stortorget 1, Testby"' in form

    local = session.starts_at.astimezone(STOCKHOLM)
    data = {"day": local.strftime("%Y-%m-%d"), "start": local.strftime("%H:%M"), "end": "23:00",
            "place": "Stortorget 1, Testby", "language": "sv", "seats": "0"}
    assert client.submit(url, data).status_code == 422
    response = client.submit(url, {**data, "seats": "2"})
    assert response.status_code == 303
    assert outbox.last()["To"] == "second@example.org"
    with app.app_context():
        edited = db.session.get(TrainingSession, session.id)
        assert edited.seats == 2 and edited.seats_taken == 2
        assert db.session.scalar(select(Enrolment).where(Enrolment.status == EnrolmentStatus.OFFERED)) is not None


def test_fewer_seats_than_are_taken_are_refused_next_to_the_field(app, coordinator, make_user):
    client, user, session = coordinator
    enrol(app, make_user, session.id, "first@example.org")
    enrol(app, make_user, session.id, "second@example.org")
    url = f"/coordinator/trainings/sessions/{session.id}/edit"
    local = session.starts_at.astimezone(STOCKHOLM)
    data = {"day": local.strftime("%Y-%m-%d"), "start": local.strftime("%H:%M"), "end": "23:00",
            "place": "Nya salen", "language": "sv", "seats": "1"}
    response = client.submit(url, data)
    assert response.status_code == 422
    assert field_error(response, "seats") == translated(
        app, "sv", "%(num)d seats are taken; the session needs at least that many.", num=2)
    assert 'value="Nya salen"' in page_text(response), "what was typed is kept"
    with app.app_context():
        stored = db.session.get(TrainingSession, session.id)
        assert (stored.seats, stored.seats_taken, stored.place) == (10, 2, "Stortorget 1, Testby")
    assert client.submit(url, {**data, "seats": "2"}).status_code == 303


def test_moving_a_session_emails_the_people_on_it_and_a_seat_change_does_not(app, coordinator, make_user, outbox):
    client, user, session = coordinator
    enrol(app, make_user, session.id, "ar@example.org", locale="ar", full_name="Samira")
    url = f"/coordinator/trainings/sessions/{session.id}/edit"
    local = session.starts_at.astimezone(STOCKHOLM)
    same = {"day": local.strftime("%Y-%m-%d"), "start": local.strftime("%H:%M"),
            "end": session.ends_at.astimezone(STOCKHOLM).strftime("%H:%M"), "place": "Stortorget 1, Testby",
            "language": "sv", "seats": "15"}
    before = len(outbox.messages())
    assert client.submit(url, same).status_code == 303
    assert len(outbox.messages()) == before, "more seats alone is no news for those already on it"

    response = client.submit(url, {**same, "place": "Biblioteket, Testby"})
    assert response.status_code == 303
    message = outbox.last()
    assert message["To"] == "ar@example.org"
    assert message["Subject"] == translated(app, "ar", "A training session has changed")
    assert "Biblioteket, Testby" in outbox.text(message)
    assert translated(app, "sv", "The session is saved; %(num)d person will be told about the change by e-mail.",
                      num=1) in page_text(client.get(response.location))


def test_a_session_cannot_be_moved_into_the_past(app, coordinator, make_user, outbox):
    """Refused next to the date, everything typed kept, nobody e-mailed; its other fields may still change."""
    client, user, session = coordinator
    enrol(app, make_user, session.id, "ar@example.org", locale="ar", full_name="Samira")
    url = f"/coordinator/trainings/sessions/{session.id}/edit"
    local = session.starts_at.astimezone(STOCKHOLM)
    same = {"day": local.strftime("%Y-%m-%d"), "start": local.strftime("%H:%M"),
            "end": session.ends_at.astimezone(STOCKHOLM).strftime("%H:%M"), "place": "Stortorget 1, Testby",
            "language": "sv", "seats": "10"}
    before = len(outbox.messages())
    yesterday = (NOW - timedelta(days=1)).astimezone(STOCKHOLM).strftime("%Y-%m-%d")
    response = client.submit(url, {**same, "day": yesterday, "place": "Biblioteket"})
    assert response.status_code == 422
    assert field_error(response, "day") == translated(app, "sv", "Choose a time in the future.")
    assert 'value="Biblioteket"' in page_text(response), "what was typed is kept"
    assert len(outbox.messages()) == before
    with app.app_context():
        assert db.session.get(TrainingSession, session.id).starts_at == session.starts_at


def test_qualifications_are_named_in_every_site_language(app, coordinator):
    client, user, _ = coordinator
    page = page_text(client.get("/coordinator/trainings/qualifications"))
    assert 'href="/coordinator/trainings/qualifications/new"' in page
    form = page_text(client.get("/coordinator/trainings/qualifications/new"))
    assert 'name="name_ar"' in form and 'lang="ar"' in form and 'name="validity_months"' in form

    data = {"code": "first_aid", "validity_months": "", "name_sv": "", "name_ar": "الإسعافات الأولية"}
    response = client.submit("/coordinator/trainings/qualifications/new", data)
    assert response.status_code == 422
    html = page_text(response)
    assert translated(app, "sv", "Write the name in Swedish.") in html and "الإسعافات الأولية" in html, "kept"
    response = client.submit("/coordinator/trainings/qualifications/new",
                             {**data, "code": "intro_housing", "name_sv": "Första hjälpen"})
    assert translated(app, "sv", "There is already a qualification with that code.") in page_text(response)
    response = client.submit("/coordinator/trainings/qualifications/new", {**data, "validity_months": "999",
                                                                          "name_sv": "Första hjälpen"})
    assert response.status_code == 422, "at most ten years"
    response = client.submit("/coordinator/trainings/qualifications/new",
                             {**data, "validity_months": "36", "name_sv": "Första hjälpen"})
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.scalar(select(Qualification).where(Qualification.code == "first_aid"))
        assert saved.names == {"sv": "Första hjälpen", "ar": "الإسعافات الأولية"} and saved.validity_months == 36
        assert saved.name_in("ar") == "الإسعافات الأولية" and saved.name_in("uk") == "Första hjälpen"
        saved_id = saved.id
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "qualification_saved")) is not None

    url = f"/coordinator/trainings/qualifications/{saved_id}/edit"
    assert 'value="Första hjälpen"' in page_text(client.get(url))
    assert client.submit(url, {"code": "first_aid", "validity_months": "", "name_sv": "Första hjälpen",
                               "name_en": "First aid"}).status_code == 303
    with app.app_context():
        saved = db.session.get(Qualification, saved_id)
        assert saved.validity_months is None and saved.name_in("en") == "First aid"
    assert "First aid" not in page_text(client.get("/coordinator/trainings/new")), "Swedish reader"
    assert "Första hjälpen" in page_text(client.get("/coordinator/trainings/new")), "a training can now give it"
    assert client.get("/coordinator/trainings/qualifications/99999/edit").status_code == 404


def without_tokens(html: str) -> str:
    return re.sub(r'("X-CSRFToken": "|name="csrf_token"[^>]*?value=")[^"]+', r"\1…", html)


def test_granting_by_hand_reaches_only_the_coordinators_people_and_reveals_no_other_account(
        app, coordinator, make_user, make_organisation):
    client, _, _ = coordinator
    red_cross = make_organisation("Röda Korset Annanstad", "red_cross")
    with app.app_context():
        theirs = User(email="theirs@example.org", full_name="Tove Annanstad", phone="+46701230000",
                      preferred_organisations=[db.session.merge(red_cross)])
        db.session.add(theirs)
        db.session.commit()
        qualification_id = db.session.scalar(select(Qualification.id))
    data = {"qualification_id": qualification_id, "reason": "Gick utbildningen i Malmö."}
    unknown = client.submit("/coordinator/trainings/grant", {**data, "email": "nobody@example.org"})
    outside = client.submit("/coordinator/trainings/grant", {**data, "email": "theirs@example.org"})
    assert unknown.status_code == outside.status_code == 422
    refusal = translated(app, "sv", "No volunteer you coordinate has that address.")
    assert refusal in page_text(unknown) and refusal in page_text(outside)
    assert "Tove Annanstad" not in page_text(outside)
    # The same page but for the address typed and the form tokens, which carry the second they were made in.
    assert without_tokens(page_text(outside)).replace("theirs@", "nobody@") == without_tokens(page_text(unknown))
    with app.app_context():
        assert db.session.scalars(select(PersonQualification)).all() == []


def test_granting_by_hand_offers_only_what_the_coordinators_trainings_give(app, coordinator, make_user,
                                                                          make_session):
    client, _, _ = coordinator
    make_user("v@example.org")
    make_session(title="Första hjälpen", organisation="Röda Korset Annanstad", qualification="first_aid",
                 qualification_names={"sv": "Första hjälpen", "en": "First aid"})
    with app.app_context():
        first_aid = db.session.scalar(select(Qualification.id).where(Qualification.code == "first_aid"))
    page = page_text(client.get("/coordinator/trainings/grant"))
    assert "Introduktion till evakueringsboende" in page and "Första hjälpen" not in page
    response = client.submit("/coordinator/trainings/grant", {"email": "v@example.org", "qualification_id": first_aid,
                                                              "reason": "Gick den i Malmö."})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(PersonQualification)).all() == []


@pytest.mark.now(datetime(2027, 3, 20, 8, 0, tzinfo=timezone.utc))
def test_a_session_in_the_hour_the_clocks_skip_is_refused(app, clock, coordinator):
    client, user, existing = coordinator
    with app.app_context():
        training_id = db.session.get(TrainingSession, existing.id).training_id
    response = client.submit(f"/coordinator/trainings/{training_id}/sessions/new",
                             session_form(day="2027-03-21", start="02:15", end="04:00", weeks="2"))
    assert response.status_code == 422
    assert field_error(response, "start") == translated(
        app, "sv", "There is no %(time)s on %(date)s: the clocks go forward an hour that night. Choose another time.",
        time="02:15", date="28 mars 2027")
    with app.app_context():
        assert db.session.scalar(select(TrainingSession).where(TrainingSession.place == "Stortorget 1")) is None


def test_seats_taken_take_their_plural_from_the_seats(app, coordinator, make_user):
    """"1 av 10 platser tagna", not "1 av 10 plats tagen"."""
    client, user, session = coordinator
    enrol(app, make_user, session.id, "v@example.org")
    html = page_text(client.get("/coordinator/trainings/"))
    assert "1 av 10 platser tagna" in html and "plats tagen" not in html
