"""Volunteers and training sessions: every enrolment state, each transition, the waitlist and its offers."""
import json
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import (AuditEvent, Enrolment, EnrolmentStatus, PersonQualification, Qualification, Status,
                              TrainingSession, User)
from volunteer.rules import trainings as rules
from volunteer.rules.kinds import decide
from volunteer.rules.trainings import EnrolmentState

from .helpers import Client, page_text, signed_in, translated

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)


def person(app, make_user, email, **fields):
    """A signed-in client for a new person."""
    user = make_user(email, **fields)
    return signed_in(app, user), user


def act(client, session_id, action, htmx=False, page="/trainings"):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.submit(f"/trainings/{session_id}/{action}", {"next": page}, page=page, headers=headers)


def seats_taken(app, session_id):
    with app.app_context():
        return db.session.get(TrainingSession, session_id).seats_taken


def status_of(app, session_id, user_id):
    with app.app_context():
        enrolment = db.session.scalar(
            select(Enrolment).where(Enrolment.session_id == session_id, Enrolment.user_id == user_id))
        return enrolment.status if enrolment else None


def state_of(app, user_id, session_id):
    with app.test_request_context():
        return decide(rules.TRAININGS, db.session.get(User, user_id), db.session.get(TrainingSession, session_id),
                      app.config["CLOCK"]()).state


def card(response, session_id):
    html = page_text(response)
    match = re.search(rf'<article class="card[^"]*" id="session-{session_id}".*?</article>', html, re.S)
    assert match, f"no card for session {session_id}"
    return match.group(0)


def test_the_list_shows_what_a_volunteer_needs_to_choose(app, make_user, make_session):
    session = make_session(seats=12, language="ar", starts_at=datetime(2026, 10, 8, 16, tzinfo=timezone.utc))
    make_session(title="Förra veckan", starts_at=NOW - timedelta(days=7))
    make_session(title="Inställd", cancelled_at=NOW)
    client, _ = person(app, make_user, "v@example.org")

    response = client.get("/trainings")
    assert response.status_code == 200
    html = card(response, session.id)
    assert "Introduktion till evakueringsboende" in html
    assert "Studieförbundet Testby" in html
    assert "8 oktober 2026" in html and "18:00–21:00" in html, "Stockholm time, end time too"
    assert "Stortorget 1, Testby" in html
    assert "arabiska" in html
    assert "12 av 12" in html
    assert 'data-action="enrol"' in html
    assert "Förra veckan" not in page_text(response) and "Inställd" not in page_text(response)


def test_volunteers_read_a_training_in_their_language_or_in_swedish(app, make_user, make_session):
    session = make_session(description="Hur boendet fungerar.", titles={"ar": "مقدمة عن سكن الإخلاء"})
    with app.app_context():
        db.session.get(TrainingSession, session.id).training.descriptions = {"ar": "كيف يعمل السكن."}
        db.session.commit()
    arabic, _ = person(app, make_user, "ar@example.org", locale="ar")
    somali, _ = person(app, make_user, "so@example.org", locale="so")

    html = card(arabic.get("/trainings"), session.id)
    assert "مقدمة عن سكن الإخلاء" in html and "كيف يعمل السكن." in html
    assert "Introduktion till evakueringsboende" not in html
    html = card(somali.get("/trainings"), session.id)
    assert "Introduktion till evakueringsboende" in html and "Hur boendet fungerar." in html, "Swedish fallback"
    assert 'dir="auto"' in html, "a fallback title in Swedish on a right-to-left page still reads correctly"


