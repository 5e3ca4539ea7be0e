"""Coordinators' rosters: scope, who is coming with phones and languages, adding and removing by hand, attendance,
the print view, a site's day and the needs overview."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Booking, BookingStatus, Role, Shift, Site, Status, User

from .helpers import page_text, put_on, signed_in, statements_of

# Monday 5 October 2026, 10:00 in Stockholm.
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def coordinator(app, make_user, frg):
    """A coordinator of FRG Testby (the organisation of make_shift's sites), reading in English."""
    user = make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED,
                     role=Role.COORDINATOR, coordinates=[frg], locale="en")
    return signed_in(app, user), user


def volunteer(make_user, email, name, languages=("sv",)):
    """An approved volunteer reading in English; make_user gives everyone the phone number +46701234567."""
    return make_user(email, full_name=name, status=Status.APPROVED, languages=languages, locale="en")


def roster_url(shift) -> str:
    return f"/coordinator/shifts/{shift.id}/roster"


def status_of(app, booking_id) -> BookingStatus:
    with app.app_context():
        return db.session.get(Booking, booking_id).status


def test_volunteers_are_refused_every_roster_page(app, make_user, make_shift):
    shift = make_shift()
    client = signed_in(app, volunteer(make_user, "v@example.org", "Vera"))
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("rosters.")]
    assert len(rules) >= 7
    for rule in rules:
        url = rule.build({name: shift.id if name != "day" else "2026-10-08" for name in rule.arguments},
                         append_unknown=False)[1]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert client.open(url, method=method).status_code in (400, 403), (url, method)
            if method == "GET":
                assert client.get(url).status_code == 403, url


def test_coordinators_of_another_organisation_get_not_found(app, coordinator, make_user, make_shift):
    shift = make_shift(site="Boende Annanstad", organisation="Röda Korset Annanstad")
    booking_id = put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan"))
    client, _ = coordinator
    with app.app_context():
        site_id = shift.site_id
    for url in (roster_url(shift), f"{roster_url(shift)}/print", f"/coordinator/sites/{site_id}/day/2026-10-08",
                f"{roster_url(shift)}/{booking_id}/remove"):
        assert client.get(url).status_code == 404, url
    page = "/coordinator/needs"
    assert client.submit(f"{roster_url(shift)}/add", {"person_id": "1"}, page=page).status_code == 404
    assert client.submit(f"{roster_url(shift)}/{booking_id}/attendance", {"status": "attended"},
                         page=page).status_code == 404
    assert "Boende Annanstad" not in page_text(client.get(page))


def test_the_roster_shows_the_shift_and_who_is_coming_with_phones_and_languages(app, coordinator, make_user,
                                                                                make_shift):
    shift = make_shift(places=3, languages=("ar", "ti"), qualification="intro_housing")
    put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan", languages=("sv", "ar")))
    put_on(app, shift, volunteer(make_user, "omid@example.org", "Omid Karimi", languages=("fa",)),
           BookingStatus.OFFERED, offer_expires_at=NOW + timedelta(hours=24))
    put_on(app, shift, volunteer(make_user, "bo@example.org", "Bo Berg"),
           BookingStatus.WAITLISTED, waitlisted_at=NOW - timedelta(hours=1))
    put_on(app, shift, volunteer(make_user, "ada@example.org", "Ada Al-Amin"),
           BookingStatus.WAITLISTED, waitlisted_at=NOW - timedelta(hours=2))
    client, _ = coordinator

    response = client.get(roster_url(shift))
    assert response.status_code == 200
    html = page_text(response)
    assert "Boende Testby" in html and "Support conversations" in html and "Storgatan 1, Testby" in html
    assert "Thu, Oct 8" in html and "10:00" in html, "the time in Stockholm"
    assert "2 of 3 taken" in html
    assert "Introduction to evacuation housing" in html
    assert re.search(r'language-cover__item"\s+data-language="ar"', html), "Amal speaks Arabic"
    assert re.search(r'language-cover__item--missing"\s+data-language="ti"', html), "nobody speaks Tigrinya"
    assert 'href="tel:+46701234567"' in html and "070-123 45 67" in html
    assert "Speaks: Arabic and Swedish" in html
    assert "Offered, not confirmed yet" in html and "Omid Karimi" in html
    with app.app_context():
        amal_id = db.session.scalar(select(User.id).where(User.email == "amal@example.org"))
    assert f'href="/coordinator/people/{amal_id}"' in html
    waitlist = html[html.index('id="waitlist"'):]
    assert waitlist.index("Ada Al-Amin") < waitlist.index("Bo Berg"), "the queue in the order people joined"
    assert "data-mark" not in html, "attendance waits until the shift starts"
    assert "data-remove" in html


