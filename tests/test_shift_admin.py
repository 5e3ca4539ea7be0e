"""Coordinators keep sites, tasks and shifts: one shift or a weekly series across daylight saving, edits and
cancellations that the booked volunteers hear about."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import Booking, BookingStatus, Role, Shift, Site, Status, Task, User
from volunteer.shifts import bookings

from .helpers import field_error, page_text, signed_in, statements_of

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=timezone.utc)  # Monday; the clocks go back on 25 October


@pytest.fixture
def cora(app, make_user, frg):
    user = make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED,
                     role=Role.COORDINATOR, coordinates=[frg], locale="en")
    return signed_in(app, user)


def site_and_task(app, make_shift):
    """A site of FRG Testby and a task, made through a first shift."""
    shift = make_shift(starts_at=NOW + timedelta(days=1))
    with app.app_context():
        stored = db.session.get(Shift, shift.id)
        return stored.site_id, stored.task_id


def shift_data(site_id, task_id, **overrides):
    data = {"site_id": site_id, "task_id": task_id, "day": "2026-10-13", "start": "17:00", "end": "20:00",
            "places": "3", "qualification_id": "", "languages": ["ar"], "notes": "", "weeks": "1"}
    data.update(overrides)
    return data


def book(app, make_user, shift_id, email, locale="sv"):
    user = make_user(email, status=Status.APPROVED, locale=locale)
    with app.test_request_context():
        bookings.book(db.session.get(User, user.id), db.session.get(Shift, shift_id), NOW)
        db.session.commit()
    return user


def test_a_coordinator_adds_and_edits_a_site_of_their_organisation(app, cora, frg):
    response = cora.submit("/coordinator/sites/new", {
        "name": "Boende Väst", "organisation_id": frg.id, "kind": "evacuation_housing", "address": "Västgatan 2",
        "access_notes": "Ring på", "contact_on_duty": "Jour 010-1"})
    assert response.status_code == 303
    assert "Boende Väst" in page_text(cora.get("/coordinator/sites"))
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.name == "Boende Väst"))
        assert (site.address, site.contact_on_duty) == ("Västgatan 2", "Jour 010-1")
    response = cora.submit(f"/coordinator/sites/{site.id}/edit", {
        "name": "Boende Väst", "organisation_id": frg.id, "kind": "meeting_place", "address": "Nya gatan 1"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Site, site.id).address == "Nya gatan 1"


def test_a_site_name_is_unique_and_bad_input_keeps_what_was_typed(app, cora, frg, make_shift):
    make_shift()  # Boende Testby
    response = cora.submit("/coordinator/sites/new", {
        "name": "Boende Testby", "organisation_id": frg.id, "kind": "evacuation_housing", "address": "",
        "access_notes": "Porten är låst"}, page="/coordinator/sites/new")
    assert response.status_code == 422
    assert field_error(response, "name") == "There is already a site with that name."
    assert field_error(response, "address") == "Write the address."
    assert "Porten är låst" in page_text(response)


def test_other_organisations_sites_and_shifts_are_not_found(app, make_user, make_organisation, make_shift):
    shift = make_shift()
    other = make_organisation("FRG Annanstad")
    outsider = make_user("other@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[other])
    client = signed_in(app, outsider)
    assert "Boende Testby" not in page_text(client.get("/coordinator/sites"))
    assert client.get(f"/coordinator/sites/{shift.site_id}/edit").status_code == 404
    assert client.get(f"/coordinator/shifts/{shift.id}/edit").status_code == 404
    assert client.get(f"/coordinator/shifts/{shift.id}/cancel").status_code == 404
    assert f'id="shift-{shift.id}"' not in page_text(client.get("/coordinator/shifts"))
    volunteer = make_user("v@example.org", status=Status.APPROVED)
    client.sign_in_as(volunteer)
    assert client.get("/coordinator/sites").status_code == 403


def test_tasks_have_a_name_in_every_site_language_and_swedish_is_needed(app, cora):
    response = cora.submit("/coordinator/tasks/new", {"code": "homework", "name_en": "Homework help",
                                                      "name_ar": "مساعدة في الواجبات"},
                           page="/coordinator/tasks/new")
    assert response.status_code == 422 and field_error(response, "name_sv") == "Write the name in Swedish."
    assert "مساعدة في الواجبات" in page_text(response)
    response = cora.submit("/coordinator/tasks/new", {"code": "homework", "name_sv": "Läxhjälp",
                                                      "name_en": "Homework help", "name_ar": "مساعدة في الواجبات"})
    assert response.status_code == 303
    with app.app_context():
        task = db.session.scalar(select(Task).where(Task.code == "homework"))
        assert task.names == {"sv": "Läxhjälp", "en": "Homework help", "ar": "مساعدة في الواجبات"}
    assert "Homework help" in page_text(cora.get("/coordinator/tasks"))
    response = cora.submit("/coordinator/tasks/new", {"code": "homework", "name_sv": "Läxor"},
                           page="/coordinator/tasks/new")
    assert field_error(response, "code") == "There is already a task with that code."
    response = cora.submit("/coordinator/tasks/new", {"code": "Läxor!", "name_sv": "Läxor"},
                           page="/coordinator/tasks/new")
    assert field_error(response, "code") == "Use small letters a–z, digits and _ only."


def test_a_weekly_series_keeps_its_swedish_time_across_daylight_saving(app, cora, make_shift):
    site_id, task_id = site_and_task(app, make_shift)
    response = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, weeks="4"),
                           page="/coordinator/shifts/new")
    assert response.status_code == 303
    with app.app_context():
        series = db.session.scalars(select(Shift).where(Shift.series_id.is_not(None))
                                    .order_by(Shift.starts_at)).all()
        assert len(series) == 4 and len({shift.series_id for shift in series}) == 1
        assert [shift.starts_at.astimezone(STOCKHOLM).strftime("%a %H:%M") for shift in series] == ["Tue 17:00"] * 4
        assert [shift.starts_at.hour for shift in series] == [15, 15, 16, 16], "UTC follows the clock change"
        assert all(shift.language_codes == ["ar"] and shift.places == 3 for shift in series)
        assert series[0].created_by_id is not None
    assert "4 shifts created" in page_text(cora.get("/coordinator/shifts"))


def test_shift_form_errors_are_shown_next_to_the_fields(app, cora, make_shift):
    site_id, task_id = site_and_task(app, make_shift)
    response = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, end="16:00", places="0",
                                                                 notes="Ta med innetofflor"),
                           page="/coordinator/shifts/new")
    assert response.status_code == 422
    assert field_error(response, "end") == "The end must come after the start."
    assert field_error(response, "places") == "Write a number from 1 to 50."
    assert "Ta med innetofflor" in page_text(response)
    response = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, day="2026-10-01"),
                           page="/coordinator/shifts/new")
    assert field_error(response, "day") == "Choose a time in the future."
    response = cora.submit("/coordinator/shifts/new", shift_data(999, task_id, languages=["xx"]),
                           page="/coordinator/shifts/new")
    assert response.status_code == 422, "a site outside one's scope or an unknown language is refused"


def test_editing_the_time_tells_the_booked_in_their_language(app, cora, make_shift, make_user, outbox):
    shift = make_shift(starts_at=datetime(2026, 10, 13, 15, 0, tzinfo=timezone.utc), places=3)
    book(app, make_user, shift.id, "v@example.org", locale="sv")
    edit = shift_data(shift.site_id, shift.task_id, start="18:00", end="21:00")
    response = cora.submit(f"/coordinator/shifts/{shift.id}/edit", edit, page=f"/coordinator/shifts/{shift.id}/edit")
    assert response.status_code == 303
    message = outbox.last()
    assert message["To"] == "v@example.org" and message["Subject"] == "Ett pass har ändrats"
    assert "18:00–21:00" in outbox.text(message)
    count = len(outbox.messages())
    cora.submit(f"/coordinator/shifts/{shift.id}/edit", {**edit, "notes": "Ny dörrkod"},
                page=f"/coordinator/shifts/{shift.id}/edit")
    assert len(outbox.messages()) == count, "a note alone sends no e-mail"


def test_places_cannot_go_below_those_taken(app, cora, make_shift, make_user):
    shift = make_shift(starts_at=datetime(2026, 10, 13, 15, 0, tzinfo=timezone.utc), places=3)
    book(app, make_user, shift.id, "a@example.org")
    book(app, make_user, shift.id, "b@example.org")
    response = cora.submit(f"/coordinator/shifts/{shift.id}/edit",
                           shift_data(shift.site_id, shift.task_id, places="1"),
                           page=f"/coordinator/shifts/{shift.id}/edit")
    assert response.status_code == 422
    assert field_error(response, "places") == "2 places are taken; the shift needs at least that many."


def test_editing_the_rest_of_a_series_leaves_earlier_shifts_alone(app, cora, make_shift):
    site_id, task_id = site_and_task(app, make_shift)
    cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, weeks="3"), page="/coordinator/shifts/new")
    with app.app_context():
        first, second, third = db.session.scalars(select(Shift).where(Shift.series_id.is_not(None))
                                                  .order_by(Shift.starts_at)).all()
    response = cora.submit(f"/coordinator/shifts/{second.id}/edit",
                           shift_data(site_id, task_id, day="2026-10-20", start="10:00", end="12:00", places="5",
                                      scope="following"), page=f"/coordinator/shifts/{second.id}/edit")
    assert response.status_code == 303
    with app.app_context():
        first, second, third = (db.session.get(Shift, s.id) for s in (first, second, third))
        local = [s.starts_at.astimezone(STOCKHOLM) for s in (first, second, third)]
        assert [(t.day, t.hour) for t in local] == [(13, 17), (20, 10), (27, 10)]
        assert [s.places for s in (first, second, third)] == [3, 5, 5]


def test_cancelling_a_shift_tells_everyone_booked(app, cora, make_shift, make_user, outbox):
    shift = make_shift(starts_at=datetime(2026, 10, 13, 15, 0, tzinfo=timezone.utc))
    book(app, make_user, shift.id, "v@example.org", locale="en")
    page = cora.get(f"/coordinator/shifts/{shift.id}/cancel")
    assert "1 person is booked or waiting" in page_text(page)
    response = cora.submit(f"/coordinator/shifts/{shift.id}/cancel", {}, page=f"/coordinator/shifts/{shift.id}/cancel")
    assert response.status_code == 303
    message = outbox.last()
    assert message["To"] == "v@example.org" and message["Subject"] == "A shift is cancelled"
    with app.app_context():
        stored = db.session.get(Shift, shift.id)
        assert stored.cancelled_at is not None and stored.places_taken == 0
        assert db.session.scalar(select(Booking.status)) is BookingStatus.CANCELLED


def test_the_reason_for_cancelling_goes_into_the_e_mail(app, cora, make_shift, make_user, outbox):
    shift = make_shift(starts_at=datetime(2026, 10, 13, 15, 0, tzinfo=timezone.utc))
    book(app, make_user, shift.id, "v@example.org", locale="en")
    url = f"/coordinator/shifts/{shift.id}/cancel"
    reason = "The heating is broken; we move the residents tonight."
    assert cora.submit(url, {"reason": f"  {reason}  "}, page=url).status_code == 303
    text = outbox.last().get_body(("plain",)).get_content()
    assert f"The coordinator wrote: {reason}" in text


def test_a_reason_too_long_is_refused_next_to_the_field_and_kept(app, cora, make_shift, make_user, outbox):
    shift = make_shift(starts_at=datetime(2026, 10, 13, 15, 0, tzinfo=timezone.utc))
    book(app, make_user, shift.id, "v@example.org", locale="en")
    url = f"/coordinator/shifts/{shift.id}/cancel"
    sent = len(outbox.messages())
    response = cora.submit(url, {"reason": "x" * 501}, page=url)
    assert response.status_code == 422
    assert field_error(response, "reason") == "Write at most 500 characters."
    assert "x" * 501 in page_text(response)
    with app.app_context():
        assert db.session.get(Shift, shift.id).cancelled_at is None
    assert len(outbox.messages()) == sent, "nobody is told of a cancellation that did not happen"


def test_cancelling_the_rest_of_a_series(app, cora, make_shift):
    site_id, task_id = site_and_task(app, make_shift)
    cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, weeks="3"), page="/coordinator/shifts/new")
    with app.app_context():
        first, second, third = db.session.scalars(select(Shift).where(Shift.series_id.is_not(None))
                                                  .order_by(Shift.starts_at)).all()
    cora.submit(f"/coordinator/shifts/{second.id}/cancel", {"scope": "following"},
                page=f"/coordinator/shifts/{second.id}/cancel")
    with app.app_context():
        assert [db.session.get(Shift, s.id).cancelled_at is not None for s in (first, second, third)] == \
            [False, True, True]


def test_a_started_shift_cannot_be_cancelled_or_edited(app, clock, cora, make_shift):
    shift = make_shift(starts_at=NOW + timedelta(hours=1))
    clock.advance(hours=2)
    response = cora.submit(f"/coordinator/shifts/{shift.id}/cancel", {}, page=f"/coordinator/shifts/{shift.id}/roster")
    assert response.status_code == 303
    assert "already started or been cancelled" in page_text(cora.get(response.headers["Location"]))
    assert cora.get(f"/coordinator/shifts/{shift.id}/edit").status_code == 409
    with app.app_context():
        assert db.session.get(Shift, shift.id).cancelled_at is None


def test_the_shift_list_needs_the_same_queries_for_few_or_many_shifts(app, cora, make_shift):
    def count():
        with statements_of(app) as statements:
            assert cora.get("/coordinator/shifts").status_code == 200
        return len(statements)

    for index in range(3):
        make_shift(starts_at=NOW + timedelta(hours=5 + index), languages=("ar",), qualification="intro_housing")
    few = count()
    for index in range(30):
        make_shift(starts_at=NOW + timedelta(days=1, hours=index), languages=("ar", "fa"))
    assert count() == few


SPRING = datetime(2027, 3, 24, 8, 0, tzinfo=timezone.utc)  # the clocks go forward at 02:00 on Sunday 28 March
SKIPPED = "the clocks go forward an hour that night. Choose another time."


def shifts_between(app, start, end) -> list[tuple[datetime, datetime]]:
    with app.app_context():
        return sorted((s.starts_at, s.ends_at) for s in db.session.scalars(
            select(Shift).where(Shift.starts_at >= start, Shift.starts_at < end)))


MARCH = (datetime(2027, 3, 1, tzinfo=timezone.utc), datetime(2027, 4, 1, tzinfo=timezone.utc))


@pytest.mark.now(SPRING)
@pytest.mark.parametrize("start, end, refused", [
    ("02:00", "02:59", {"start", "end"}), ("02:30", "04:00", {"start"}), ("01:00", "02:30", {"end"})])
def test_a_time_the_clocks_skip_is_refused_not_moved(app, clock, cora, make_shift, start, end, refused):
    site_id, task_id = site_and_task(app, make_shift)
    response = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, day="2027-03-28", start=start,
                                                                 end=end), page="/coordinator/shifts/new")
    assert response.status_code == 422
    for name, typed in (("start", start), ("end", end)):
        message = field_error(response, name)
        if name in refused:
            assert message == f"There is no {typed} on Mar 28, 2027: {SKIPPED}"
        else:
            assert message is None
        assert f'value="{typed}"' in response.get_data(as_text=True), "what was typed stays"
    assert shifts_between(app, *MARCH) == []


@pytest.mark.now(SPRING - timedelta(days=14))
def test_a_series_that_meets_the_skipped_hour_is_refused_with_the_day(app, clock, cora, make_shift):
    site_id, task_id = site_and_task(app, make_shift)
    response = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, day="2027-03-14", start="02:30",
                                                                 end="04:00", weeks="3"),
                           page="/coordinator/shifts/new")
    assert response.status_code == 422
    assert field_error(response, "start") == f"There is no 02:30 on Mar 28, 2027: {SKIPPED}"
    assert shifts_between(app, *MARCH) == []

    made = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, day="2027-03-14", start="10:00",
                                                             end="12:00", weeks="3"), page="/coordinator/shifts/new")
    assert made.status_code == 303
    first = shifts_between(app, *MARCH)[0][0]
    with app.app_context():
        first_id = db.session.scalar(select(Shift.id).where(Shift.starts_at == first))
    url = f"/coordinator/shifts/{first_id}/edit"
    edited = cora.submit(url, shift_data(site_id, task_id, day="2027-03-14", start="02:30", end="04:00",
                                         scope="following"), page=url)
    assert edited.status_code == 422, "a later shift of the series falls on the night the clocks skip"
    assert field_error(edited, "start") == f"There is no 02:30 on Mar 28, 2027: {SKIPPED}"
    assert [start.hour for start, _ in shifts_between(app, *MARCH)] == [9, 9, 8], "nothing was changed"


@pytest.mark.now(datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc))
def test_an_autumn_time_that_happens_twice_means_the_first_one(app, clock, cora, make_shift):
    site_id, task_id = site_and_task(app, make_shift)
    response = cora.submit("/coordinator/shifts/new", shift_data(site_id, task_id, day="2026-10-25", start="02:30",
                                                                 end="03:30"), page="/coordinator/shifts/new")
    assert response.status_code == 303
    night = (datetime(2026, 10, 24, 22, tzinfo=timezone.utc), datetime(2026, 10, 25, 23, tzinfo=timezone.utc))
    assert shifts_between(app, *night) == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc), datetime(2026, 10, 25, 2, 30, tzinfo=timezone.utc))
    ], "02:30 summer time (before the clocks go back) to 03:30 winter time: two hours"


def test_the_rest_of_a_series_is_only_the_shifts_in_the_coordinators_scope(app, cora, make_user, make_shift,
                                                                           make_organisation):
    """An admin moved the last shift of FRG's series to a Red Cross site: FRG's coordinator cannot reach it."""
    site_id, task_id = site_and_task(app, make_shift)
    admin = signed_in(app, make_user("admin@example.org", role=Role.ADMIN, status=Status.APPROVED))
    admin.submit("/coordinator/shifts/new", shift_data(site_id, task_id, weeks="3"), page="/coordinator/shifts/new")
    red_cross = make_shift(site="Röda Korsets mötesplats", organisation="Röda Korset Testby",
                           starts_at=NOW + timedelta(days=2))
    with app.app_context():
        first, second, third = db.session.scalars(select(Shift).where(Shift.series_id.is_not(None))
                                                  .order_by(Shift.starts_at)).all()
        theirs = db.session.get(Shift, red_cross.id).site_id
    moved = admin.submit(f"/coordinator/shifts/{third.id}/edit",
                         shift_data(theirs, task_id, day="2026-10-27", places="4", scope="one"),
                         page=f"/coordinator/shifts/{third.id}/edit")
    assert moved.status_code == 303

    edited = cora.submit(f"/coordinator/shifts/{first.id}/edit",
                         shift_data(site_id, task_id, places="6", scope="following"),
                         page=f"/coordinator/shifts/{first.id}/edit")
    assert edited.status_code == 303
    cora.submit(f"/coordinator/shifts/{second.id}/cancel", {"scope": "following"},
                page=f"/coordinator/shifts/{second.id}/cancel")
    with app.app_context():
        first, second, third = (db.session.get(Shift, s.id) for s in (first, second, third))
        assert [s.places for s in (first, second, third)] == [6, 6, 4]
        assert [s.cancelled_at is not None for s in (first, second, third)] == [False, True, False]
        assert third.site_id == theirs