def test_enrolling_with_htmx_returns_the_card_with_one_seat_fewer(app, make_user, make_session):
    session = make_session(seats=3)
    client, user = person(app, make_user, "v@example.org")

    response = act(client, session.id, "enrol", htmx=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = page_text(response)
    assert not html.lstrip().startswith("<!doctype"), "just the card"
    assert html.lstrip().startswith("<article") and f'id="session-{session.id}"' in html
    assert 'data-seats-left="2"' in html
    assert translated(app, "sv", "You are enrolled. Welcome!") in html
    assert 'data-action="cancel"' in html and 'data-action="enrol"' not in html
    assert status_of(app, session.id, user.id) is EnrolmentStatus.ENROLLED
    assert seats_taken(app, session.id) == 1


def test_enrolling_with_a_plain_form_redirects_back_to_the_list(app, make_user, make_session):
    session = make_session(seats=3)
    client, user = person(app, make_user, "v@example.org")

    response = act(client, session.id, "enrol")
    assert response.status_code == 303
    assert response.location.endswith(f"/trainings#session-{session.id}")
    page = client.get("/trainings")
    assert translated(app, "sv", "You are enrolled.") in page_text(page)
    assert 'data-seats-left="2"' in card(page, session.id)


def test_cancelling_gives_the_seat_back(app, make_user, make_session):
    session = make_session(seats=1)
    client, user = person(app, make_user, "v@example.org")
    act(client, session.id, "enrol")
    assert seats_taken(app, session.id) == 1

    response = act(client, session.id, "cancel", htmx=True)
    assert response.status_code == 200
    assert 'data-seats-left="1"' in page_text(response) and 'data-action="enrol"' in page_text(response)
    assert status_of(app, session.id, user.id) is EnrolmentStatus.CANCELLED
    assert seats_taken(app, session.id) == 0

    assert act(client, session.id, "enrol").status_code == 303, "coming back reuses the row"
    assert status_of(app, session.id, user.id) is EnrolmentStatus.ENROLLED


def test_a_full_session_offers_the_waitlist_and_one_can_join_and_leave_it(app, make_user, make_session):
    session = make_session(seats=1)
    first, _ = person(app, make_user, "first@example.org")
    second, user = person(app, make_user, "second@example.org")
    act(first, session.id, "enrol")

    html = card(second.get("/trainings"), session.id)
    assert 'data-action="waitlist"' in html and 'data-action="enrol"' not in html
    assert translated(
        app, "sv", "The session is full. Join the waitlist and we will e-mail you if a place frees up.") in html

    response = act(second, session.id, "waitlist", htmx=True)
    assert response.status_code == 200
    waiting = translated(app, "sv", "You are on the waitlist. We will e-mail you if a place frees up.")
    assert waiting in page_text(response)
    assert status_of(app, session.id, user.id) is EnrolmentStatus.WAITLISTED
    assert seats_taken(app, session.id) == 1

    act(second, session.id, "cancel")
    assert status_of(app, session.id, user.id) is EnrolmentStatus.CANCELLED
    assert state_of(app, user.id, session.id) is EnrolmentState.WAITLIST


@pytest.mark.parametrize("htmx", [True, False])
def test_enrolling_on_a_session_that_has_just_filled_up_is_refused_with_the_reason(app, make_user, make_session,
                                                                                   htmx):
    session = make_session(seats=1)
    late, user = person(app, make_user, "late@example.org")
    late.get("/trainings")  # the page showed "Enrol" ...
    early, _ = person(app, make_user, "early@example.org")
    act(early, session.id, "enrol")  # ... but someone else took the last seat

    response = act(late, session.id, "enrol", htmx=htmx)
    assert response.status_code == 409
    html = page_text(response)
    assert html.lstrip().startswith("<article") is htmx
    assert translated(app, "sv", "That could not be done. This is how things stand now:") in html
    assert 'data-action="waitlist"' in html
    assert status_of(app, session.id, user.id) is None
    assert seats_taken(app, session.id) == 1


def test_actions_the_state_does_not_allow_are_refused(app, make_user, make_session):
    session = make_session(seats=2)
    client, user = person(app, make_user, "v@example.org")
    assert act(client, session.id, "cancel").status_code == 409, "nothing to cancel"
    assert act(client, session.id, "waitlist").status_code == 409, "not full"
    assert act(client, session.id, "confirm").status_code == 409, "no offer"
    act(client, session.id, "enrol")
    assert act(client, session.id, "enrol").status_code == 409, "already enrolled"
    assert seats_taken(app, session.id) == 1
    assert client.submit("/trainings/999999/enrol", page="/trainings").status_code == 404
    assert client.submit(f"/trainings/{session.id}/steal", page="/trainings").status_code == 404


def test_a_started_or_cancelled_session_is_closed(app, clock, make_user, make_session):
    soon = make_session(seats=5, starts_at=NOW + timedelta(hours=1))
    cancelled = make_session(title="Inställd", seats=5, cancelled_at=NOW)
    client, user = person(app, make_user, "v@example.org")
    act(client, soon.id, "enrol")
    assert state_of(app, user.id, cancelled.id) is EnrolmentState.CLOSED
    response = act(client, cancelled.id, "enrol", htmx=True)
    assert response.status_code == 409
    assert translated(app, "sv", "This session has been cancelled.") in page_text(response)

    clock.advance(hours=2)
    assert state_of(app, user.id, soon.id) is EnrolmentState.CLOSED
    response = act(client, soon.id, "cancel", htmx=True)
    assert response.status_code == 409
    assert translated(app, "sv", "This session has started, so enrolment is closed.") in page_text(response)
    assert "data-action" not in page_text(response)
    assert status_of(app, soon.id, user.id) is EnrolmentStatus.ENROLLED


def test_someone_who_already_holds_the_qualification_needs_no_seat(app, clock, make_user, make_session):
    session = make_session(seats=5)
    client, user = person(app, make_user, "v@example.org")
    with app.app_context():
        qualification = db.session.scalar(select(Qualification).where(Qualification.code == "intro_housing"))
        db.session.add(PersonQualification(user_id=user.id, qualification_id=qualification.id, granted_at=NOW,
                                           expires_at=NOW + timedelta(days=30)))
        db.session.commit()
    html = card(client.get("/trainings"), session.id)
    assert "data-action" not in html
    assert translated(app, "sv", "You already have this qualification, valid until %(date)s.",
                      date="31 oktober 2026") in html
    assert act(client, session.id, "enrol").status_code == 409
    assert state_of(app, user.id, session.id) is EnrolmentState.ALREADY_QUALIFIED

    clock.advance(days=31)
    later = make_session(seats=5, starts_at=clock.now + timedelta(days=2))
    assert state_of(app, user.id, later.id) is EnrolmentState.OPEN, "an expired qualification can be renewed"


def test_who_may_take_trainings(app, make_user, make_session):
    session = make_session()
    assert Client(app.test_client()).get("/trainings").status_code == 302, "sign in first"
    reason = translated(app, "sv", "You cannot take trainings while your account is paused or your application is "
                                   "declined.")
    for status in (Status.REJECTED, Status.INACTIVE):
        client, user = person(app, make_user, f"{status.value}@example.org", status=status)
        page = client.get("/trainings")
        assert page.status_code == 200 and reason in page_text(page), "the approval gate says why, as for shifts"
        assert act(client, session.id, "enrol").status_code == 409
        assert status_of(app, session.id, user.id) is None
    applicant, user = person(app, make_user, "applicant@example.org", status=Status.CONFIRMED)
    assert act(applicant, session.id, "enrol").status_code == 303, "the introduction often comes before the interview"
    assert status_of(app, session.id, user.id) is EnrolmentStatus.ENROLLED


def _full_session_with_queue(app, make_user, make_session, queue_locales=("ar", "sv")):
    """One seat, taken; people waiting in the given locales, in order."""
    session = make_session(seats=1, titles={"ar": "مقدمة عن سكن الإخلاء"})
    holder, _ = person(app, make_user, "holder@example.org")
    act(holder, session.id, "enrol")
    queue = []
    for index, locale in enumerate(queue_locales):
        client, user = person(app, make_user, f"queue{index}@example.org", locale=locale,
                              full_name=f"Köande {index}")
        act(client, session.id, "waitlist")
        queue.append((client, user))
    return session, holder, queue


def test_a_freed_place_is_held_for_the_first_in_the_queue_and_mailed_in_their_language(
        app, make_user, make_session, outbox):
    session, holder, [(first, first_user), (second, second_user)] = _full_session_with_queue(
        app, make_user, make_session)

    act(holder, session.id, "cancel")
    assert seats_taken(app, session.id) == 1, "the seat stays held for the offer"
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.OFFERED
    assert status_of(app, session.id, second_user.id) is EnrolmentStatus.WAITLISTED
    assert state_of(app, first_user.id, session.id) is EnrolmentState.OFFERED
    assert state_of(app, second_user.id, session.id) is EnrolmentState.WAITLISTED

    message = outbox.last()
    assert message["To"] == "queue0@example.org"
    assert message["Subject"] == translated(app, "ar", "A place on a training is held for you")
    text = outbox.text()
    assert translated(app, "ar", "Hello %(name)s,", name="Köande 0") in text
    assert "مقدمة عن سكن الإخلاء" in text, "the training's title in the recipient's language"
    # 24 hours from now (08:00 UTC is 10:00 in Stockholm), written the Arabic way.
    with app.test_request_context():
        from flask_babel import force_locale

        from volunteer.i18n.formats import when
        with force_locale("ar"):
            deadline = when(NOW + timedelta(hours=24))
    assert deadline in text
    assert outbox.link().startswith("/trainings/offers/")
    html = message.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and translated(app, "ar", "Confirm my place") in html


def test_an_offer_is_confirmed_with_one_press_from_the_email(app, clock, make_user, make_session, outbox):
    session, holder, [(first, first_user), _] = _full_session_with_queue(app, make_user, make_session)
    act(holder, session.id, "cancel")
    link = outbox.link()
    clock.advance(hours=23)

    anonymous = Client(app.test_client())
    page = anonymous.get(link)
    assert page.status_code == 200, "the link works without signing in (a GET changes nothing)"
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.OFFERED
    assert 'data-action="confirm"' in page_text(page)
    response = anonymous.submit(link)
    assert response.status_code == 303
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.ENROLLED
    assert translated(app, "ar", "You are enrolled. Welcome!") in page_text(anonymous.get(link)), "in her language"
    assert anonymous.submit(link).status_code == 409, "a second press changes nothing"
    assert seats_taken(app, session.id) == 1
    assert anonymous.get("/trainings/offers/not-a-token").status_code == 404


def test_an_offer_can_be_confirmed_or_declined_on_the_card(app, make_user, make_session, outbox):
    session, holder, [(first, first_user), (second, second_user)] = _full_session_with_queue(
        app, make_user, make_session)
    act(holder, session.id, "cancel")
    html = card(first.get("/trainings"), session.id)
    assert 'data-action="confirm"' in html and 'data-action="cancel"' in html

    act(first, session.id, "cancel")  # no thanks: the place goes on
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.CANCELLED
    assert status_of(app, session.id, second_user.id) is EnrolmentStatus.OFFERED
    assert outbox.last()["To"] == "queue1@example.org"
    response = act(second, session.id, "confirm", htmx=True)
    assert response.status_code == 200 and 'data-action="cancel"' in page_text(response)
    assert status_of(app, session.id, second_user.id) is EnrolmentStatus.ENROLLED
    assert seats_taken(app, session.id) == 1


def test_a_volunteer_made_inactive_while_waiting_cannot_confirm_the_offer(app, make_user, make_session, outbox):
    session, holder, [(first, first_user), _] = _full_session_with_queue(app, make_user, make_session)
    with app.app_context():
        db.session.get(User, first_user.id).status = Status.INACTIVE
        db.session.commit()
    act(holder, session.id, "cancel")
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.OFFERED
    assert state_of(app, first_user.id, session.id) is EnrolmentState.NEEDS_APPROVAL
    link = outbox.link()
    anonymous = Client(app.test_client())
    assert 'data-action="confirm"' not in page_text(anonymous.get(link))
    assert anonymous.submit(link).status_code == 409
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.OFFERED


def test_an_offer_not_confirmed_in_24_hours_passes_to_the_next_in_the_queue(
        app, clock, make_user, make_session, outbox):
    session, holder, [(first, first_user), (second, second_user)] = _full_session_with_queue(
        app, make_user, make_session)
    act(holder, session.id, "cancel")
    first_link = outbox.link()
    clock.advance(hours=24, minutes=1)

    assert state_of(app, first_user.id, session.id) is not EnrolmentState.OFFERED
    app.test_cli_runner().invoke(args=["process-waitlists"])  # cron passes lapsed offers on
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.CANCELLED
    assert status_of(app, session.id, second_user.id) is EnrolmentStatus.OFFERED
    assert outbox.last()["To"] == "queue1@example.org"
    assert outbox.last()["Subject"] == translated(app, "sv", "A place on a training is held for you")
    assert Client(app.test_client()).submit(first_link).status_code == 409, "the old offer is gone"
    assert seats_taken(app, session.id) == 1

    clock.advance(hours=25)
    app.test_cli_runner().invoke(args=["process-waitlists"])
    assert status_of(app, session.id, second_user.id) is EnrolmentStatus.CANCELLED
    assert seats_taken(app, session.id) == 0, "nobody left in the queue: the seat is free"
    assert state_of(app, first_user.id, session.id) is EnrolmentState.OPEN
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "training_offer_expired")) == 2