def test_a_coordinator_finds_and_adds_a_volunteer_who_is_emailed(app, coordinator, make_user, make_shift, outbox):
    shift = make_shift(places=2)
    amal = volunteer(make_user, "amal@example.org", "Amal Hassan")
    make_user("applicant@example.org", full_name="Amal Sökande", status=Status.CONFIRMED)
    client, user = coordinator

    html = page_text(client.get(roster_url(shift), query_string={"q": "amal"}))
    assert f'data-add="{amal.id}"' in html and "Amal Sökande" not in html, "only approved volunteers"
    partial = client.get(roster_url(shift), query_string={"q": "amal"}, headers={"HX-Request": "true"})
    assert page_text(partial).lstrip().startswith('<div id="candidates"') and "Amal Hassan" in page_text(partial)

    response = client.submit(f"{roster_url(shift)}/add", {"person_id": amal.id, "q": "amal"}, page=roster_url(shift))
    assert response.status_code == 303
    assert "Amal Hassan is booked on the shift; an e-mail telling them is on its way." in page_text(client.get(roster_url(shift)))
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert (booking.user_id, booking.status, booking.decided_by_id) == (amal.id, BookingStatus.BOOKED, user.id)
        assert db.session.get(Shift, shift.id).places_taken == 1
    message = outbox.last()
    assert message["To"] == "amal@example.org"
    assert message["Subject"] == "A coordinator has booked you on a shift"

    again = client.submit(f"{roster_url(shift)}/add", {"person_id": amal.id, "q": "amal"}, page=roster_url(shift))
    assert again.status_code == 409
    assert "Amal Hassan is already on this shift." in page_text(again)
    assert len(outbox.messages()) == 1


def test_a_full_shift_refuses_a_booking_by_hand_with_a_message(app, coordinator, make_user, make_shift, outbox):
    shift = make_shift(places=1)
    put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan"))
    omid = volunteer(make_user, "omid@example.org", "Omid Karimi")
    client, _ = coordinator

    response = client.submit(f"{roster_url(shift)}/add", {"person_id": omid.id, "q": "omid"}, page=roster_url(shift))
    assert response.status_code == 409
    html = page_text(response)
    assert "The shift is full, so Omid Karimi was not added." in html
    assert 'value="omid"' in html and f'data-add="{omid.id}"' in html, "the search is kept"
    with app.app_context():
        assert db.session.scalar(select(Booking).where(Booking.user_id == omid.id)) is None
        assert db.session.get(Shift, shift.id).places_taken == 1
    assert outbox.messages() == []


@pytest.mark.parametrize("person_id", ["", "abc", "999999", "applicant"])
def test_adding_someone_who_cannot_be_booked_by_hand_is_refused(app, coordinator, make_user, make_shift, person_id):
    shift = make_shift()
    if person_id == "applicant":
        person_id = make_user("applicant@example.org", status=Status.CONFIRMED).id
    client, _ = coordinator
    response = client.submit(f"{roster_url(shift)}/add", {"person_id": person_id}, page=roster_url(shift))
    assert response.status_code == 422
    assert "Choose a volunteer from the search results." in page_text(response)


def test_removing_someone_emails_them_and_offers_the_place_to_the_waitlist(app, coordinator, make_user, make_shift,
                                                                          outbox):
    shift = make_shift(places=1)
    booked = put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan"))
    waiting = put_on(app, shift, volunteer(make_user, "omid@example.org", "Omid Karimi"), BookingStatus.WAITLISTED,
                     waitlisted_at=NOW - timedelta(hours=1))
    client, _ = coordinator
    url = f"{roster_url(shift)}/{booked}/remove"

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove Amal Hassan from the shift?" in page_text(confirm)
    assert status_of(app, booked) is BookingStatus.BOOKED, "showing the question changes nothing"
    response = client.submit(url)
    assert response.status_code == 303
    assert status_of(app, booked) is BookingStatus.CANCELLED
    assert status_of(app, waiting) is BookingStatus.OFFERED
    messages = {message["To"]: message for message in outbox.messages()}
    assert messages["amal@example.org"]["Subject"] == "You are no longer booked on a shift"
    assert messages["omid@example.org"]["Subject"] == "A place on a shift is held for you"
    html = page_text(client.get(roster_url(shift)))
    assert "Amal Hassan is removed from the shift; an e-mail telling them is on its way." in html
    assert "Offered, not confirmed yet" in html

    again = client.submit(url)
    assert again.status_code == 409 and "Amal Hassan could not be removed" in page_text(again)


