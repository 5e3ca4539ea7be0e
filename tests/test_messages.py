"""Coordinators write to the people on a shift, a training session or the applicants queue (need to know, a preview,
a cap and a rate limit, versions per language), and everyone reads what they were sent on My page."""
import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.mail import send_after_commit
from volunteer.messages.inbox import plain_text
from volunteer.models import AuditEvent, BookingStatus, Organisation, OutboxMessage, Status, User

from .helpers import Client, page_text, put_on, signed_in, translated

MESSAGE = {"language": "sv", "subject": "Ändrad ingång", "text": "Gå in genom <b>baksidan</b> i morgon.",
           "contact": "070-123 45 67"}


def as_person(app, world, role: str) -> Client:
    return signed_in(app, world.people[role])


def composed(app, world, url: str, **fields):
    """Preview the message, then send it as the preview's button does."""
    client = as_person(app, world, fields.pop("role", "coordinator"))
    data = {**MESSAGE, **fields}
    preview = client.post(url, data={**data, "preview": "Preview"})
    assert preview.status_code == 200, page_text(preview)
    previewed = preview.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]
    return client.post(url, data={**data, "previewed": previewed, "send": "Send"})


def messages_to(app, address: str) -> list[OutboxMessage]:
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address,
                                                              OutboxMessage.template == "message")).all()


def set_locale(app, person, locale: str) -> None:
    with app.app_context():
        db.session.get(User, person.id).locale = locale
        db.session.commit()


@pytest.fixture
def open_app(make_app, world):
    return make_app(WTF_CSRF_ENABLED=False)


def test_the_compose_page_shows_how_many_and_who_but_no_addresses(open_app, world):
    response = as_person(open_app, world, "coordinator").get(f"/coordinator/messages/shifts/{world.ids['shift_id']}")
    text = page_text(response)
    assert response.status_code == 200
    assert "2" in text and "Nils Granne" in text and "Vera Volontär" in text
    assert "@example.org" not in response.get_data(as_text=True)


def test_a_message_to_a_shift_is_sent_only_after_a_preview(open_app, world):
    url = f"/coordinator/messages/shifts/{world.ids['shift_id']}"
    client = as_person(open_app, world, "coordinator")
    preview = client.post(url, data={**MESSAGE, "preview": "Preview"})
    assert 'id="preview"' in preview.get_data(as_text=True) and messages_to(open_app, "volunteer@example.org") == []
    response = composed(open_app, world, url)
    assert response.status_code == 303 and response.location.endswith(f"/coordinator/shifts/{world.ids['shift_id']}/roster")
    for address in ("volunteer@example.org", "neighbour@example.org"):
        message, = messages_to(open_app, address)
        assert message.about == f"shift:{world.ids['shift_id']}" and message.subject == MESSAGE["subject"]
    assert messages_to(open_app, "applicant@example.org") == []
    with open_app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message_sent")).one()
        assert event.actor_id == world.people["coordinator"].id
        assert event.details["recipients"] == 2 and event.details["audience"] == "shift"
        assert "baksidan" not in str(event.details) and "Ändrad" not in str(event.details)


def test_the_text_is_escaped_in_the_html_and_the_footer_names_the_writer(open_app, world, outbox):
    composed(open_app, world, f"/coordinator/messages/shifts/{world.ids['shift_id']}")
    email = next(m for m in outbox.messages() if m["To"] == "volunteer@example.org")
    html = email.get_body(("html",)).get_content()
    assert "&lt;b&gt;baksidan&lt;/b&gt;" in html and "<b>baksidan" not in html
    text = email.get_body(("plain",)).get_content()
    assert "<b>baksidan</b>" in text and "Cora Koordinator" in text and "070-123 45 67" in text


def test_the_waitlist_is_included_only_when_asked(open_app, world, make_user, make_shift):
    waiting = make_user("waiting@example.org", full_name="Wilma Väntar", status=Status.APPROVED)
    with open_app.app_context():
        from volunteer.models import Shift
        shift = db.session.get(Shift, world.ids["shift_id"])
    put_on(open_app, shift, waiting, status=BookingStatus.WAITLISTED)
    url = f"/coordinator/messages/shifts/{world.ids['shift_id']}"
    assert "Wilma" not in page_text(as_person(open_app, world, "coordinator").get(url))
    assert "Wilma" in page_text(as_person(open_app, world, "coordinator").get(url + "?waitlist=1"))
    composed(open_app, world, url)
    assert messages_to(open_app, "waiting@example.org") == []
    composed(open_app, world, url, waitlist="y")
    assert len(messages_to(open_app, "waiting@example.org")) == 1


def test_a_training_session_s_people_get_it(open_app, world):
    response = composed(open_app, world, f"/coordinator/messages/training-sessions/{world.ids['session_id']}")
    assert response.status_code == 303
    message, = messages_to(open_app, "neighbour@example.org")
    assert message.about == f"training_session:{world.ids['session_id']}"


@pytest.mark.parametrize("path", ["shifts/{shift_id}", "training-sessions/{session_id}"])
def test_another_organisation_s_coordinator_gets_not_found(open_app, world, path):
    url = "/coordinator/messages/" + path.format(**world.ids)
    client = as_person(open_app, world, "other_coordinator")
    assert client.get(url).status_code == 404
    assert client.post(url, data={**MESSAGE, "send": "Send", "previewed": "2"}).status_code == 404
    assert messages_to(open_app, "volunteer@example.org") == []