def test_looking_at_trainings_passes_no_offer_on_as_for_shifts(app, clock, make_user, make_session, outbox):
    """A GET changes nothing and sends nothing: lapsed offers go on when someone acts on a place or an offer,
    or when cron runs; the rules never treat a lapsed offer as live meanwhile."""
    session, holder, [(first, first_user), (second, second_user)] = _full_session_with_queue(
        app, make_user, make_session)
    act(holder, session.id, "cancel")
    sent = len(outbox.messages())
    clock.advance(hours=24, minutes=1)
    for page in ("/trainings", "/trainings/mine"):
        assert second.get(page).status_code == 200
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.OFFERED
    assert state_of(app, first_user.id, session.id) is not EnrolmentState.OFFERED
    assert len(outbox.messages()) == sent
    act(second, session.id, "cancel")  # any action on a place passes the lapsed offer on first
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.CANCELLED


def test_an_offer_never_outlasts_the_start_of_the_session(app, make_user, make_session, outbox):
    session = make_session(seats=1, starts_at=NOW + timedelta(hours=5))
    holder, _ = person(app, make_user, "holder@example.org")
    act(holder, session.id, "enrol")
    waiting, user = person(app, make_user, "w@example.org")
    act(waiting, session.id, "waitlist")
    act(holder, session.id, "cancel")
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
        assert enrolment.offer_expires_at == NOW + timedelta(hours=5)


