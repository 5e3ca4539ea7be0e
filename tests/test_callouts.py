"""Call-outs: a coordinator asks the volunteers who could book a shift to fill its free places (chosen by the booking
rules, speakers of a missing language first, nobody asked twice within the quiet hours, capped), each gets a link of
their own that books only when they press its button, and the roster shows who was asked, opened and booked."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import (AuditEvent, Booking, BookingStatus, CallOut, CallOutRecipient, RecordCheck, RecordKind,
                              Role, Shift, Status)

from .helpers import grant, page_text, put_on, signed_in, statements_of, translated

# Monday 5 October 2026, 10:00 in Stockholm.
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def open_app(make_app, clock):
    return make_app(CLOCK=clock, WTF_CSRF_ENABLED=False)


@pytest.fixture
def boss(make_user, frg):
    """A coordinator of FRG Testby (make_shift's organisation), reading in English."""
    return make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED,
                     role=Role.COORDINATOR, coordinates=[frg], locale="en")


def volunteer(make_user, email, name, languages=("sv",), **fields):
    fields.setdefault("locale", "en")
    return make_user(email, full_name=name, status=Status.APPROVED, languages=languages, **fields)


def url(shift) -> str:
    return f"/coordinator/messages/call-outs/shifts/{shift.id}"


def asked_names(response) -> list[str]:
    """The names the call-out page lists, in its order."""
    section = page_text(response).split('id="call-out-people"')[1].split("</section>")[0]
    return [re.sub(r"<[^>]+>", "", name).strip() for name in re.findall(r'<bdi dir="auto">(.*?)</bdi>', section)]


def previewed(response) -> str:
    return response.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]


def send(client, shift):
    """Open the call-out page and send what it shows, as its button does."""
    page = client.get(url(shift))
    assert page.status_code == 200, page_text(page)
    return client.post(url(shift), data={"previewed": previewed(page), "send": "Ask"})


def recipients(app, shift) -> list[CallOutRecipient]:
    with app.app_context():
        rows = db.session.scalars(select(CallOutRecipient).join(CallOut).where(CallOut.shift_id == shift.id)
                                  .order_by(CallOutRecipient.id)).all()
        db.session.expunge_all()
        return rows


def link_of(outbox, address: str) -> str:
    message = next(m for m in outbox.messages() if m["To"] == address)
    return outbox.link(message)


def test_only_those_who_could_book_are_asked_and_speakers_of_a_missing_language_first(
        open_app, boss, make_user, make_shift, make_organisation):
    shift = make_shift(places=3, languages=("ar", "ti"), requires_record_check=True, qualification="intro_housing")
    coming = volunteer(make_user, "coming@example.org", "Cecilia Kommer", languages=("ar",))
    put_on(open_app, shift, coming)
    fine = [volunteer(make_user, f"{name.lower()}@example.org", name, languages=languages)
            for name, languages in (("Anna", ("sv",)), ("Berit", ("ar",)), ("Tesfay", ("ti",)))]
    unqualified = volunteer(make_user, "unqualified@example.org", "Ulla Utan")
    no_extract = volunteer(make_user, "noextract@example.org", "Nora Utdrag")
    lapsed = volunteer(make_user, "lapsed@example.org", "Lars Gammal")
    busy = volunteer(make_user, "busy@example.org", "Bo Upptagen")
    waiting = volunteer(make_user, "waiting@example.org", "Wera Väntar")
    applicant = make_user("applicant@example.org", full_name="Ali Sökande", status=Status.CONFIRMED)
    make_organisation("Röda Korset Annanstad", kind="red_cross")
    elsewhere = volunteer(make_user, "elsewhere@example.org", "Elsa Annanstad")
    with open_app.app_context():
        from volunteer.models import Organisation, User
        db.session.get(User, elsewhere.id).preferred_organisations = [db.session.scalar(
            select(Organisation).where(Organisation.name == "Röda Korset Annanstad"))]
        for person in (*fine, coming, unqualified, lapsed, busy, waiting):
            db.session.add(RecordCheck(user_id=person.id, kind=RecordKind.CHILDREN_OTHER, seen_on=date(2026, 9, 1),
                                       valid_until=date(2027, 9, 1) if person is not lapsed else date(2026, 10, 6)))
        db.session.commit()
    for person in (*fine, coming, no_extract, lapsed, busy, waiting, elsewhere, applicant):
        grant(open_app, person)
    other = make_shift(site="Boende Granne", starts_at=shift.starts_at + timedelta(hours=1))
    put_on(open_app, other, busy)
    put_on(open_app, shift, waiting, status=BookingStatus.WAITLISTED, waitlisted_at=NOW)
    assert local_ends_after_lapse(shift)

    page = signed_in(open_app, boss).get(url(shift))
    assert page.status_code == 200
    # Berit speaks Arabic, but Cecilia coming speaks it already: only Tigrinya is missing.
    assert asked_names(page) == ["Tesfay", "Anna", "Berit"]
    assert 'data-count="3"' in page.get_data(as_text=True)
    assert "Tigrinya" in page_text(page) and "Speaks a missing language" in page_text(page)