def test_applicants_within_the_queue_s_filters_and_scope(open_app, world, make_user):
    speaker = make_user("speaker@example.org", full_name="Sara Talare", status=Status.CONFIRMED, languages=("ar",))
    theirs = make_user("theirs@example.org", full_name="Tor Deras", status=Status.CONFIRMED)
    with open_app.app_context():
        organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
        db.session.get(User, speaker.id).preferred_organisations = [organisations["FRG Testby"]]
        db.session.get(User, theirs.id).preferred_organisations = [organisations["Röda Korset Testby"]]
        db.session.commit()
    everyone = page_text(as_person(open_app, world, "coordinator").get("/coordinator/messages/applicants"))
    assert "Ali Sökande" in everyone and "Sara Talare" in everyone and "Tor Deras" not in everyone
    assert composed(open_app, world, "/coordinator/messages/applicants?language=ar").status_code == 303
    assert len(messages_to(open_app, "speaker@example.org")) == 1
    assert messages_to(open_app, "applicant@example.org") == [] and messages_to(open_app, "theirs@example.org") == []
    other = as_person(open_app, world, "other_coordinator").post(
        "/coordinator/messages/applicants?language=ar", data={**MESSAGE, "preview": "Preview"})
    assert other.status_code == 422 and "Sara" not in page_text(other)


def test_each_person_gets_their_language_s_version_or_the_original_with_a_line(open_app, world, outbox):
    set_locale(open_app, world.people["neighbour"], "en")
    set_locale(open_app, world.people["volunteer"], "uk")
    composed(open_app, world, f"/coordinator/messages/shifts/{world.ids['shift_id']}",
             subject_en="Changed entrance", text_en="Use the back door tomorrow.")
    english, = messages_to(open_app, "neighbour@example.org")
    assert english.subject == "Changed entrance" and "back door" in plain_text(english.body)
    assert "written in" not in plain_text(english.body)
    ukrainian, = messages_to(open_app, "volunteer@example.org")
    text = plain_text(ukrainian.body)
    assert ukrainian.subject == MESSAGE["subject"] and "baksidan" in text
    with open_app.test_request_context():
        from flask_babel import force_locale
        from volunteer.i18n.languages import language_name
        with force_locale("uk"):
            swedish = language_name("sv")
    line = translated(open_app, "uk", "This message was written in %(language)s; there is no version in your "
                                      "language.", language=swedish)
    assert line in text


def test_a_version_in_the_message_s_own_language_is_refused_next_to_the_field(open_app, world):
    response = as_person(open_app, world, "coordinator").post(
        f"/coordinator/messages/shifts/{world.ids['shift_id']}", data={**MESSAGE, "text_sv": "Igen", "preview": "1"})
    assert response.status_code == 422 and 'id="language-error"' in response.get_data(as_text=True)


def test_an_audience_over_the_cap_is_refused(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=False, MESSAGE_MAX_RECIPIENTS=1)
    response = as_person(app, world, "coordinator").post(
        f"/coordinator/messages/shifts/{world.ids['shift_id']}", data={**MESSAGE, "send": "Send", "previewed": "2"})
    assert response.status_code == 422 and 'id="refusal"' in response.get_data(as_text=True)
    assert messages_to(app, "volunteer@example.org") == []


def test_sending_is_rate_limited_per_coordinator_but_previews_are_free(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=False, MESSAGE_RATE_LIMIT="1 per hour")
    url = f"/coordinator/messages/shifts/{world.ids['shift_id']}"
    client = as_person(app, world, "coordinator")
    for _ in range(3):
        assert client.post(url, data={**MESSAGE, "preview": "1"}).status_code == 200
    assert composed(app, world, url).status_code == 303
    assert client.post(url, data={**MESSAGE, "send": "Send", "previewed": "2"}).status_code == 429
    assert composed(app, world, url, role="admin").status_code == 303  # another coordinator's own count


def test_my_page_lists_every_message_newest_first_and_marks_them_read(open_app, world):
    with open_app.test_request_context():
        send_after_commit("volunteer@example.org", "sv", "sign_in", "Din inloggningslänk", link="http://x",
                          user=db.session.get(User, world.people["volunteer"].id))
        db.session.commit()
    composed(open_app, world, f"/coordinator/messages/shifts/{world.ids['shift_id']}")
    client = as_person(open_app, world, "volunteer")
    nothing_new = translated(open_app, "sv", "No new messages.")
    assert nothing_new not in page_text(client.get("/me"))
    response = client.get("/me/messages")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and MESSAGE["subject"] in html and "message--unread" in html
    assert "&lt;b&gt;baksidan&lt;/b&gt;" in html and "Din inloggningslänk" not in html
    again = client.get("/me/messages").get_data(as_text=True)
    assert MESSAGE["subject"] in again and "message--unread" not in again
    assert nothing_new in page_text(client.get("/me"))
    message, = messages_to(open_app, "volunteer@example.org")
    assert message.read_at is not None
    exported = client.get("/me/export").get_json()["messages"]
    assert any(m["subject"] == MESSAGE["subject"] and m["read_at"] for m in exported)


def test_an_erased_person_s_messages_go_with_them(open_app, world):
    composed(open_app, world, f"/coordinator/messages/shifts/{world.ids['shift_id']}")
    client = as_person(open_app, world, "volunteer")
    assert client.post("/me/delete", data={"confirm": "y"}).status_code == 303
    assert messages_to(open_app, "volunteer@example.org") == []


@pytest.mark.parametrize("language", ["ab", "", "../sv"])
def test_a_language_that_is_not_a_site_language_is_refused_next_to_the_field(open_app, world, language):
    response = as_person(open_app, world, "coordinator").post(
        f"/coordinator/messages/shifts/{world.ids['shift_id']}", data={**MESSAGE, "language": language, "preview": "1"})
    assert response.status_code == 422 and 'id="language-error"' in response.get_data(as_text=True)