def test_process_waitlists_command_handles_lapsed_offers(app, clock, make_user, make_session, outbox):
    session, holder, [(first, first_user), (second, second_user)] = _full_session_with_queue(
        app, make_user, make_session)
    act(holder, session.id, "cancel")
    clock.advance(hours=25)
    result = app.test_cli_runner().invoke(args=["process-waitlists"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    assert status_of(app, session.id, second_user.id) is EnrolmentStatus.OFFERED
    assert outbox.last()["To"] == "queue1@example.org"
    assert outbox.link().startswith("/trainings/offers/")
    result = app.test_cli_runner().invoke(args=["process-waitlists"])
    assert result.exit_code == 0 and "0" in result.output, "running it again changes nothing"


def _race(app, clients, action, session_id):
    """Every client posts at the same moment; the statuses they got back."""
    tokens = [client.csrf_token("/trainings") for client in clients]
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(index):
        barrier.wait()
        results[index] = clients[index].post(f"/trainings/{session_id}/{action}",
                                             data={"csrf_token": tokens[index]}).status_code

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_enrolments_never_exceed_the_seats(app, make_user, make_session):
    session = make_session(seats=3)
    clients = [person(app, make_user, f"p{index}@example.org")[0] for index in range(12)]
    results = _race(app, clients, "enrol", session.id)
    assert sorted(results) == [303] * 3 + [409] * 9
    assert seats_taken(app, session.id) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            Enrolment.session_id == session.id, Enrolment.status == EnrolmentStatus.ENROLLED)) == 3