def local_ends_after_lapse(shift) -> bool:
    """The shift ends after the lapsed extract's last day (6 October), so the extract does not count then."""
    return shift.ends_at > datetime(2026, 10, 6, 22, 0, tzinfo=timezone.utc)


def test_sending_asks_each_in_their_language_with_a_link_and_is_audited(open_app, boss, make_user, make_shift, outbox):
    shift = make_shift(places=2)
    anna = volunteer(make_user, "anna@example.org", "Anna", locale="sv")
    berit = volunteer(make_user, "berit@example.org", "Berit", locale="ar")
    response = send(signed_in(open_app, boss), shift)
    assert response.status_code == 303 and response.location.endswith(f"/coordinator/shifts/{shift.id}/roster")
    assert [row.user_id for row in recipients(open_app, shift)] == [anna.id, berit.id]
    messages = {m["To"]: m for m in outbox.messages()}
    assert messages["anna@example.org"]["Subject"] == translated(open_app, "sv", "Can you help on a shift?")
    assert messages["berit@example.org"]["Subject"] == translated(open_app, "ar", "Can you help on a shift?")
    assert "/shifts/call-outs/" in outbox.text(messages["anna@example.org"])
    assert outbox.link(messages["anna@example.org"]) != outbox.link(messages["berit@example.org"])
    with open_app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "call_out_sent")).one()
        assert event.actor_id == boss.id and event.details == {"shift_id": shift.id, "asked": 2, "speakers": 0}
        assert db.session.scalar(select(CallOut.asked)) == 2


def test_nobody_is_asked_twice_within_the_quiet_hours(make_app, clock, boss, make_user, make_shift):
    app = make_app(CLOCK=clock, WTF_CSRF_ENABLED=False, CALLOUT_QUIET_HOURS=6)
    first, second = make_shift(places=2), make_shift(places=2, site="Boende Granne")
    volunteer(make_user, "anna@example.org", "Anna")
    client = signed_in(app, boss)
    assert send(client, first).status_code == 303
    again = client.get(url(second))
    assert "Nobody you may ask could book this shift now" in page_text(again)
    assert "1 volunteer was asked lately and is left alone." in page_text(again)
    assert client.post(url(second), data={"previewed": "1", "send": "Ask"}).status_code == 409
    clock.advance(hours=7)
    assert asked_names(client.get(url(second))) == ["Anna"]


def test_a_call_out_asks_at_most_the_cap_those_asked_least_lately_first(make_app, clock, boss, make_user, make_shift):
    app = make_app(CLOCK=clock, WTF_CSRF_ENABLED=False, CALLOUT_MAX=2, CALLOUT_QUIET_HOURS=1)
    shift = make_shift(places=3)
    for name in ("Anna", "Berit", "Cilla"):
        volunteer(make_user, f"{name.lower()}@example.org", name)
    client = signed_in(app, boss)
    page = client.get(url(shift))
    assert asked_names(page) == ["Anna", "Berit"] and "3 could book it" in page_text(page)
    assert send(client, shift).status_code == 303
    clock.advance(hours=2)
    assert asked_names(client.get(url(shift))) == ["Cilla", "Anna"], "not asked yet comes first"