def test_attendance_refused_over_htmx_answers_with_the_row_as_it_stands(app, coordinator, make_user, make_shift):
    shift = make_shift(hours=2.5)
    amal = put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan"))
    client, user = coordinator
    response = client.submit(f"{roster_url(shift)}/{amal}/attendance", {"status": "attended"},
                             page=roster_url(shift), headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert page_text(response).lstrip().startswith(f'<li class="roster__person" id="booking-{amal}"')
    assert status_of(app, amal) is BookingStatus.BOOKED


def test_attendance_is_refused_before_the_start_and_recorded_in_place_after(app, clock, coordinator, make_user,
                                                                          make_shift):
    shift = make_shift(hours=2.5)
    amal = put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan"))
    omid = put_on(app, shift, volunteer(make_user, "omid@example.org", "Omid Karimi"))
    client, user = coordinator
    url = f"{roster_url(shift)}/{amal}/attendance"

    assert client.submit(url, {"status": "attended"}, page=roster_url(shift)).status_code == 409
    assert status_of(app, amal) is BookingStatus.BOOKED

    clock.advance(days=3, hours=1)
    html = page_text(client.get(roster_url(shift)))
    assert "data-mark" in html and "data-remove" not in html
    response = client.submit(url, {"status": "attended"}, page=roster_url(shift), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    partial = page_text(response)
    assert partial.lstrip().startswith(f'<li class="roster__person" id="booking-{amal}"')
    assert re.search(r'data-mark="attended"\s+aria-pressed="true"', partial)
    assert "2.5 hours counted" in partial
    with app.app_context():
        booking = db.session.get(Booking, amal)
        assert (booking.status, booking.decided_by_id) == (BookingStatus.ATTENDED, user.id)

    plain = client.submit(f"{roster_url(shift)}/{omid}/attendance", {"status": "no_show"}, page=roster_url(shift))
    assert plain.status_code == 303 and plain.location.endswith(f"{roster_url(shift)}#booking-{omid}")
    assert status_of(app, omid) is BookingStatus.NO_SHOW
    assert client.submit(url, {"status": "maybe"}, page=roster_url(shift)).status_code == 404


def test_the_print_view_is_a_plain_table_to_tick(app, coordinator, make_user, make_shift):
    shift = make_shift(places=4)
    put_on(app, shift, volunteer(make_user, "amal@example.org", "Amal Hassan", languages=("ar", "sv")))
    client, _ = coordinator

    response = client.get(f"{roster_url(shift)}/print")
    assert response.status_code == 200
    html = page_text(response)
    assert "site-header" not in html and "subnav" not in html, "no navigation"
    assert '<table class="table print-table">' in html
    assert "Amal Hassan" in html and "070-123 45 67" in html and "Arabic and Swedish" in html
    assert html.count('<td class="print-table__tick"></td>') == 4, "Amal and three blank rows for free places"
    assert html.count('class="print-table__blank"') == 3


def test_the_day_view_lists_every_shift_of_the_site_that_day(app, coordinator, make_user, make_shift):
    day = datetime(2026, 10, 8, 6, 0, tzinfo=timezone.utc)  # 08:00 in Stockholm
    morning = make_shift(starts_at=day, task="children")
    evening = make_shift(starts_at=day + timedelta(hours=9))
    tomorrow = make_shift(starts_at=day + timedelta(days=1))
    elsewhere = make_shift(site="Mötesplats Centrum", starts_at=day)
    put_on(app, evening, volunteer(make_user, "amal@example.org", "Amal Hassan", languages=("ti",)))
    put_on(app, tomorrow, volunteer(make_user, "omid@example.org", "Omid Karimi"))
    client, _ = coordinator
    with app.app_context():
        site_id = db.session.get(Shift, morning.id).site_id

    response = client.get(f"/coordinator/sites/{site_id}/day/2026-10-08")
    assert response.status_code == 200
    html = page_text(response)
    assert f'id="shift-{morning.id}"' in html and f'id="shift-{evening.id}"' in html
    assert f'id="shift-{tomorrow.id}"' not in html and f'id="shift-{elsewhere.id}"' not in html
    assert html.index(f'id="shift-{morning.id}"') < html.index(f'id="shift-{evening.id}"')
    assert "Amal Hassan" in html and 'href="tel:+46701234567"' in html and "Tigrinya" in html
    assert "Omid Karimi" not in html
    assert f'href="/coordinator/sites/{site_id}/day/2026-10-07"' in html
    assert f'href="/coordinator/sites/{site_id}/day/2026-10-09"' in html
    assert "data-print" in html and "js/print.js" in html
    assert client.get(f"/coordinator/sites/{site_id}/day/2026-13-01").status_code == 404
    assert client.get(f"/coordinator/sites/{site_id}/day/tomorrow").status_code == 404


def test_a_late_evening_shift_belongs_to_its_stockholm_day(app, coordinator, make_shift):
    late = make_shift(starts_at=datetime(2026, 10, 8, 22, 30, tzinfo=timezone.utc))  # 00:30 on the 9th
    client, _ = coordinator
    with app.app_context():
        site_id = db.session.get(Shift, late.id).site_id
    assert f'id="shift-{late.id}"' not in page_text(client.get(f"/coordinator/sites/{site_id}/day/2026-10-08"))
    assert f'id="shift-{late.id}"' in page_text(client.get(f"/coordinator/sites/{site_id}/day/2026-10-09"))


def needs_row(html: str, shift_id: int) -> str:
    return html[html.index('<tr class="needs__shift'):].split(f'data-shift="{shift_id}"', 1)[1].split("</tr>")[0]


def test_the_needs_overview_shows_each_shifts_free_places_and_uncovered_languages(app, coordinator, make_user,
                                                                                make_shift):
    thursday = datetime(2026, 10, 8, 15, 0, tzinfo=timezone.utc)
    first = make_shift(starts_at=thursday, places=3, languages=("ar", "ti"))
    second = make_shift(starts_at=thursday + timedelta(hours=3), places=2, languages=("so",), task="children")
    cancelled = make_shift(starts_at=thursday + timedelta(days=1), places=5, cancelled_at=NOW)
    later = make_shift(starts_at=NOW + timedelta(days=20), places=5)
    theirs = make_shift(site="Boende Annanstad", organisation="Röda Korset Annanstad", starts_at=thursday, places=9)
    put_on(app, first, volunteer(make_user, "amal@example.org", "Amal Hassan", languages=("sv", "ar")))
    put_on(app, second, volunteer(make_user, "sahra@example.org", "Sahra Ali", languages=("so",)),
           BookingStatus.OFFERED, offer_expires_at=NOW + timedelta(hours=24))
    put_on(app, second, volunteer(make_user, "ti@example.org", "Tesfay", languages=("ti",)),
           BookingStatus.WAITLISTED, waitlisted_at=NOW)
    client, _ = coordinator
    with app.app_context():
        site_id = db.session.get(Shift, first.id).site_id

    html = page_text(client.get("/coordinator/needs"))
    row = needs_row(html, first.id)
    assert 'data-unfilled="2"' in row and "2 of 3" in row
    assert 'data-uncovered="ti"' in row and "Tigrinya" in row, "Arabic is spoken by Amal"
    assert "Support conversations" in row and f'href="/coordinator/shifts/{first.id}/roster"' in row
    assert f'href="/coordinator/sites/{site_id}/day/2026-10-08"' in row
    row = needs_row(html, second.id)
    assert 'data-unfilled="1"' in row and 'data-uncovered=""' in row, "Somali by Sahra; the waitlist does not count"
    assert "Activities for children" in row
    for gone in (cancelled, later, theirs):
        assert f'data-shift="{gone.id}"' not in html, "cancelled, beyond two weeks, another organisation's"
    assert "Boende Annanstad" not in html
    assert 'href="/coordinator/needs" aria-current="page"' in html


def count_statements(app, client, url) -> int:
    with statements_of(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_a_sites_day_takes_at_most_six_queries_however_many_shifts_and_people(app, coordinator, make_user,
                                                                              make_shift):
    client, _ = coordinator
    day = datetime(2026, 10, 8, 6, 0, tzinfo=timezone.utc)
    people = [volunteer(make_user, f"p{n}@example.org", f"Person {n}", languages=("sv", "ar")) for n in range(6)]

    def add_shifts(count):
        for n in range(count):
            shift = make_shift(starts_at=day + timedelta(minutes=30 * n), places=3, languages=("ar", "ti"))
            for person in (people[n % 6], people[(n + 1) % 6]):
                put_on(app, shift, person)

    add_shifts(2)
    with app.app_context():
        site_id = db.session.scalars(select(Shift)).first().site_id
    url = f"/coordinator/sites/{site_id}/day/2026-10-08"
    few = count_statements(app, client, url)
    add_shifts(10)
    many = count_statements(app, client, url)
    assert many == few <= 6, f"{few} statements for 2 shifts, {many} for 12"


def test_the_needs_overview_takes_as_many_queries_for_30_shifts_as_for_3(app, coordinator, make_user, make_shift):
    client, _ = coordinator
    people = [volunteer(make_user, f"p{n}@example.org", f"Person {n}", languages=("sv", "ar")) for n in range(3)]

    def add_shifts(count, site):
        for n in range(count):
            shift = make_shift(site=site, starts_at=NOW + timedelta(days=1 + n % 12, hours=n % 5), places=3,
                               languages=("ar", "ti"))
            put_on(app, shift, people[n % 3])

    add_shifts(3, "Boende Testby")
    few = count_statements(app, client, "/coordinator/needs")
    add_shifts(27, "Mötesplats Centrum")
    with app.app_context():
        assert len(db.session.scalars(select(Shift)).all()) == 30
        assert len(db.session.scalars(select(Site)).all()) == 2
    many = count_statements(app, client, "/coordinator/needs")
    assert many == few


def test_the_people_on_a_days_shifts_are_found_by_shift_not_by_status(app, coordinator, make_user, make_shift):
    """SQLite has no statistics until ANALYZE; with only single-column indexes it read the bookings by status
    (most of them) to find the few on a day's shifts. The plan must search by shift."""
    client, _ = coordinator
    day = datetime(2026, 10, 8, 6, 0, tzinfo=timezone.utc)
    person = volunteer(make_user, "p@example.org", "Person")
    for n in range(8):  # a busy day: the planner weighs a list of eight shifts against a list of statuses
        shift = make_shift(starts_at=day + timedelta(hours=n), places=3)
        put_on(app, shift, person)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL plans by its own statistics (ANALYZE runs by itself)")
    with statements_of(app) as sent:
        assert client.get(f"/coordinator/sites/{shift.site_id}/day/2026-10-08").status_code == 200
    statements = [(statement, parameters) for statement, parameters in sent
                  if statement.lstrip().startswith("SELECT booking.id") and "booking.shift_id IN" in statement]
    assert statements, "the roster's query was not seen"
    statement, parameters = statements[0]
    with engine.connect() as connection:
        plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "ix_booking_status" not in plan and "USING INDEX ix_booking_shift_id" in plan, plan


def add(client, shift, person, **extra):
    return client.submit(f"{roster_url(shift)}/add", {"person_id": person.id, "q": "amal", **extra},
                         page=roster_url(shift))


def test_booking_by_hand_names_the_rules_the_person_does_not_meet_and_books_nobody(app, coordinator, make_user,
                                                                                  make_shift, outbox):
    shift = make_shift(qualification="intro_housing", requires_record_check=True)
    other = make_shift(site="Boende Två", starts_at=shift.starts_at + timedelta(hours=1))
    amal = volunteer(make_user, "amal@example.org", "Amal Hassan")
    put_on(app, other, amal)
    client, _ = coordinator
    response = add(client, shift, amal)
    assert response.status_code == 409
    html = page_text(response)
    assert "Amal Hassan does not hold “Introduction to evacuation housing” valid on the day of the shift." in html
    assert "Amal Hassan has no criminal-record extract valid on the day of the shift, which it requires." in html
    assert "Amal Hassan is on another shift then" in html and "Boende Två" in html
    assert "Book anyway" in html and 'value="amal"' in html
    with app.app_context():
        assert db.session.scalar(select(Booking).where(Booking.shift_id == shift.id)) is None
    assert outbox.messages() == []


def test_an_override_needs_a_reason_and_is_in_the_audit_log_with_it(app, coordinator, make_user, make_shift, outbox):
    shift = make_shift(qualification="intro_housing")
    amal = volunteer(make_user, "amal@example.org", "Amal Hassan")
    client, user = coordinator
    unreasoned = add(client, shift, amal, overrides="needs_qualification", override_reason="")
    assert unreasoned.status_code == 422
    assert "Write why you book them anyway." in page_text(unreasoned)
    response = add(client, shift, amal, overrides="needs_qualification",
                   override_reason="Gick kursen i Malmö, intyget kommer.")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Booking).where(Booking.shift_id == shift.id)).status is BookingStatus.BOOKED
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "shift_added_by_coordinator"))
        assert (event.actor_id, event.subject_id) == (user.id, amal.id)
        assert event.details["overridden"] == ["needs_qualification"]
        assert event.details["reason"] == "Gick kursen i Malmö, intyget kommer."
    assert outbox.last()["To"] == "amal@example.org"