def test_a_double_tap_enrols_once(app, make_user, make_session):
    session = make_session(seats=5)
    user = make_user("v@example.org")
    clients = []
    for _ in range(8):
        client = Client(app.test_client())
        client.sign_in_as(user)
        clients.append(client)
    results = _race(app, clients, "enrol", session.id)
    assert results.count(303) == 1 and results.count(409) == 7
    assert seats_taken(app, session.id) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Enrolment.session_id == session.id)) == 1


def test_my_trainings_show_coming_sessions_and_qualifications_with_what_they_open(app, clock, make_user,
                                                                                   make_session):
    coming = make_session(seats=5)
    done = make_session(title="Psykologisk första hjälp", qualification="psychological_first_aid",
                        starts_at=NOW - timedelta(days=40))
    client, user = person(app, make_user, "v@example.org")
    act(client, coming.id, "enrol")
    from volunteer.models import Shift, Site, Task
    with app.app_context():
        qualification = db.session.scalar(select(Qualification).where(Qualification.code == "psychological_first_aid"))
        qualification.names = {"sv": "Psykologisk första hjälp", "en": "Psychological first aid",
                               "ar": "الإسعافات الأولية النفسية", "fa": "کمک‌های اولیه روانی"}
        db.session.add(Enrolment(session_id=done.id, user_id=user.id, status=EnrolmentStatus.ATTENDED))
        db.session.add(PersonQualification(user_id=user.id, qualification_id=qualification.id,
                                           granted_at=NOW - timedelta(days=40), session_id=done.id,
                                           expires_at=datetime(2029, 8, 22, 16, tzinfo=timezone.utc)))
        site = Site(name="Boendet Sjöudden", kind="evacuation_housing", address="Väg 1",
                    organisation_id=db.session.get(TrainingSession, done.id).training.organisation_id)
        task = Task(code="support", names={"sv": "Stödsamtal", "en": "Support conversations", "ar": "محادثات الدعم"})
        db.session.add(Shift(site=site, task=task, starts_at=NOW + timedelta(days=2),
                             ends_at=NOW + timedelta(days=2, hours=3), places=2, required_qualification=qualification))
        db.session.commit()

    html = page_text(client.get("/trainings/mine"))
    assert "Psykologisk första hjälp" in html
    assert translated(app, "sv", "Valid until %(date)s.", date="22 augusti 2029") in html
    assert translated(app, "sv", "%(task)s at %(site)s", task="Stödsamtal", site="<bdi>Boendet Sjöudden</bdi>") in html
    assert f'id="session-{coming.id}"' in html and 'data-action="cancel"' in html
    assert translated(app, "sv", "Trainings you attended") in html

    client.post("/language", data={"locale": "ar", "csrf_token": client.csrf_token()})
    html = page_text(client.get("/trainings/mine"))
    assert "الإسعافات الأولية النفسية" in html and "محادثات الدعم" in html


