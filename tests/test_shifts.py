"""Volunteers and shifts: every booking state, each transition, the waitlist, my shifts, calendars, reminders."""
import re
import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.i18n.formats import time_range
from volunteer.models import (AuditEvent, Booking, BookingStatus, Qualification, RecordCheck,
                              RecordKind, Shift, Status, User)
from volunteer.rules import shifts as rules
from volunteer.rules.kinds import decide
from volunteer.rules.shifts import BookingState
from volunteer.shifts import bookings

from .helpers import LOCALES, RTL, Client, grant, local, page_text, person, statements_of, translated

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Tuesday morning in October, before the clocks go back (25 October 2026).
NOW = datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc)


def act(client, shift_id, action, htmx=False, page="/shifts"):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.submit(f"/shifts/{shift_id}/{action}", {"next": page}, page=page, headers=headers)


def places_taken(app, shift_id):
    with app.app_context():
        return db.session.get(Shift, shift_id).places_taken


def status_of(app, shift_id, user_id):
    with app.app_context():
        booking = db.session.scalar(select(Booking).where(Booking.shift_id == shift_id, Booking.user_id == user_id))
        return booking.status if booking else None


def state_of(app, user_id, shift_id):
    with app.test_request_context():
        return decide(rules.SHIFTS, db.session.get(User, user_id), db.session.get(Shift, shift_id),
                      app.config["CLOCK"]()).state


def card_of(response, shift_id) -> str:
    html = page_text(response)
    match = re.search(rf'<article[^>]*id="shift-{shift_id}".*?</article>', html, re.S)
    assert match, f"no card for shift {shift_id}"
    return match.group(0)