def test_the_number_is_shown_before_sending_and_a_changed_number_is_shown_again(open_app, boss, make_user,
                                                                                make_shift):
    shift = make_shift(places=2)
    volunteer(make_user, "anna@example.org", "Anna")
    client = signed_in(open_app, boss)
    assert "1 volunteer will be asked." in page_text(client.get(url(shift)))
    volunteer(make_user, "berit@example.org", "Berit")
    changed = client.post(url(shift), data={"previewed": "1", "send": "Ask"})
    assert changed.status_code == 409 and "changed since the page showed it" in page_text(changed)
    assert recipients(open_app, shift) == []
    assert client.post(url(shift), data={"previewed": previewed(changed), "send": "Ask"}).status_code == 303
    assert len(recipients(open_app, shift)) == 2


def test_a_full_started_or_cancelled_shift_has_nobody_to_ask(open_app, boss, make_user, make_shift):
    volunteer(make_user, "anna@example.org", "Anna")
    full = make_shift(places=1)
    put_on(open_app, full, volunteer(make_user, "bo@example.org", "Bo"))
    cancelled = make_shift(cancelled_at=NOW)
    started = make_shift(starts_at=NOW - timedelta(hours=1))
    client = signed_in(open_app, boss)
    for shift, reason in ((full, "no free places"), (cancelled, "cancelled"), (started, "has started")):
        page = client.get(url(shift))
        assert reason in page_text(page) and 'name="send"' not in page.get_data(as_text=True)
        assert client.post(url(shift), data={"previewed": "1", "send": "Ask"}).status_code == 409
    assert f"/call-outs/shifts/{full.id}" not in client.get(f"/coordinator/shifts/{full.id}/roster").get_data(
        as_text=True)


def test_a_form_without_its_token_is_refused(make_app, clock, boss, make_user, make_shift):
    app = make_app(CLOCK=clock)
    shift = make_shift()
    volunteer(make_user, "anna@example.org", "Anna")
    assert signed_in(app, boss).post(url(shift), data={"previewed": "1"}).status_code in (400, 422)
    assert recipients(app, shift) == []


def test_opening_the_link_books_nothing_and_its_button_books(open_app, boss, make_user, make_shift, outbox):
    shift = make_shift(places=2)
    anna = volunteer(make_user, "anna@example.org", "Anna", locale="sv")
    send(signed_in(open_app, boss), shift)
    link = link_of(outbox, "anna@example.org")
    visitor = open_app.test_client()  # a mail app's browser, signed in as nobody
    page = visitor.get(link)
    assert page.status_code == 200 and 'data-action="book"' in page.get_data(as_text=True)
    assert '<html lang="sv"' in page.get_data(as_text=True)
    with open_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    row, = recipients(open_app, shift)
    assert row.opened_at == NOW and row.booked_at is None
    booked = visitor.post(link)
    assert booked.status_code == 303 and booked.location.endswith(link)
    with open_app.app_context():
        booking = db.session.scalar(select(Booking).where(Booking.user_id == anna.id))
        assert booking.status is BookingStatus.BOOKED and db.session.get(Shift, shift.id).places_taken == 1
    assert recipients(open_app, shift)[0].booked_at == NOW
    again = visitor.get(link)
    assert 'data-action="book"' not in again.get_data(as_text=True)
    assert translated(open_app, "sv", "You are booked. Thank you!") in page_text(again)
    assert visitor.post(link).status_code == 409
    roster = page_text(signed_in(open_app, boss).get(f"/coordinator/shifts/{shift.id}/roster"))
    asked = roster.split('id="asked"')[1].split("</section>")[0]
    assert "Anna" in asked and 'data-opened="1"' in asked and 'data-booked="1"' in asked
    assert "Cora Koordinator" in asked


def test_a_link_to_a_shift_filled_meanwhile_says_so_and_books_nothing(open_app, boss, make_user, make_shift, outbox):
    shift = make_shift(places=1)
    volunteer(make_user, "anna@example.org", "Anna")
    bo = volunteer(make_user, "bo@example.org", "Bo")
    client = signed_in(open_app, boss)
    send(client, shift)
    link = link_of(outbox, "anna@example.org")
    quick = signed_in(open_app, bo)
    assert quick.post(f"/shifts/{shift.id}/book").status_code == 303  # Bo books from the shifts page first
    refused = open_app.test_client().post(link)
    assert refused.status_code == 409 and "have been taken" in page_text(refused)
    page = open_app.test_client().get(link)
    assert "have been taken" in page_text(page) and 'data-action="book"' not in page.get_data(as_text=True)
    with open_app.app_context():
        assert db.session.get(Shift, shift.id).places_taken == 1
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_a_forged_or_altered_link_is_not_found(open_app, boss, make_user, make_shift, outbox):
    shift = make_shift()
    volunteer(make_user, "anna@example.org", "Anna")
    send(signed_in(open_app, boss), shift)
    link = link_of(outbox, "anna@example.org")
    client = open_app.test_client()
    assert client.get("/shifts/call-outs/not-a-token").status_code == 404
    assert client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB")).status_code == 404