def test_my_page_links_to_trainings(app, make_user):
    client, _ = person(app, make_user, "v@example.org")
    html = page_text(client.get("/me"))
    assert 'href="/trainings"' in html and 'href="/trainings/mine"' in html


def test_the_data_download_includes_trainings_and_qualifications(app, make_user, make_session):
    session = make_session(seats=5)
    client, user = person(app, make_user, "v@example.org")
    act(client, session.id, "enrol")
    data = json.loads(client.get("/me/export").data)
    [training] = data["trainings"]
    assert {key: training[key] for key in ("training", "status", "starts_at")} == {
        "training": "Introduktion till evakueringsboende", "status": "enrolled",
        "starts_at": session.starts_at.isoformat()}
    assert data["qualifications"] == []


def test_deleting_an_account_gives_its_seat_to_the_waitlist(app, make_user, make_session, outbox):
    session, holder, [(first, first_user), _] = _full_session_with_queue(app, make_user, make_session)
    holder.submit("/me/delete", page="/me/delete")
    assert status_of(app, session.id, first_user.id) is EnrolmentStatus.OFFERED
    assert "queue0@example.org" in [message["To"] for message in outbox.messages()]
    assert outbox.last()["To"] == "holder@example.org", "the last e-mail: the account is deleted"
    assert seats_taken(app, session.id) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Enrolment.session_id == session.id)) == 2


