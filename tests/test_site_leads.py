"""Site leads and the day at the site: appointing a lead for a period, the lead's two days (and nothing else),
check-in codes that change and expire, checking in and out by code and by hand, races, no-shows, notes, and who is
here now."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from volunteer.extensions import db
from volunteer.leads import codes, service
from volunteer.models import AuditEvent, Booking, BookingStatus, Role, SiteLead, SiteNote, Status, User

from .helpers import page_text, put_on, signed_in

# A Tuesday morning in Stockholm (08:00 local): a shift at 08:30 is open for check-in.
NOW = datetime(2026, 3, 10, 7, 0, tzinfo=timezone.utc)
TODAY = date(2026, 3, 10)


@pytest.fixture
def day(app, make_user, make_shift, coordinator):
    """A lead of Boende Testby this week, a shift there starting in half an hour with a volunteer booked, a later
    shift, and a shift at another site of the same organisation."""
    lead = make_user("lead@example.org", full_name="Lea Ledare", status=Status.APPROVED, locale="en")
    volunteer = make_user("vera@example.org", full_name="Vera Volontär", status=Status.APPROVED, locale="en",
                          languages=("fa", "sv"), phone="+46701112233")
    shift = make_shift(starts_at=NOW + timedelta(minutes=30), places=3)
    later = make_shift(starts_at=NOW + timedelta(hours=5), places=3)
    elsewhere = make_shift(site="Mötesplats Annanstans", starts_at=NOW + timedelta(minutes=30), places=3)
    booking_id = put_on(app, shift, volunteer)
    with app.app_context():
        db.session.add(SiteLead(site_id=shift.site_id, user_id=lead.id, from_day=TODAY,
                                until_day=TODAY + timedelta(days=2)))
        db.session.get(User, coordinator.id).locale = "en"  # English pages, so the tests read plainly
        db.session.commit()
    return {"lead": lead, "volunteer": volunteer, "shift": shift, "later": later, "elsewhere": elsewhere,
            "booking_id": booking_id, "site_id": shift.site_id, "coordinator": coordinator}


def booking(app, booking_id) -> Booking:
    with app.app_context():
        found = db.session.get(Booking, booking_id)
        db.session.expunge(found)
        return found


def events(app, action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_coordinator_makes_an_approved_volunteer_the_lead_for_a_period(app, day, make_user):
    make_user("nils@example.org", full_name="Nils Granne", status=Status.APPROVED)
    make_user("ali@example.org", full_name="Ali Sökande", status=Status.CONFIRMED)
    client = signed_in(app, day["coordinator"])
    url = f"/coordinator/sites/{day['site_id']}/leads"
    assert client.get(url).status_code == 200
    form = {"email": "ali@example.org", "from_day": "2026-03-10", "until_day": "2026-03-12"}
    response = client.submit(url, form)
    assert response.status_code == 422 and "No approved volunteer" in page_text(response)
    response = client.submit(url, {**form, "email": "nils@example.org", "until_day": "2026-03-09"})
    assert response.status_code == 422 and "on or after the first day" in page_text(response)
    response = client.submit(url, {**form, "email": "nils@example.org", "from_day": "2026-03-01", "until_day": "2026-03-09"})
    assert response.status_code == 422 and "today or a later day" in page_text(response)
    response = client.submit(url, {**form, "email": "NILS@example.org"})
    assert response.status_code == 303
    assert "Nils Granne" in page_text(client.get(url))
    assert [e.details["until_day"] for e in events(app, "site_lead_appointed")] == ["2026-03-12"]


def test_another_organisations_coordinator_cannot_appoint_or_see_the_sites_day(app, day, make_user, make_organisation):
    red_cross = make_organisation("Röda Korset Testby", kind="red_cross")
    other = make_user("other@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[red_cross])
    client = signed_in(app, other)
    assert client.get(f"/coordinator/sites/{day['site_id']}/leads").status_code == 404
    assert client.get(f"/lead/sites/{day['site_id']}/today").status_code == 404
    assert client.get(f"/lead/sites/{day['site_id']}/here").status_code == 404


def test_the_lead_sees_today_and_tomorrow_with_phones_and_languages_and_each_opening_is_audited(app, day):
    client = signed_in(app, day["lead"])
    response = client.get(f"/lead/sites/{day['site_id']}/today")
    text = page_text(response)
    assert response.status_code == 200
    assert "Vera Volontär" in text and "070-111 22 33" in text and "Persian" in text
    with app.app_context():
        code = codes.code_for(day["shift"].id, NOW)
    assert "Check-in code" in text and code in text and "<svg" in text
    client.get(f"/lead/sites/{day['site_id']}/today")
    viewed = events(app, "site_day_viewed")
    assert len(viewed) == 2 and viewed[0].actor_id == day["lead"].id and viewed[0].details["site_id"] == day["site_id"]
    assert client.get("/lead").status_code == 200


def test_the_lead_sees_nothing_else(app, day):
    client = signed_in(app, day["lead"])
    assert client.get(f"/lead/sites/{day['elsewhere'].site_id}/today").status_code == 404
    for url in ("/coordinator/applicants", "/coordinator/volunteers", f"/coordinator/shifts/{day['shift'].id}/roster",
                "/coordinator/volunteers.csv", f"/coordinator/people/{day['volunteer'].id}", f"/coordinator/sites/{day['site_id']}/leads"):
        assert client.get(url).status_code == 403, url


def test_a_lead_whose_period_is_over_or_not_begun_leads_nothing(make_app, day):
    from .helpers import MovableClock
    for moment in (NOW + timedelta(days=3), NOW - timedelta(days=1)):
        app = make_app(CLOCK=MovableClock(moment))
        client = signed_in(app, day["lead"])
        assert client.get("/lead").status_code == 403
        assert client.get(f"/lead/sites/{day['site_id']}/today").status_code == 403


def test_codes_change_with_the_window_the_previous_one_still_works_then_they_expire(app, day):
    shift_id = day["shift"].id
    with app.app_context():
        code = codes.code_for(shift_id, NOW)
        assert len(code) == 6 and code.isdigit()
        assert codes.matches(shift_id, code, NOW)
        assert codes.matches(shift_id, code, NOW + codes.WINDOW)
        assert not codes.matches(shift_id, code, NOW + 2 * codes.WINDOW)
        assert code != codes.code_for(day["later"].id, NOW) and not codes.matches(day["later"].id, code, NOW)
        assert codes.matches(shift_id, f"{code[:3]} {code[3:]}", NOW)
        persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert codes.matches(shift_id, persian, NOW)


def test_a_volunteer_checks_in_with_the_code_and_out_with_it_again(app, clock, day):
    client = signed_in(app, day["volunteer"])
    with app.app_context():
        code = codes.code_for(day["shift"].id, NOW)
    response = client.submit("/check-in", {"code": code})
    assert response.status_code == 303
    checked = booking(app, day["booking_id"])
    assert checked.checked_in_at == NOW and checked.status is BookingStatus.ATTENDED and checked.checked_out_at is None
    assert "You are checked in" in page_text(client.get(response.location))
    # The same code again at once (a second scan, a double tap) is the same arrival.
    client.submit("/check-in", {"code": code})
    assert booking(app, day["booking_id"]).checked_out_at is None
    clock.advance(hours=3)
    with app.app_context():
        code = codes.code_for(day["shift"].id, clock.now)
    assert client.submit("/check-in", {"code": code}).status_code == 303
    assert booking(app, day["booking_id"]).checked_out_at == clock.now
    assert [e.details["by_code"] for e in events(app, "shift_checked_in") + events(app, "shift_checked_out")] == [True, True]


def test_a_code_does_not_check_in_someone_not_booked_or_on_another_shift_or_site_or_expired(app, clock, day, make_user):
    with app.app_context():
        code, later, elsewhere = (codes.code_for(s.id, NOW) for s in (day["shift"], day["later"], day["elsewhere"]))
    stranger = signed_in(app, make_user("sam@example.org", status=Status.APPROVED, locale="en"))
    response = stranger.submit("/check-in", {"code": code})
    assert response.status_code == 422 and "not the code of a shift of yours" in page_text(response)
    client = signed_in(app, day["volunteer"])
    for wrong in (later, elsewhere, "12345x", ""):
        assert client.submit("/check-in", {"code": wrong}).status_code == 422, wrong
    clock.advance(minutes=2 * codes.WINDOW.seconds // 60)
    assert client.submit("/check-in", {"code": code}).status_code == 422
    assert booking(app, day["booking_id"]).checked_in_at is None
    with app.app_context():
        assert db.session.scalar(select(Booking).where(Booking.checked_in_at.is_not(None))) is None


def test_a_shift_more_than_an_hour_away_is_not_open_for_check_in(app, day, make_user):
    person = make_user("pia@example.org", status=Status.APPROVED, locale="en")
    put_on(app, day["later"], person)
    with app.app_context():
        code = codes.code_for(day["later"].id, NOW)
    assert signed_in(app, person).submit("/check-in", {"code": code}).status_code == 422


def test_the_qr_address_fills_in_the_form_and_changes_nothing(app, day):
    client = signed_in(app, day["volunteer"])
    with app.app_context():
        code = codes.code_for(day["shift"].id, NOW)
    response = client.get(f"/check-in?code={code}")
    assert response.status_code == 200 and f'value="{code}"' in response.get_data(as_text=True)
    assert booking(app, day["booking_id"]).checked_in_at is None


def test_two_scans_at_once_give_one_check_in(app, day):
    with app.test_request_context():
        volunteer = db.session.get(User, day["volunteer"].id)
        row = db.session.get(Booking, day["booking_id"])
        assert service.check_in(row, volunteer, NOW, by_code=True)
        db.session.commit()
        # The second scan read the booking before the first one's commit: as it saw it, not checked in yet.
        set_committed_value(row, "checked_in_at", None)
        set_committed_value(row, "status", BookingStatus.BOOKED)
        assert not service.check_in(row, volunteer, NOW + timedelta(seconds=1), by_code=True)
        db.session.commit()
    assert len(events(app, "shift_checked_in")) == 1
    assert booking(app, day["booking_id"]).checked_in_at == NOW


def test_the_lead_checks_in_and_out_by_hand_and_records_no_shows(app, clock, day, make_user):
    late = make_user("lars@example.org", full_name="Lars Sen", status=Status.APPROVED)
    late_id = put_on(app, day["shift"], late)
    client = signed_in(app, day["lead"])
    base = f"/lead/sites/{day['site_id']}/bookings"
    page = f"/lead/sites/{day['site_id']}/today"
    # Not started: no no-show yet.
    assert client.submit(f"{base}/{late_id}/no_show", page=page).status_code == 409
    assert client.submit(f"{base}/{day['booking_id']}/check_in", page=page).status_code == 303
    assert client.submit(f"{base}/{day['booking_id']}/check_in", page=page).status_code == 409
    clock.advance(hours=1)
    assert client.submit(f"{base}/{late_id}/no_show", page=page).status_code == 303
    assert booking(app, late_id).status is BookingStatus.NO_SHOW
    assert client.submit(f"{base}/{day['booking_id']}/no_show", page=page).status_code == 409
    assert client.submit(f"{base}/{day['booking_id']}/check_out", page=page).status_code == 303
    checked = booking(app, day["booking_id"])
    assert checked.checked_in_at == NOW and checked.checked_out_at == NOW + timedelta(hours=1)
    assert events(app, "shift_checked_in")[0].actor_id == day["lead"].id
    # Someone marked as not come who arrives after all checks in with the code.
    with app.app_context():
        code = codes.code_for(day["shift"].id, clock.now)
    assert signed_in(app, late).submit("/check-in", {"code": code}).status_code == 303
    assert booking(app, late_id).status is BookingStatus.ATTENDED


def test_a_lead_cannot_touch_a_booking_at_another_site(app, day, make_user):
    person = make_user("olle@example.org", status=Status.APPROVED)
    other_id = put_on(app, day["elsewhere"], person)
    client = signed_in(app, day["lead"])
    response = client.submit(f"/lead/sites/{day['site_id']}/bookings/{other_id}/check_in",
                             page=f"/lead/sites/{day['site_id']}/today")
    assert response.status_code == 404 and booking(app, other_id).checked_in_at is None


def test_who_is_here_now_lists_those_checked_in_with_languages_and_first_timers(app, clock, day, make_user, make_shift):
    old_hand = make_user("olga@example.org", full_name="Olga Van", status=Status.APPROVED, languages=("uk",))
    past = make_shift(starts_at=NOW - timedelta(days=30))
    put_on(app, past, old_hand, status=BookingStatus.ATTENDED)
    old_id = put_on(app, day["shift"], old_hand)
    lead = signed_in(app, day["lead"])
    here = f"/lead/sites/{day['site_id']}/here"
    assert "Nobody is checked in now." in page_text(lead.get(here))
    page = f"/lead/sites/{day['site_id']}/today"
    for booking_id in (day["booking_id"], old_id):
        lead.submit(f"/lead/sites/{day['site_id']}/bookings/{booking_id}/check_in", page=page)
    response = lead.get(here)
    text = page_text(response)
    assert "Vera Volontär" in text and "Olga Van" in text and "Persian" in text and "Ukrainian" in text
    assert text.count("First time") == 1 and text.index("First time") > text.index("Vera Volontär")
    assert "data-print" in response.get_data(as_text=True)
    coordinator = signed_in(app, day["coordinator"])
    assert "Olga Van" in page_text(coordinator.get(here))
    clock.advance(hours=1)
    lead.submit(f"/lead/sites/{day['site_id']}/bookings/{old_id}/check_out", page=page)
    html = lead.get(here).get_data(as_text=True)
    assert '<bdi dir="auto">Olga Van</bdi>' not in html and '<bdi dir="auto">Vera Volontär</bdi>' in html
    assert len(events(app, "here_now_viewed")) == 4


def test_the_lead_writes_a_note_the_coordinators_read(app, day):
    client = signed_in(app, day["lead"])
    url = f"/lead/sites/{day['site_id']}/notes"
    page = f"/lead/sites/{day['site_id']}/today"
    response = client.submit(url, {"text": "  ", "shift_id": ""}, page=page)
    assert response.status_code == 422 and "Write what happened." in page_text(response)
    response = client.submit(url, {"text": "x" * 1001, "shift_id": ""}, page=page)
    assert response.status_code == 422
    response = client.submit(url, {"text": "Vattenläcka i köket.", "shift_id": str(day["elsewhere"].id)}, page=page)
    assert response.status_code == 422, "a shift of another site is not a choice"
    assert client.submit(url, {"text": "Vattenläcka i köket.", "shift_id": str(day["shift"].id)}, page=page).status_code == 303
    with app.app_context():
        note = db.session.scalar(select(SiteNote))
        assert note.author_id == day["lead"].id and note.shift_id == day["shift"].id
    text = page_text(signed_in(app, day["coordinator"]).get(f"/coordinator/sites/{day['site_id']}/leads"))
    assert "Vattenläcka i köket." in text and "Lea Ledare" in text


def test_ending_a_lead_takes_the_site_away_at_once(app, day):
    coordinator = signed_in(app, day["coordinator"])
    with app.app_context():
        lead_id = db.session.scalar(select(SiteLead.id))
    url = f"/coordinator/sites/{day['site_id']}/leads"
    assert coordinator.submit(f"{url}/{lead_id}/end", page=url).status_code == 303
    assert signed_in(app, day["lead"]).get(f"/lead/sites/{day['site_id']}/today").status_code == 403
    assert len(events(app, "site_lead_ended")) == 1


def test_the_lead_finds_the_site_on_their_page_and_coordinators_from_the_sites_day(app, day):
    text = page_text(signed_in(app, day["lead"]).get("/me"))
    assert "Sites you lead" in text and f"/lead/sites/{day['site_id']}/today" in text
    assert "Sites you lead" not in page_text(signed_in(app, day["volunteer"]).get("/me"))
    html = signed_in(app, day["coordinator"]).get(f"/coordinator/sites/{day['site_id']}/day/2026-03-10").get_data(
        as_text=True)
    assert f"/lead/sites/{day['site_id']}/here" in html and f"/coordinator/sites/{day['site_id']}/leads" in html


@pytest.mark.now(datetime(2026, 10, 24, 22, 20, tzinfo=timezone.utc))  # 00:20 in Stockholm, summer time
def test_hours_use_the_real_time_from_check_in_to_check_out_across_the_clock_change(app, clock, make_shift, make_user):
    from volunteer import clock as stockholm
    from volunteer.hours import aggregates, totals

    night = date(2026, 10, 25)  # the clocks go back from 03:00 to 02:00
    shift = make_shift(starts_at=stockholm.at(night, datetime.min.time().replace(minute=30)),
                       ends_at=stockholm.at(night, datetime.min.time().replace(hour=4, minute=30)))  # 5 h really
    person = make_user("nora@example.org", status=Status.APPROVED, locale="en")
    other = make_user("otto@example.org", status=Status.APPROVED, locale="en")
    booking_id = put_on(app, shift, person)
    put_on(app, shift, other, status=BookingStatus.ATTENDED)  # marked by hand, never checked in: the shift's hours
    client = signed_in(app, person)
    with app.app_context():
        assert client.submit("/check-in", {"code": codes.code_for(shift.id, clock.now)}).status_code == 303
    clock.now = datetime(2026, 10, 25, 2, 40, tzinfo=timezone.utc)  # 03:40 in Stockholm, winter time: 4 h 20 min
    with app.app_context():
        assert client.submit("/check-in", {"code": codes.code_for(shift.id, clock.now)}).status_code == 303
    assert booking(app, booking_id).checked_out_at == clock.now
    with app.app_context():
        assert totals.summary(db.session.get(User, person.id)).shift_minutes == 4 * 60 + 20
        assert totals.summary(db.session.get(User, other.id)).shift_minutes == 5 * 60
        report = {row.person.id: row.minutes for row in aggregates.report(None, night, night)}
        assert report == {person.id: 4 * 60 + 20, other.id: 5 * 60}
        assert aggregates.summary(None, night, night).minutes == 9 * 60 + 20
    clock.advance(hours=2)  # the shift is over: My shifts counts it
    assert "Hours recorded as worked: 4.33" in page_text(client.get("/shifts/mine"))
