""""I can't come": a volunteer hands a booked place over. The place is freed through the cancel path (the waitlist is
offered it first); with nobody waiting, a call-out goes out by itself to volunteers who could come (the call-outs'
selection, cap and quiet hours); My shifts shows whether someone took it; late, the coordinators are told at once;
handing the same booking over twice is refused with 409."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Booking, BookingStatus, CallOut, CallOutRecipient, Handover, Status

from .helpers import page_text, person, put_on

# Tuesday 20 October 2026, 10:00 in Stockholm.
NOW = datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc)


def hand_over(client, shift_id, page="/shifts/mine", htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.submit(f"/shifts/{shift_id}/hand_over", {"next": page}, page=page, headers=headers)


def status_of(app, shift_id, user_id):
    with app.app_context():
        return db.session.scalar(select(Booking.status).where(Booking.shift_id == shift_id,
                                                              Booking.user_id == user_id))


def handovers(app):
    with app.app_context():
        rows = db.session.scalars(select(Handover).order_by(Handover.id)).all()
        db.session.expunge_all()
        return rows


def mine(client) -> str:
    return page_text(client.get("/shifts/mine"))


def handed_over_section(client) -> str:
    html = mine(client)
    assert 'id="handed-over"' in html, "no hand-over section on My shifts"
    return html.split('id="handed-over"')[1].split("</section>")[0]


@pytest.fixture
def booked(app, make_user, make_shift):
    """Vera, booked on a shift in five days with one place (so it is full)."""
    client, vera = person(app, make_user, "vera@example.org", full_name="Vera Volontär", phone="+46701112233")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    put_on(app, shift, vera)
    return client, vera, shift


def test_the_booked_card_offers_i_cant_come_with_a_confirmation_that_works_without_scripts(app, booked):
    client, vera, shift = booked
    page = client.get("/shifts/mine")
    assert "I can't come" in page_text(page)
    assert f'action="/shifts/{shift.id}/hand-over"' in page.get_data(as_text=True)
    asked = client.get(f"/shifts/{shift.id}/hand-over?next=/shifts/mine")
    assert asked.status_code == 200 and "Hand your place over?" in page_text(asked)
    assert f'action="/shifts/{shift.id}/hand_over"' in asked.get_data(as_text=True)
    assert "No, keep my booking" in page_text(asked)
    partial = client.get(f"/shifts/{shift.id}/hand-over", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.get_data(as_text=True)
    assert status_of(app, shift.id, vera.id) is BookingStatus.BOOKED, "asking changes nothing"


def test_the_waitlist_is_offered_the_place_first_and_nobody_is_called_out(app, booked, make_user, outbox):
    client, vera, shift = booked
    _, wilma = person(app, make_user, "wilma@example.org", full_name="Wilma Väntar")
    person(app, make_user, "anna@example.org", full_name="Anna Annan")  # could come, but is not asked
    put_on(app, shift, wilma, status=BookingStatus.WAITLISTED, waitlisted_at=NOW - timedelta(days=1))
    response = hand_over(client, shift.id)
    assert response.status_code == 303
    assert status_of(app, shift.id, vera.id) is BookingStatus.CANCELLED
    assert status_of(app, shift.id, wilma.id) is BookingStatus.OFFERED
    handover, = handovers(app)
    assert handover.offered == 1 and handover.call_out_id is None and handover.taken_at is None
    assert "anna@example.org" not in {m["To"] for m in outbox.messages()}
    section = handed_over_section(client)
    assert "Not taken yet" in section and "Offered to the next person on the waitlist" in section


def test_with_nobody_waiting_a_call_out_goes_out_by_itself(app, booked, make_user, make_organisation, outbox):
    client, vera, shift = booked
    _, anna = person(app, make_user, "anna@example.org", full_name="Anna Annan")
    person(app, make_user, "applicant@example.org", status=Status.CONFIRMED)
    _, elsa = person(app, make_user, "elsa@example.org", full_name="Elsa Annanstad")
    other = make_organisation("Röda Korset Annanstad", kind="red_cross")
    with app.app_context():
        from volunteer.models import Organisation, User
        db.session.get(User, elsa.id).preferred_organisations = [db.session.get(Organisation, other.id)]
        db.session.commit()
    assert hand_over(client, shift.id).status_code == 303
    handover, = handovers(app)
    assert handover.offered == 0 and handover.call_out_id is not None
    with app.app_context():
        call_out = db.session.get(CallOut, handover.call_out_id)
        assert call_out.sent_by_id is None, "no coordinator sent it: the site did, for Vera"
        asked = db.session.scalars(select(CallOutRecipient.user_id)).all()
        assert asked == [anna.id], "not Vera herself, not an applicant, not outside the organisation's need-to-know"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "call_out_sent")).one()
        assert event.actor_id == vera.id and event.details["handover"] is True
        cancelled = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "shift_cancelled_by_person")).one()
        assert cancelled.details["handed_over"] is True
    assert "anna@example.org" in {m["To"] for m in outbox.messages()}
    assert "Volunteers who could come have been asked" in handed_over_section(client)


def test_the_call_out_keeps_the_quiet_hours(make_app, clock, make_user, make_shift):
    app = make_app(CLOCK=clock, CALLOUT_QUIET_HOURS=6)
    client, vera = person(app, make_user, "vera@example.org")
    first, second = make_shift(places=1, starts_at=NOW + timedelta(days=5)), make_shift(
        places=1, site="Boende Granne", starts_at=NOW + timedelta(days=6))
    put_on(app, first, vera)
    put_on(app, second, vera)
    person(app, make_user, "anna@example.org")
    assert hand_over(client, first.id).status_code == 303
    assert hand_over(client, second.id).status_code == 303
    one, two = handovers(app)
    assert one.call_out_id is not None and two.call_out_id is None, "Anna was asked an hour ago: left alone"
    section = handed_over_section(client)
    assert "Nobody could be asked just now" in section


def test_someone_booking_through_the_call_out_shows_as_taken_over(app, booked, make_user, outbox):
    client, vera, shift = booked
    anna_client, anna = person(app, make_user, "anna@example.org", full_name="Anna Annan")
    assert hand_over(client, shift.id).status_code == 303
    link = outbox.link(next(m for m in outbox.messages() if m["To"] == "anna@example.org"))
    assert anna_client.get(link).status_code == 200
    assert anna_client.submit(link, {}, page=link).status_code == 303
    assert status_of(app, shift.id, anna.id) is BookingStatus.BOOKED
    handover, = handovers(app)
    assert handover.taken_at is not None
    section = handed_over_section(client)
    assert "Taken over" in section and "Someone has taken your place" in section
    assert "Anna" not in section, "who took it is not shown"


def test_the_offer_confirmed_from_the_waitlist_shows_as_taken_over(app, booked, make_user, outbox):
    client, vera, shift = booked
    wilma_client, wilma = person(app, make_user, "wilma@example.org")
    put_on(app, shift, wilma, status=BookingStatus.WAITLISTED, waitlisted_at=NOW - timedelta(days=1))
    hand_over(client, shift.id)
    assert wilma_client.submit(f"/shifts/{shift.id}/confirm", {"next": "/shifts/mine"},
                               page="/shifts/mine").status_code == 303
    assert "Taken over" in handed_over_section(client)


def test_handing_over_after_the_cut_off_tells_the_coordinators_at_once(app, clock, make_user, make_shift,
                                                                        coordinator, outbox):
    client, vera = person(app, make_user, "vera@example.org", full_name="Vera Volontär", phone="+46701112233")
    shift = make_shift(places=1, starts_at=NOW + timedelta(hours=18))
    put_on(app, shift, vera)
    assert hand_over(client, shift.id).status_code == 303
    late = [m for m in outbox.messages() if m["To"] == "coord@example.org"]
    assert len(late) == 1 and "070-111 22 33" in outbox.text(late[0])
    handover, = handovers(app)
    assert handover.late is True


def test_handing_over_early_does_not_bother_the_coordinators(app, booked, coordinator, outbox):
    client, vera, shift = booked
    hand_over(client, shift.id)
    assert "coord@example.org" not in {m["To"] for m in outbox.messages()}


def test_a_second_hand_over_of_the_same_booking_is_refused_with_409(app, booked):
    client, vera, shift = booked
    assert hand_over(client, shift.id).status_code == 303
    again = hand_over(client, shift.id)
    assert again.status_code == 409
    assert "You have already handed this shift over" in page_text(again)
    partial = hand_over(client, shift.id, htmx=True)
    assert partial.status_code == 409 and "You have already handed this shift over" in page_text(partial)
    asked = client.get(f"/shifts/{shift.id}/hand-over")
    assert asked.status_code == 409 and "You have already handed this shift over" in page_text(asked)
    assert len(handovers(app)) == 1


def test_only_a_booked_place_can_be_handed_over(app, make_user, make_shift):
    client, vera = person(app, make_user, "vera@example.org")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    assert hand_over(client, shift.id).status_code == 409
    put_on(app, shift, vera, status=BookingStatus.WAITLISTED, waitlisted_at=NOW)
    assert hand_over(client, shift.id).status_code == 409
    assert client.get(f"/shifts/{shift.id}/hand-over").status_code == 409
    assert handovers(app) == []


def test_a_plain_cancellation_is_not_shown_as_a_hand_over(app, booked):
    client, vera, shift = booked
    assert client.submit(f"/shifts/{shift.id}/cancel", {"next": "/shifts/mine"}, page="/shifts/mine").status_code == 303
    assert 'id="handed-over"' not in mine(client)


def test_the_hand_over_is_shown_until_the_shift_starts(app, clock, booked):
    client, vera, shift = booked
    hand_over(client, shift.id)
    assert 'id="handed-over"' in mine(client)
    clock.advance(days=5, minutes=1)
    assert 'id="handed-over"' not in mine(client)


@pytest.mark.parametrize("locale", ["sv", "fa"])
def test_the_hand_over_speaks_the_persons_language(app, make_user, make_shift, locale):
    from .helpers import html_root, translated
    client, vera = person(app, make_user, "vera@example.org", locale=locale)
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    put_on(app, shift, vera)
    assert translated(app, locale, "I can't come") in mine(client)
    response = client.get(f"/shifts/{shift.id}/hand-over")
    assert translated(app, locale, "Hand your place over?") in page_text(response)
    assert html_root(response) == (locale, "rtl" if locale == "fa" else "ltr")
    hand_over(client, shift.id)
    assert translated(app, locale, "Shifts you handed over") in mine(client)


def test_the_hand_over_is_in_the_persons_data_export(app, booked, make_user):
    client, vera, shift = booked
    person(app, make_user, "anna@example.org")
    hand_over(client, shift.id)
    handover, = client.get("/me/export").get_json()["handovers"]
    assert handover["asked_by_call_out"] == 1 and handover["offered_to_waitlist"] == 0
    assert handover["taken_at"] is None and handover["late"] is False