def test_the_needs_overview_links_each_gap_to_its_call_out(open_app, boss, make_shift, make_user):
    gap = make_shift(places=2)
    full = make_shift(places=1, starts_at=gap.starts_at + timedelta(hours=4))
    put_on(open_app, full, volunteer(make_user, "bo@example.org", "Bo"))
    html = signed_in(open_app, boss).get("/coordinator/needs").get_data(as_text=True)
    assert f'href="/coordinator/messages/call-outs/shifts/{gap.id}"' in html
    assert f"/call-outs/shifts/{full.id}" not in html


def test_the_call_out_page_reads_the_same_number_of_times_however_many_volunteers(open_app, boss, make_user,
                                                                                 make_shift):
    shift = make_shift(places=3, languages=("ar",), qualification="intro_housing")
    client = signed_in(open_app, boss)

    def counted() -> int:
        with statements_of(open_app) as statements:
            assert client.get(url(shift)).status_code == 200
        return len(statements)

    grant(open_app, volunteer(make_user, "a0@example.org", "A0", languages=("ar",)))
    volunteer(make_user, "b0@example.org", "B0")  # without the qualification
    few = counted()
    for n in range(1, 9):
        grant_to = volunteer(make_user, f"a{n}@example.org", f"A{n}", languages=("ar", "sv"))
        if n % 2:
            grant(open_app, grant_to)
    assert counted() == few


def test_call_outs_count_in_the_coordinators_message_limit(make_app, clock, boss, make_user, make_shift):
    app = make_app(CLOCK=clock, WTF_CSRF_ENABLED=False, MESSAGE_RATE_LIMIT="1 per hour")
    first, second = make_shift(places=2), make_shift(places=2, site="Boende Granne")
    volunteer(make_user, "anna@example.org", "Anna")
    volunteer(make_user, "berit@example.org", "Berit")
    client = signed_in(app, boss)
    assert send(client, first).status_code == 303
    assert client.post(f"/coordinator/messages/shifts/{second.id}",
                       data={"language": "sv", "subject": "Hej", "text": "Hej", "previewed": "0", "send": "Send"}
                       ).status_code == 429


def test_call_outs_are_in_the_export_gone_with_the_person_and_forgotten_after_the_shift(
        open_app, boss, make_user, make_shift, outbox, clock):
    shift = make_shift(places=2)
    anna = volunteer(make_user, "anna@example.org", "Anna")
    send(signed_in(open_app, boss), shift)
    exported = signed_in(open_app, anna).get("/me/export").get_json()["call_outs"]
    assert exported == [{"site": "Boende Testby", "task": "Support conversations",
                         "starts_at": shift.starts_at.isoformat(), "asked_at": NOW.isoformat(),
                         "opened_at": None, "booked_at": None}]
    berit = volunteer(make_user, "berit@example.org", "Berit")
    other = make_shift(places=2, site="Boende Granne", starts_at=NOW + timedelta(days=5))
    clock.advance(days=2)
    send(signed_in(open_app, boss), other)
    with open_app.test_request_context():
        from volunteer.me.privacy import erase, retention
        from volunteer.models import User
        erase(db.session.get(User, berit.id), clock(), cause="test", tell=False)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(CallOutRecipient)
                                 .where(CallOutRecipient.user_id == berit.id)) == 0
    clock.advance(days=89)  # the first shift ended less than 90 days ago (CALLOUT_RETENTION_DAYS)
    with open_app.test_request_context():
        assert retention(clock()).call_outs == 0
    clock.advance(days=4)
    with open_app.test_request_context():
        assert retention(clock()).call_outs == 1
        db.session.commit()
        assert db.session.scalar(select(CallOut.shift_id)) == other.id
        assert db.session.scalar(select(func.count()).select_from(CallOutRecipient)
                                 .where(CallOutRecipient.user_id == anna.id)) == 1, "the second call-out asked Anna"