def _two_sessions(make_session, **fields):
    """Two sessions of the same training, a week apart: Thursday 8 and 15 October, 18:00 in Stockholm."""
    return (make_session(starts_at=datetime(2026, 10, 8, 16, tzinfo=timezone.utc), **fields),
            make_session(starts_at=datetime(2026, 10, 15, 16, tzinfo=timezone.utc), **fields))


def _on(app, session, locale="sv"):
    """A session's day and times as a card names it."""
    with app.test_request_context():
        from flask_babel import force_locale

        from volunteer.i18n.formats import span
        with force_locale(locale):
            return span(session.starts_at, session.ends_at)


def test_a_person_holds_one_session_of_a_training_and_may_move_to_another(app, make_user, make_session, outbox):
    first, second = _two_sessions(make_session, seats=1)
    client, user = person(app, make_user, "v@example.org")
    assert act(client, first.id, "enrol").status_code == 303
    waiting, waiting_user = person(app, make_user, "w@example.org", locale="en")
    act(waiting, first.id, "waitlist")

    html = card(client.get("/trainings"), second.id)
    reason = translated(app, "sv", "You already have a place on this training on %(when)s. Move to this session "
                        "instead?", when=_on(app, first))
    assert reason in html and "tors 8 okt." in reason
    assert 'data-action="move"' in html and 'data-action="enrol"' not in html
    assert translated(app, "sv", "Move to this session") in html
    for action in ("enrol", "waitlist"):
        response = act(client, second.id, action)
        assert response.status_code == 409 and reason in page_text(response), "the POST is refused with the reason"
    assert status_of(app, second.id, user.id) is None

    response = act(client, second.id, "move", htmx=True)
    assert response.status_code == 200
    assert translated(app, "sv", "You are enrolled. Welcome!") in page_text(response)
    assert status_of(app, second.id, user.id) is EnrolmentStatus.ENROLLED
    assert status_of(app, first.id, user.id) is EnrolmentStatus.CANCELLED
    assert status_of(app, first.id, waiting_user.id) is EnrolmentStatus.OFFERED, "the freed seat goes to the queue"
    assert outbox.last()["To"] == "w@example.org"
    assert (seats_taken(app, first.id), seats_taken(app, second.id)) == (1, 1)
    html = card(client.get("/trainings"), first.id)
    assert 'data-action="move"' not in html and 'data-action="waitlist"' not in html, "the first is full now"
    assert translated(app, "sv", "You already have a place on this training on %(when)s.",
                      when=_on(app, second)) in html