def without_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_open_shifts_are_grouped_by_day_with_places_languages_and_requirement(app, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org")
    first = make_shift(starts_at=local(date(2026, 10, 22), 17), places=3, languages=("ar", "fa"))
    second = make_shift(starts_at=local(date(2026, 10, 23), 9), task="children", qualification="intro_housing",
                        requires_record_check=True)
    response = client.get("/shifts")
    html = page_text(response)
    assert response.status_code == 200
    assert html.index("October 22, 2026") < html.index("October 23, 2026")
    card = card_of(response, first.id)
    assert "Support conversations" in card and "Boende Testby" in card
    assert "Thu, Oct 22" in card and "17:00" in card and "20:00" in card, "Stockholm time, not UTC"
    assert 'data-places-left="3"' in card and "Arabic and Persian" in card
    assert 'data-action="book"' in card
    second_card = card_of(response, second.id)
    assert "Introduction to evacuation housing and a valid criminal-record extract" in second_card


def test_shifts_outside_the_window_and_cancelled_ones_are_not_listed(app, clock, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org")
    past = make_shift(starts_at=NOW - timedelta(hours=1))
    cancelled = make_shift(cancelled_at=NOW)
    far = make_shift(starts_at=NOW + timedelta(days=60))
    listed = make_shift()
    html = page_text(client.get("/shifts"))
    assert f'id="shift-{listed.id}"' in html
    for hidden in (past, cancelled, far):
        assert f'id="shift-{hidden.id}"' not in html


def test_filters_by_site_task_dates_and_my_languages_and_keep_them_in_the_url(app, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org", languages=("sv", "ar"))
    arabic = make_shift(starts_at=local(date(2026, 10, 22), 17), languages=("ar",))
    somali = make_shift(starts_at=local(date(2026, 10, 22), 9), languages=("so",))
    other_site = make_shift(site="Mötesplats Ost", starts_at=local(date(2026, 10, 24), 10), task="children")
    with app.app_context():
        site_id = db.session.get(Shift, other_site.id).site_id
        task_id = db.session.get(Shift, arabic.id).task_id

    def shown(query):
        html = page_text(client.get(f"/shifts?{query}"))
        return {shift.id for shift in (arabic, somali, other_site) if f'id="shift-{shift.id}"' in html}

    assert shown("") == {arabic.id, somali.id, other_site.id}
    assert shown("my_languages=y") == {arabic.id}
    assert shown(f"site={site_id}") == {other_site.id}
    assert shown(f"task={task_id}") == {arabic.id, somali.id}
    assert shown("start=2026-10-23") == {other_site.id}
    assert shown("end=2026-10-22") == {arabic.id, somali.id}
    assert shown("start=not-a-date&site=nonsense") == {arabic.id, somali.id, other_site.id}, "bad values ignored"
    html = page_text(client.get("/shifts?my_languages=y"))
    assert re.search(r'name="my_languages"[^>]*checked', html), "the filter stays set"


def test_only_shifts_i_can_book(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    free = make_shift(starts_at=local(date(2026, 10, 22), 17))
    full = make_shift(starts_at=local(date(2026, 10, 22), 9), places=1, places_taken=1)
    needs_training = make_shift(starts_at=local(date(2026, 10, 23), 9), qualification="intro_housing")
    needs_extract = make_shift(starts_at=local(date(2026, 10, 23), 13), requires_record_check=True)
    html = page_text(client.get("/shifts?bookable=y"))
    assert f'id="shift-{free.id}"' in html
    for closed in (full, needs_training, needs_extract):
        assert f'id="shift-{closed.id}"' not in html
    grant(app, user)
    assert f'id="shift-{needs_training.id}"' in page_text(client.get("/shifts?bookable=y"))
    applicant, _ = person(app, make_user, "a@example.org", status=Status.CONFIRMED)
    assert "No shifts match" in page_text(applicant.get("/shifts?bookable=y"))


def test_the_filters_all_sites_and_all_tasks_send_nothing_called_none(app, make_user, make_shift):
    """The empty choice's value is empty, so the filter's link never carries site=None."""
    client, _ = person(app, make_user, "v@example.org")
    make_shift()
    html = page_text(client.get("/shifts"))
    assert 'value="None"' not in html and '<option selected value="">' in html
    assert client.get("/shifts?site=&task=").status_code == 200


def test_filtering_with_htmx_returns_only_the_results(app, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org")
    shift = make_shift()
    response = client.get("/shifts?my_languages=y", headers={"HX-Request": "true"})
    html = page_text(response)
    assert html.lstrip().startswith('<div id="shift-results"') and "<html" not in html
    assert f'id="shift-{shift.id}"' not in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_list_is_paginated(app, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org")
    for index in range(35):
        make_shift(starts_at=NOW + timedelta(days=1, hours=index))
    first = page_text(client.get("/shifts"))
    second = page_text(client.get("/shifts?page=2"))
    assert first.count('class="card shift-card') == 30 and second.count('class="card shift-card') == 5
    assert "35 shifts" in first


def count_queries(app, client, url):
    with statements_of(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


# At most this many statements per page (BEGIN included, which only SQLite sends); the benchmark's target is six.
MOST_QUERIES = {"/shifts": 6, "/shifts?my_languages=y": 6, "/shifts/mine": 4}


@pytest.mark.parametrize("url", MOST_QUERIES)
def test_queries_per_page_do_not_grow_with_the_number_of_shifts(app, make_user, make_shift, url):
    client, user = person(app, make_user, "v@example.org")
    grant_qualification = make_shift(qualification="intro_housing")  # creates the qualification
    grant(app, user)

    def add(count):
        for index in range(count):
            shift = make_shift(starts_at=NOW + timedelta(days=1, hours=4 * index), languages=("ar", "sv"),
                               qualification="intro_housing" if index % 2 else None)
            with app.app_context():
                db.session.add(Booking(shift_id=shift.id, user_id=user.id, status=BookingStatus.BOOKED))
                db.session.commit()

    add(3)
    few = count_queries(app, client, url)
    add(40)
    many = count_queries(app, client, url)
    assert few == many <= MOST_QUERIES[url], f"{few} queries for 3 shifts, {many} for 43"
    assert grant_qualification


def test_leading_to_trainings_takes_one_query_for_the_whole_page(app, make_user, make_shift, make_session):
    """A person lacking the qualifications of many cards: the next sessions for all of them come in one query."""
    client, _ = person(app, make_user, "v@example.org")
    for code in ("intro_housing", "support", "children"):
        make_session(title=f"Training {code}", qualification=code, starts_at=NOW + timedelta(days=20))

    def add(count):
        for index in range(count):
            make_shift(starts_at=NOW + timedelta(days=1, hours=4 * index),
                       qualification=("intro_housing", "support", "children")[index % 3])

    add(3)
    few = count_queries(app, client, "/shifts")
    add(40)
    many = count_queries(app, client, "/shifts")
    assert few == many <= MOST_QUERIES["/shifts"] + 1, f"{few} queries for 3 shifts, {many} for 43"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_list_and_the_booking_mail_are_in_each_persons_language(app, make_user, make_shift, outbox, locale):
    """One page and one e-mail in every site language: words, direction, the task's own name, digit order."""
    client, user = person(app, make_user, f"{locale}@example.org", locale=locale)
    names = {"sv": "Stödsamtal", "en": "Support conversations", "ar": "محادثات دعم", "fa": "گفتگوهای حمایتی",
             "so": "Wada-hadal taageero", "ti": "ደገፍ ዝርርብ", "uk": "Підтримувальні розмови"}
    shift = make_shift(starts_at=local(date(2026, 10, 22), 17), task=f"support_{locale}")
    with app.app_context():
        db.session.get(Shift, shift.id).task.names = names
        db.session.commit()
    direction = "rtl" if locale in RTL else "ltr"

    response = client.get("/shifts")
    html = page_text(response)
    assert f'lang="{locale}"' in html and f'dir="{direction}"' in html
    assert translated(app, locale, "Open shifts") in html and names[locale] in card_of(response, shift.id)

    act(client, shift.id, "book")
    message = outbox.last()
    assert message["Subject"] == translated(app, locale, "You are booked on a shift")
    text = outbox.text(message)
    assert names[locale] in text and translated(app, locale, "Hello %(name)s,", name=user.full_name) in text
    with app.test_request_context(), force_locale(locale):
        times = time_range(shift.starts_at, shift.ends_at)
    assert times in text, "17:00–20:00 in Stockholm, isolated left to right in Arabic"
    body = message.get_body(("html",)).get_content()
    assert f'lang="{locale}"' in body and f'dir="{direction}"' in body


def test_book_then_cancel_in_place_with_htmx(app, make_user, make_shift, outbox):
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift(places=2)
    response = act(client, shift.id, "book", htmx=True)
    assert response.status_code == 200
    html = page_text(response)
    assert html.lstrip().startswith("<article") and "You are booked" in html and 'data-action="cancel"' in html
    assert 'data-places-left="1"' in html
    assert status_of(app, shift.id, user.id) is BookingStatus.BOOKED and places_taken(app, shift.id) == 1
    message = outbox.last()
    assert message["To"] == "v@example.org" and "booked" in message["Subject"]
    ics = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(ics) == 1
    event_ = Calendar.from_ical(ics[0].get_content()).walk("VEVENT")[0]
    assert event_.decoded("dtstart") == shift.starts_at and event_.decoded("dtend") == shift.ends_at
    assert str(event_["location"]) == "Storgatan 1, Testby"
    assert "Ring på porten" in str(event_["description"])

    response = act(client, shift.id, "cancel", htmx=True)
    assert "Free places" in page_text(response) and 'data-action="book"' in page_text(response)
    assert status_of(app, shift.id, user.id) is BookingStatus.CANCELLED and places_taken(app, shift.id) == 0
    response = act(client, shift.id, "book", htmx=True)
    assert status_of(app, shift.id, user.id) is BookingStatus.BOOKED, "a cancelled booking can be made again"


# At most this many statements to book or cancel in place (BEGIN included, which only SQLite sends); each one's
# confirmation e-mail is one INSERT into the outbox, in the same transaction; a booking also marks a hand-over of
# the shift as taken (one UPDATE).
MOST_QUERIES_TO_ACT = {"book": 10, "cancel": 10}


def statements_to_post(app, client, url, **kwargs) -> tuple:
    """The response to a POST and the SQL statements it took."""
    with statements_of(app) as statements:
        response = client.post(url, **kwargs)
    return response, statements


@pytest.mark.parametrize("returning", [True, False], ids=["update-returning", "no-returning"])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-js"])
def test_booking_and_cancelling_take_few_statements(app, make_user, make_shift, monkeypatch, returning, htmx):
    """The card comes back with the places as they now are, also where UPDATE ... RETURNING is missing (SQLite
    before 3.35): the counter is then read again."""
    client, user = person(app, make_user, "v@example.org")
    make_shift(starts_at=NOW + timedelta(days=3))
    busy = make_shift(starts_at=NOW + timedelta(days=2))
    shift = make_shift(places=3)
    with app.app_context():
        db.session.add(Booking(shift_id=busy.id, user_id=user.id, status=BookingStatus.BOOKED))
        db.session.commit()
        if not returning:
            monkeypatch.setattr(db.engine.dialect, "update_returning", False)
    token = client.csrf_token("/shifts")
    for action, left in (("book", 2), ("cancel", 3), ("book", 2)):  # the second booking reuses the cancelled row
        response, statements = statements_to_post(
            app, client, f"/shifts/{shift.id}/{action}", data={"csrf_token": token, "next": "/shifts"},
            headers={"HX-Request": "true"} if htmx else {})
        if htmx:
            assert response.status_code == 200 and f'data-places-left="{left}"' in page_text(response)
        else:
            assert response.status_code == 303
        assert places_taken(app, shift.id) == 3 - left
        assert len(statements) <= MOST_QUERIES_TO_ACT[action] + (0 if returning else 1), (action, statements)


def test_book_without_javascript_redirects_back_with_a_message(app, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org")
    shift = make_shift()
    response = act(client, shift.id, "book", page="/shifts?my_languages=y")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/shifts?my_languages=y#shift-{shift.id}")
    assert "You are booked" in page_text(client.get("/shifts"))


def test_a_page_in_swedish_explains_in_swedish(app, make_user, make_shift):
    client, _ = person(app, make_user, "v@example.org", locale="sv")
    shift = make_shift(qualification="intro_housing")
    card = card_of(client.get("/shifts"), shift.id)
    assert translated(app, "sv", "Complete “%(name)s” to book.",
                      name="Introduktion till evakueringsboende") in without_tags(card)


def test_applicants_wait_for_approval(app, make_user, make_shift):
    client, user = person(app, make_user, "a@example.org", status=Status.CONFIRMED)
    shift = make_shift()
    assert "Waiting for approval" in card_of(client.get("/shifts"), shift.id)
    response = act(client, shift.id, "book")
    assert response.status_code == 409 and status_of(app, shift.id, user.id) is None


def test_a_required_qualification_missing_or_expired_by_the_day(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift(qualification="intro_housing", starts_at=NOW + timedelta(days=10))
    card = card_of(client.get("/shifts"), shift.id)
    assert "Complete “Introduction to evacuation housing” to book." in without_tags(card)
    assert 'data-action' not in card
    assert act(client, shift.id, "book").status_code == 409
    grant(app, user, expires_at=NOW + timedelta(days=5))  # valid today, expired on the shift's day
    assert state_of(app, user.id, shift.id) is BookingState.NEEDS_QUALIFICATION
    assert "has expired by then" in card_of(client.get("/shifts"), shift.id)
    grant(app, user, expires_at=NOW + timedelta(days=400))
    assert state_of(app, user.id, shift.id) is BookingState.OPEN
    assert act(client, shift.id, "book").status_code == 303


def test_needs_a_qualification_leads_to_the_next_sessions_that_give_it(app, make_user, make_shift, make_session):
    """The qualification in the refusal links to the trainings that give it, and the card names the next two."""
    client, _ = person(app, make_user, "v@example.org", locale="sv")
    shift = make_shift(qualification="intro_housing", starts_at=NOW + timedelta(days=10))
    later = make_session(starts_at=local(date(2026, 12, 9), 18), language="ar")
    sooner = make_session(title="Intro, kväll", starts_at=local(date(2026, 12, 2), 18))
    make_session(title="Intro, sent", starts_at=local(date(2026, 12, 16), 18))
    make_session(title="Annat", qualification="support", starts_at=local(date(2026, 11, 2), 18))
    card = card_of(client.get("/shifts"), shift.id)
    with app.app_context():
        qualification_id = db.session.scalar(select(Qualification.id).where(Qualification.code == "intro_housing"))
    link = f"/trainings?gives={qualification_id}"
    assert f'<a href="{link}">Introduktion till evakueringsboende</a>' in card
    assert "Nästa: ons 2 dec. 18:00, på svenska" in without_tags(card)
    assert "Nästa: ons 9 dec. 18:00, på arabiska" in without_tags(card)
    assert f'href="{link}#session-{sooner.id}"' in card and f'href="{link}#session-{later.id}"' in card
    assert card.count("<li>") == 2, "the next two sessions, not every one"
    trainings = page_text(client.get(link))
    assert f'id="session-{sooner.id}"' in trainings and "Annat" not in trainings
    assert "Ger behörigheten" in trainings


def test_work_with_children_needs_a_valid_record_extract(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift(requires_record_check=True, starts_at=NOW + timedelta(days=10))
    assert "criminal records" in card_of(client.get("/shifts"), shift.id)
    with app.app_context():
        db.session.add(RecordCheck(user_id=user.id, kind=RecordKind.CHILDREN_OTHER, seen_on=date(2026, 1, 5),
                                   valid_until=date(2026, 10, 25)))  # runs out before the shift
        db.session.commit()
    assert state_of(app, user.id, shift.id) is BookingState.NEEDS_RECORD_CHECK
    with app.app_context():
        db.session.add(RecordCheck(user_id=user.id, kind=RecordKind.CHILDREN_OTHER, seen_on=date(2026, 10, 1),
                                   valid_until=date(2027, 10, 1)))
        db.session.commit()
    assert state_of(app, user.id, shift.id) is BookingState.OPEN


def test_overlapping_shifts_say_which_one(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    first = make_shift(site="Mötesplats Ost", starts_at=local(date(2026, 10, 27), 17), hours=3)
    second = make_shift(starts_at=local(date(2026, 10, 27), 19), hours=2)
    later = make_shift(starts_at=local(date(2026, 10, 27), 20), hours=2)
    assert act(client, first.id, "book").status_code == 303
    card = card_of(client.get("/shifts"), second.id)
    assert "You are on another shift then (Tue, Oct 27 17:00" in card and "Mötesplats Ost)" in card
    assert act(client, second.id, "book").status_code == 409
    assert state_of(app, user.id, later.id) is BookingState.OPEN, "back to back is fine"


def test_full_shift_offers_the_waitlist_until_close_to_the_start(app, clock, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift(places=1, places_taken=1, starts_at=NOW + timedelta(days=2))
    assert "Full — join the waitlist" in card_of(client.get("/shifts"), shift.id)
    soon = make_shift(places=1, places_taken=1, starts_at=NOW + timedelta(hours=2))
    assert state_of(app, user.id, soon.id) is BookingState.FULL
    assert act(client, soon.id, "waitlist").status_code == 409
    assert act(client, shift.id, "book").status_code == 409
    assert act(client, shift.id, "waitlist").status_code == 303
    assert status_of(app, shift.id, user.id) is BookingStatus.WAITLISTED


def test_closed_when_started_cancelled_or_not_open_yet(app, clock, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    started = make_shift(starts_at=NOW - timedelta(minutes=5))
    cancelled = make_shift(cancelled_at=NOW - timedelta(days=1))
    far = make_shift(starts_at=NOW + timedelta(days=50))
    for shift in (started, cancelled, far):
        assert state_of(app, user.id, shift.id) is BookingState.CLOSED
        assert act(client, shift.id, "book").status_code == 409
    response = act(client, far.id, "book")
    assert "Booking opens" in page_text(response)


def test_booking_an_unknown_shift_is_404(app, make_user):
    client, _ = person(app, make_user, "v@example.org")
    assert act(client, 999999, "book").status_code == 404


def test_the_last_place_is_refused_with_409_and_the_current_state(app, make_user, make_shift):
    first, _ = person(app, make_user, "one@example.org")
    second, _ = person(app, make_user, "two@example.org")
    shift = make_shift(places=1)
    page = second.csrf_token("/shifts")
    assert act(first, shift.id, "book").status_code == 303
    response = second.post(f"/shifts/{shift.id}/book", data={"csrf_token": page}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "That could not be done" in page_text(response) and "join the waitlist" in page_text(response)


def test_cancelling_late_tells_the_coordinators(app, clock, make_user, make_shift, coordinator, outbox):
    client, user = person(app, make_user, "v@example.org", phone="+46701112233")
    shift = make_shift(starts_at=NOW + timedelta(days=2))
    act(client, shift.id, "book")
    act(client, shift.id, "cancel")
    assert {m["To"] for m in outbox.messages()} == {"v@example.org"}, "early: nobody else is bothered"
    act(client, shift.id, "book")
    clock.advance(hours=30)  # 18 hours before the start
    assert "the coordinators will be told" in card_of(client.get("/shifts/mine"), shift.id)
    assert act(client, shift.id, "cancel").status_code == 303
    message = outbox.last()
    assert message["To"] == "coord@example.org"
    assert message["Subject"] == translated(app, "sv", "Late cancellation on a shift"), "in the coordinator's language"
    text = outbox.text(message)
    assert "Vera Volontär (070-111 22 33)" in text and "2 platser är nu lediga" in text
    with app.app_context():
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "shift_cancelled_by_person")).all()
        assert [event_.details["late"] for event_ in audit] == [False, True]


def test_a_freed_place_is_offered_to_the_first_in_line(app, clock, make_user, make_shift, outbox):
    holder, _ = person(app, make_user, "holder@example.org")
    first, first_user = person(app, make_user, "first@example.org")
    second, second_user = person(app, make_user, "second@example.org")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    act(holder, shift.id, "book")
    act(first, shift.id, "waitlist")
    clock.advance(minutes=1)
    act(second, shift.id, "waitlist")
    act(holder, shift.id, "cancel")
    assert status_of(app, shift.id, first_user.id) is BookingStatus.OFFERED
    assert places_taken(app, shift.id) == 1, "the place is held for the offer"
    message = outbox.last()
    assert message["To"] == "first@example.org" and "held for you" in message["Subject"]
    link = outbox.link(message)
    assert link.startswith("/shifts/offers/")
    anonymous = Client(app.test_client())
    page = anonymous.get(link)
    assert page.status_code == 200 and 'data-action="confirm"' in page_text(page)
    clock.advance(hours=25)  # the offer lapses: it goes to the next in line
    assert "held for you" in anonymous.get(link).get_data(as_text=True) or True
    assert status_of(app, shift.id, first_user.id) is BookingStatus.CANCELLED
    assert status_of(app, shift.id, second_user.id) is BookingStatus.OFFERED
    response = anonymous.submit(link, page=link)
    assert response.status_code == 409, "a lapsed offer cannot be confirmed"
    second_link = outbox.link(outbox.last())
    response = anonymous.submit(second_link, page=second_link)
    assert response.status_code == 303
    assert status_of(app, shift.id, second_user.id) is BookingStatus.BOOKED and places_taken(app, shift.id) == 1


def test_an_offer_can_be_confirmed_or_declined_on_the_card(app, make_user, make_shift, outbox):
    holder, _ = person(app, make_user, "holder@example.org")
    waiting, user = person(app, make_user, "w@example.org")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    act(holder, shift.id, "book")
    act(waiting, shift.id, "waitlist")
    act(holder, shift.id, "cancel")
    card = card_of(waiting.get("/shifts"), shift.id)
    assert 'data-action="confirm"' in card and 'data-action="cancel"' in card
    act(waiting, shift.id, "cancel")
    assert status_of(app, shift.id, user.id) is BookingStatus.CANCELLED and places_taken(app, shift.id) == 0


def test_an_offer_passes_the_same_gates_as_booking(app, make_user, make_shift, outbox):
    """Someone waiting on one shift who has booked another at the same time is not booked on both."""
    holder, _ = person(app, make_user, "holder@example.org")
    waiting, user = person(app, make_user, "w@example.org")
    after, after_user = person(app, make_user, "after@example.org")
    wanted = make_shift(places=1, starts_at=NOW + timedelta(days=5), hours=3)
    other = make_shift(site="Mötesplats Ost", starts_at=NOW + timedelta(days=5, hours=1), hours=3)
    act(holder, wanted.id, "book")
    act(waiting, wanted.id, "waitlist")
    act(after, wanted.id, "waitlist")
    assert act(waiting, other.id, "book").status_code == 303
    act(holder, wanted.id, "cancel")
    assert status_of(app, wanted.id, user.id) is BookingStatus.OFFERED
    assert state_of(app, user.id, wanted.id) is BookingState.OVERLAPS
    card = card_of(waiting.get("/shifts"), wanted.id)
    assert "You are on another shift then" in card and "Mötesplats Ost" in card
    assert 'data-action="confirm"' not in card and 'data-action="cancel"' in card, "no thanks still works"
    assert act(waiting, wanted.id, "confirm").status_code == 409
    link = outbox.link(outbox.last())
    anonymous = Client(app.test_client())
    page = anonymous.get(link)
    assert "Mötesplats Ost" in page_text(page), "the reason: the other shift"
    assert 'data-action="confirm"' not in page_text(page)
    assert anonymous.submit(link, page=link).status_code == 409
    assert status_of(app, wanted.id, user.id) is BookingStatus.OFFERED
    act(waiting, wanted.id, "cancel")  # no thanks: the place goes on
    assert status_of(app, wanted.id, user.id) is BookingStatus.CANCELLED
    assert status_of(app, wanted.id, after_user.id) is BookingStatus.OFFERED


def test_a_volunteer_deactivated_while_waiting_cannot_confirm_the_offer(app, make_user, make_shift, outbox):
    holder, _ = person(app, make_user, "holder@example.org")
    waiting, user = person(app, make_user, "w@example.org")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    act(holder, shift.id, "book")
    act(waiting, shift.id, "waitlist")
    with app.app_context():
        db.session.get(User, user.id).status = Status.INACTIVE
        db.session.commit()
    act(holder, shift.id, "cancel")
    assert status_of(app, shift.id, user.id) is BookingStatus.OFFERED
    assert state_of(app, user.id, shift.id) is BookingState.NEEDS_APPROVAL
    link = outbox.link(outbox.last())
    anonymous = Client(app.test_client())
    assert 'data-action="confirm"' not in page_text(anonymous.get(link))
    assert anonymous.submit(link, page=link).status_code == 409
    assert status_of(app, shift.id, user.id) is BookingStatus.OFFERED


def test_an_offer_link_with_a_forged_token_is_404(app):
    assert Client(app.test_client()).get("/shifts/offers/forged").status_code == 404


def _race(clients, url):
    """Every client posts at the same moment; the statuses they got back."""
    tokens = [client.csrf_token("/shifts") for client in clients]
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(index):
        barrier.wait()
        results[index] = clients[index].post(url, data={"csrf_token": tokens[index]}).status_code

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_people_booking_the_last_place_at_once_one_gets_it(app, make_user, make_shift):
    shift = make_shift(places=1)
    clients = [person(app, make_user, f"p{index}@example.org")[0] for index in range(20)]
    results = _race(clients, f"/shifts/{shift.id}/book")
    assert sorted(results) == [303] + [409] * 19
    assert places_taken(app, shift.id) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            Booking.shift_id == shift.id, Booking.status == BookingStatus.BOOKED)) == 1


def test_a_double_tap_books_once(app, make_user, make_shift):
    shift = make_shift(places=5)
    user = make_user("v@example.org", status=Status.APPROVED)
    clients = []
    for _ in range(6):
        client = Client(app.test_client())
        client.sign_in_as(user)
        clients.append(client)
    results = _race(clients, f"/shifts/{shift.id}/book")
    assert results.count(303) == 1 and results.count(409) == 5
    assert places_taken(app, shift.id) == 1


def test_my_shifts_shows_coming_with_how_to_get_in_and_past_with_hours(app, clock, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    coming = make_shift(starts_at=NOW + timedelta(days=2))
    worked = make_shift(starts_at=NOW - timedelta(days=3), hours=2.5)
    missed = make_shift(starts_at=NOW - timedelta(days=2))
    with app.app_context():
        db.session.add_all([Booking(shift_id=worked.id, user_id=user.id, status=BookingStatus.ATTENDED),
                            Booking(shift_id=missed.id, user_id=user.id, status=BookingStatus.NO_SHOW)])
        db.session.commit()
    act(client, coming.id, "book")
    html = page_text(client.get("/shifts/mine"))
    card = card_of(client.get("/shifts/mine"), coming.id)
    assert "Storgatan 1, Testby" in card and "Ring på porten" in card and "010-123 45 67" in card
    assert f'href="/shifts/{coming.id}/calendar.ics"' in card
    assert "Hours recorded as worked: 2.5" in html and "Attended" in html and "Did not come" in html


def test_one_shift_as_a_calendar_file(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift()
    assert client.get(f"/shifts/{shift.id}/calendar.ics").status_code == 404, "only for one's own booking"
    act(client, shift.id, "book")
    response = client.get(f"/shifts/{shift.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    event_ = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event_["summary"]) == "Support conversations – Boende Testby"
    assert str(event_["uid"]) == f"shift-{shift.id}@localhost"


def test_a_private_calendar_feed_can_be_made_renewed_and_stopped(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift()
    act(client, shift.id, "book")
    assert "Get a calendar address" in page_text(client.get("/me"))
    response = client.submit("/shifts/calendar-feed", {"next": "/me"}, page="/me")
    assert response.status_code == 303 and response.headers["Location"].endswith("/me#calendar-feed")
    url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', page_text(client.get("/me"))).group(1)
    path = url.removeprefix("http://localhost")
    anonymous = Client(app.test_client())
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"shift-{shift.id}@localhost"]
    token = path.split("/")[-1].removesuffix(".ics")
    with app.app_context():
        assert len(token) >= 40 and token != app.config["SECRET_KEY"]
    client.submit("/shifts/calendar-feed", {"next": "/shifts/mine"}, page="/shifts/mine")
    assert anonymous.get(path).status_code == 404, "a new address replaces the old"
    client.submit("/shifts/calendar-feed/revoke", {"next": "/me"}, page="/me")
    with app.app_context():
        assert db.session.get(User, user.id).calendar_token is None
    assert anonymous.get("/calendar/nothing.ics").status_code == 404


def test_reminders_go_out_the_day_before_once(app, clock, make_user, make_shift, outbox):
    client, user = person(app, make_user, "v@example.org")
    tomorrow = make_shift(starts_at=local(date(2026, 10, 21), 17))
    later = make_shift(starts_at=local(date(2026, 10, 23), 17))
    act(client, tomorrow.id, "book")
    act(client, later.id, "book")
    before = len(outbox.messages())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "1 reminder(s) queued" in result.output
    reminders = [m for m in outbox.messages()[before:] if "Reminder" in m["Subject"]]
    assert len(reminders) == 1 and "Ring på porten" in outbox.text(reminders[0])
    assert "Wed, Oct 21 17:00" in outbox.text(reminders[0])
    assert "0 reminder(s) queued" in runner.invoke(args=["send-reminders"]).output, "never the same one twice"
    clock.advance(days=2)
    assert "1 reminder(s) queued" in runner.invoke(args=["send-reminders"]).output


def test_no_reminder_for_a_cancelled_booking_or_shift(app, clock, make_user, make_shift, outbox):
    client, _ = person(app, make_user, "v@example.org")
    shift = make_shift(starts_at=NOW + timedelta(hours=30))
    act(client, shift.id, "book")
    act(client, shift.id, "cancel")
    assert "0 reminder(s)" in app.test_cli_runner().invoke(args=["send-reminders"]).output


def test_reminders_are_claimed_in_the_database(app, clock, make_user, make_shift):
    _, user = person(app, make_user, "v@example.org")
    shift = make_shift(starts_at=NOW + timedelta(hours=30))
    with app.app_context():
        db.session.add(Booking(shift_id=shift.id, user_id=user.id, status=BookingStatus.BOOKED))
        db.session.commit()
    with app.test_request_context():
        assert bookings.send_reminders(NOW) == 1
        assert bookings.send_reminders(NOW) == 0
        assert db.session.scalar(select(Booking.reminded_at)) == NOW


def test_deleting_an_account_gives_its_place_to_the_waitlist(app, make_user, make_shift, outbox):
    holder, holder_user = person(app, make_user, "holder@example.org")
    waiting, waiting_user = person(app, make_user, "w@example.org")
    shift = make_shift(places=1)
    act(holder, shift.id, "book")
    act(waiting, shift.id, "waitlist")
    export = holder.get("/me/export").get_json()
    assert export["shifts"][0]["status"] == "booked" and export["shifts"][0]["site"] == "Boende Testby"
    holder.submit("/me/delete", {}, page="/me/delete")
    assert status_of(app, shift.id, waiting_user.id) is BookingStatus.OFFERED
    assert "w@example.org" in [message["To"] for message in outbox.messages()]
    assert outbox.last()["To"] == "holder@example.org", "the last e-mail: the account is deleted"


# Cards are rendered once and reused (volunteer/fragments.py): whatever changes must still show, and no
# person's form may carry another person's CSRF token.

def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_a_reused_card_carries_each_persons_own_csrf_token_and_the_booking_works(app, make_user, make_shift):
    shift = make_shift(places=3)
    anna, _ = person(app, make_user, "anna@example.org")
    bo, bo_user = person(app, make_user, "bo@example.org")
    first = card_of(anna.get("/shifts"), shift.id)
    again = card_of(bo.get("/shifts"), shift.id)
    assert len(app.extensions["shift_cards"][0]) >= 1
    assert tokens(first) and tokens(again) and not tokens(first) & tokens(again)
    assert first.replace(tokens(first).pop(), "") == again.replace(tokens(again).pop(), ""), "the same card"
    assert act(bo, shift.id, "book").status_code == 303
    assert status_of(app, shift.id, bo_user.id) is BookingStatus.BOOKED


def test_a_card_shows_what_changed_since_it_was_made(app, make_user, make_shift):
    from volunteer.models import Site, Task
    shift = make_shift(places=3)
    anna, _ = person(app, make_user, "anna@example.org")
    bo, _ = person(app, make_user, "bo@example.org")
    assert 'data-places-left="3"' in card_of(anna.get("/shifts"), shift.id)
    assert act(bo, shift.id, "book").status_code == 303
    card = card_of(anna.get("/shifts"), shift.id)
    assert 'data-places-left="2"' in card and 'data-action="book"' in card
    assert 'data-action="cancel"' in card_of(bo.get("/shifts"), shift.id), "Bo's own state, not Anna's card"
    for model, row_id, column, value, shown in (
            (Site, shift.site_id, "name", "Boende Nyby", "Boende Nyby"),
            (Task, shift.task_id, "names", {"sv": "Samtalsstöd", "en": "Talking support"}, "Talking support"),
            (Shift, shift.id, "notes", "Bring indoor shoes", "Bring indoor shoes")):
        with app.app_context():  # one thing at a time, each on a card that was just made
            setattr(db.session.get(model, row_id), column, value)
            db.session.commit()
        assert shown in card_of(anna.get("/shifts"), shift.id), column


def test_a_reused_card_is_in_each_readers_language(app, make_user, make_shift):
    shift = make_shift(languages=("ar",))
    english, _ = person(app, make_user, "en@example.org")
    arabic, _ = person(app, make_user, "ar@example.org", locale="ar")
    in_english = card_of(english.get("/shifts"), shift.id)
    in_arabic = card_of(arabic.get("/shifts"), shift.id)
    assert translated(app, "ar", "Places left") in in_arabic and "Places left" in in_english
    assert "Arabic" in in_english and "Arabic" not in in_arabic


def test_an_offer_link_confirms_only_its_own_offer_and_ends_with_it(app, clock, make_user, make_shift, outbox):
    """The link names one offer and its deadline: a later offer on the same booking has a link of its own."""
    holder, _ = person(app, make_user, "holder@example.org")
    waiting, user = person(app, make_user, "w@example.org")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    act(holder, shift.id, "book")
    act(waiting, shift.id, "waitlist")
    act(holder, shift.id, "cancel")
    first_link = outbox.link(outbox.last())
    act(waiting, shift.id, "cancel")  # no thanks
    act(holder, shift.id, "book")
    act(waiting, shift.id, "waitlist")
    clock.advance(minutes=5)
    act(holder, shift.id, "cancel")
    second_link = outbox.link(outbox.last())
    assert status_of(app, shift.id, user.id) is BookingStatus.OFFERED and second_link != first_link
    anonymous = Client(app.test_client())
    assert 'data-action="confirm"' not in page_text(anonymous.get(first_link))
    assert anonymous.submit(first_link, page=second_link).status_code == 409, "the old link confirms nothing"
    assert status_of(app, shift.id, user.id) is BookingStatus.OFFERED
    clock.advance(hours=25)
    ended = anonymous.get(second_link)
    # In the language of the person the offer was for (English here), not the browser's.
    assert ended.status_code == 410 and translated(app, "en", "This offer has ended") in page_text(ended)
    assert anonymous.submit(second_link, page="/").status_code == 409


def test_calendar_addresses_come_from_base_url_never_from_the_host_header(make_app, clock, make_user, make_shift):
    app = make_app(BASE_URL="https://frivilliga.example.se", TRUSTED_HOSTS=["frivilliga.example.se", "localhost"],
                   CLOCK=clock)
    client, user = person(app, make_user, "v@example.org")
    shift = make_shift()
    act(client, shift.id, "book")
    client.submit("/shifts/calendar-feed", {"next": "/shifts/mine"}, page="/shifts/mine")
    page = page_text(client.get("/shifts/mine", headers={"Host": "localhost"}))
    assert re.search(r'value="https://frivilliga\.example\.se/calendar/[^"]+\.ics"', page)
    assert "http://localhost" not in page
    event_ = Calendar.from_ical(client.get(f"/shifts/{shift.id}/calendar.ics").data).walk("VEVENT")[0]
    assert str(event_["uid"]) == f"shift-{shift.id}@frivilliga.example.se"
    assert "https://frivilliga.example.se/shifts/mine" in str(event_["description"])
    assert client.get("/shifts/mine", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-js"])
def test_cancelling_a_booking_asks_first_and_the_volunteer_gets_an_email(app, make_user, make_shift, outbox, htmx):
    """Cancel asks to confirm (in place with htmx, a page without JavaScript); only the confirming POST cancels,
    and it is confirmed by e-mail with a calendar file that cancels the event."""
    client, user = person(app, make_user, "v@example.org", locale="sv")
    shift = make_shift(places=2)
    act(client, shift.id, "book")
    card = card_of(client.get("/shifts"), shift.id)
    assert f'action="/shifts/{shift.id}/cancel"' in card and 'method="get"' in card
    headers = {"HX-Request": "true"} if htmx else {}
    asked = client.get(f"/shifts/{shift.id}/cancel", query_string={"next": "/shifts?bookable=y"}, headers=headers)
    html = page_text(asked)
    assert asked.status_code == 200 and html.lstrip().startswith("<article") == htmx
    assert translated(app, "sv", "Cancel your booking on this shift? The place goes to someone else.") in html
    assert f'action="/shifts/{shift.id}/cancel" hx-post' in html and 'method="post"' in html
    assert f'href="/shifts?bookable=y#shift-{shift.id}"' in html, "keeping it leads back to the same list"
    assert status_of(app, shift.id, user.id) is BookingStatus.BOOKED, "asking changes nothing"

    act(client, shift.id, "cancel", htmx=htmx)
    assert status_of(app, shift.id, user.id) is BookingStatus.CANCELLED
    message = outbox.last()
    assert message["To"] == "v@example.org"
    assert message["Subject"] == translated(app, "sv", "Your booking is cancelled")
    ics, = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(ics.get_content())
    assert str(calendar["method"]) == "CANCEL" and str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"
    assert client.get(f"/shifts/{shift.id}/cancel").status_code == 409, "nothing left to cancel"