def test_an_override_covers_only_the_rules_the_coordinator_was_shown(app, coordinator, make_user, make_shift):
    shift = make_shift(qualification="intro_housing", requires_record_check=True)
    amal = volunteer(make_user, "amal@example.org", "Amal Hassan")
    client, _ = coordinator
    response = add(client, shift, amal, overrides="needs_qualification", override_reason="Kursen i Malmö.")
    assert response.status_code == 409
    assert "criminal-record extract" in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(Booking).where(Booking.shift_id == shift.id)) is None


def test_the_needs_overview_sums_each_organisation_first_then_pages_the_sites_keeping_the_organisation(
        app, make_user, make_shift, make_organisation, frg):
    red_cross = make_organisation("Röda Korset Testby", kind="red_cross")
    client = signed_in(app, make_user("coord@example.org", full_name="Cora", status=Status.APPROVED,
                                      role=Role.COORDINATOR, coordinates=[frg, red_cross], locale="en"))
    make_shift(site="Boende 1", starts_at=NOW + timedelta(days=2), places=3)
    few = count_statements(app, client, "/coordinator/needs")
    for n in range(2, 8):
        make_shift(site=f"Boende {n}", starts_at=NOW + timedelta(days=2), places=3)
    make_shift(site="Röda Korsets mötesplats", organisation="Röda Korset Testby", starts_at=NOW + timedelta(days=3),
               places=4)
    make_shift(site="Boende 1", starts_at=NOW + timedelta(days=30), places=3)  # beyond two weeks
    many = count_statements(app, client, "/coordinator/needs")
    assert many == few, "a page of sites reads the same however many sites there are"

    html = page_text(client.get("/coordinator/needs"))
    summary = html[html.index('id="needs-summary"'):html.index("</table>", html.index('id="needs-summary"'))]
    frg_row = summary[summary.index(f'data-organisation="{frg.id}"'):]
    assert "<td>7</td><td>7</td>" in frg_row and 'data-unfilled="21"' in frg_row
    assert f'data-organisation="{red_cross.id}"' in summary
    assert [name for name in re.findall(r'id="site-\d+-title"><bdi dir="auto">([^<]+)<', html)] == \
        ["Boende 1", "Boende 2", "Boende 3", "Boende 4", "Boende 5"]
    assert "Page 1 of 2" in html and '<a rel="next" href="/coordinator/needs?page=2">' in html
    second = page_text(client.get("/coordinator/needs?page=2"))
    assert re.findall(r'id="site-\d+-title"><bdi dir="auto">([^<]+)<', second) == \
        ["Boende 6", "Boende 7", "Röda Korsets mötesplats"]

    theirs = page_text(client.get(f"/coordinator/needs?organisation={red_cross.id}"))
    assert re.findall(r'id="site-\d+-title"><bdi dir="auto">([^<]+)<', theirs) == ["Röda Korsets mötesplats"]
    assert 'href="/coordinator/needs">Sites of all your organisations</a>' in theirs
    assert "Boende 1</bdi></h2>" not in theirs


def test_the_needs_overview_shows_no_site_of_an_organisation_outside_ones_scope(app, coordinator, make_shift,
                                                                              make_organisation):
    other = make_organisation("Röda Korset Annanstad", kind="red_cross")
    make_shift(site="Boende Annanstad", organisation="Röda Korset Annanstad", starts_at=NOW + timedelta(days=2))
    client, _ = coordinator
    html = page_text(client.get(f"/coordinator/needs?organisation={other.id}"))
    assert "Boende Annanstad" not in html and f'data-organisation="{other.id}"' not in html


@pytest.mark.parametrize("value", ["99999999999", "-1", "abc", ""])
def test_an_odd_organisation_in_the_needs_overviews_address_shows_all_of_them(coordinator, make_shift, value):
    make_shift(starts_at=NOW + timedelta(days=2))
    client, _ = coordinator
    response = client.get(f"/coordinator/needs?organisation={value}")
    assert response.status_code == 200 and "Boende Testby" in page_text(response)