def test_someone_on_the_waitlist_of_one_session_may_move_to_a_free_one(app, make_user, make_session):
    first, second = _two_sessions(make_session, seats=1)
    holder, _ = person(app, make_user, "holder@example.org")
    act(holder, first.id, "enrol")
    client, user = person(app, make_user, "v@example.org")
    act(client, first.id, "waitlist")

    html = card(client.get("/trainings"), second.id)
    assert translated(app, "sv", "You are on the waitlist for this training on %(when)s. Move to this session "
                      "instead?", when=_on(app, first)) in html
    assert act(client, second.id, "enrol").status_code == 409
    assert act(client, second.id, "move").status_code == 303
    assert status_of(app, second.id, user.id) is EnrolmentStatus.ENROLLED
    assert status_of(app, first.id, user.id) is EnrolmentStatus.CANCELLED
    assert (seats_taken(app, first.id), seats_taken(app, second.id)) == (1, 1)


def test_a_repeatable_training_may_be_taken_on_several_sessions(app, make_user, make_session):
    first, second = _two_sessions(make_session)
    other = make_session(title="Stödsamtal", qualification="support")
    with app.app_context():
        db.session.get(TrainingSession, first.id).training.repeatable = True
        db.session.commit()
    client, user = person(app, make_user, "v@example.org")
    assert [act(client, each.id, "enrol").status_code for each in (first, second, other)] == [303] * 3
    assert act(client, second.id, "move").status_code == 409, "nothing to move from"
    assert state_of(app, user.id, second.id) is EnrolmentState.ENROLLED


def test_an_offer_on_another_session_says_so_and_offers_the_move(app, make_user, make_session, outbox):
    first, second = _two_sessions(make_session, seats=1)
    with app.app_context():
        db.session.get(TrainingSession, first.id).training.repeatable = True
        db.session.commit()
    holder, _ = person(app, make_user, "holder@example.org")
    act(holder, second.id, "enrol")
    client, user = person(app, make_user, "v@example.org")
    act(client, first.id, "enrol")
    act(client, second.id, "waitlist")
    with app.app_context():  # the coordinator changes their mind
        db.session.get(TrainingSession, first.id).training.repeatable = False
        db.session.commit()
    act(holder, second.id, "cancel")
    assert status_of(app, second.id, user.id) is EnrolmentStatus.OFFERED
    assert state_of(app, user.id, second.id) is EnrolmentState.OTHER_SESSION
    html = card(client.get("/trainings"), second.id)
    assert 'data-action="move"' in html and 'data-action="cancel"' in html and 'data-action="confirm"' not in html

    link = outbox.link()
    anonymous = Client(app.test_client())
    page = page_text(anonymous.get(link))
    assert translated(app, "sv", "You already have a place on this training on %(when)s. Move to this session "
                      "instead?", when=_on(app, first)) in page
    assert 'data-action="move"' in page and 'data-action="confirm"' not in page
    assert anonymous.submit(link).status_code == 409, "confirming it alone would hold two sessions"
    assert anonymous.submit(link, {"action": "cancel"}).status_code == 409, "giving it on is the card's"
    assert status_of(app, second.id, user.id) is EnrolmentStatus.OFFERED
    assert anonymous.submit(link, {"action": "move"}).status_code == 303
    assert status_of(app, second.id, user.id) is EnrolmentStatus.ENROLLED
    assert status_of(app, first.id, user.id) is EnrolmentStatus.CANCELLED
    assert (seats_taken(app, first.id), seats_taken(app, second.id)) == (0, 1)


def test_enrolling_sends_a_confirmation_with_a_calendar_file(app, make_user, make_session, outbox):
    """As a booked shift's: in the person's language, with the session as an event."""
    from icalendar import Calendar

    from .helpers import signed_in, translated

    session = make_session(place="Biblioteket, Testby")
    client = signed_in(app, make_user("ar@example.org", locale="ar", full_name="Samira"))
    assert client.submit(f"/trainings/{session.id}/enrol", page="/trainings").status_code == 303
    message = outbox.last()
    assert message["To"] == "ar@example.org"
    assert message["Subject"] == translated(app, "ar", "You are enrolled on a training")
    assert "Introduktion till evakueringsboende" in outbox.text(message)
    ics, = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at and str(event["location"]) == "Biblioteket, Testby"
