"""Hours: the arithmetic across clock changes and no-shows, the volunteer's page and the coordinators' report."""
import csv
import io
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from volunteer import clock
from volunteer.extensions import db
from volunteer.hours import totals
from volunteer.models import AuditEvent, Booking, BookingStatus, Enrolment, EnrolmentStatus, Role, Status, User

from .helpers import field_error, page_text, signed_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
# Europe/Stockholm changes its clocks on the last Sundays of March and October.
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)


@pytest.fixture
def volunteer(make_user):
    return make_user("worker@example.org", full_name="Åsa Öberg", status=Status.APPROVED, locale="en")


def in_english(app, person):
    """A signed-in client that has chosen English in the language switcher."""
    client = signed_in(app, person)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def mark(app, person, shift, status=BookingStatus.ATTENDED, by=None):
    with app.app_context():
        db.session.add(Booking(shift_id=shift.id, user_id=person.id, status=status,
                               decided_by_id=by.id if by else None))
        db.session.commit()


def attend(app, person, session, status=EnrolmentStatus.ATTENDED, by=None):
    with app.app_context():
        db.session.add(Enrolment(session_id=session.id, user_id=person.id, status=status,
                                 decided_by_id=by.id if by else None))
        db.session.commit()


def night_shift(make_shift, day, start=time(0, 30), end=time(4, 30), **kwargs):
    """A shift from 00:30 to 04:30 Stockholm wall-clock time on a day."""
    return make_shift(starts_at=clock.at(day, start), ends_at=clock.at(day, end), **kwargs)


def test_hours_are_the_time_really_worked_across_both_clock_changes(app, make_shift, volunteer):
    march = night_shift(make_shift, SPRING_FORWARD)      # 00:30-04:30 on the wall, the clocks skip 02-03
    october = night_shift(make_shift, FALL_BACK)         # 00:30-04:30 on the wall, 02-03 happens twice
    ordinary = night_shift(make_shift, date(2026, 10, 18))
    for shift in (march, october, ordinary):
        mark(app, volunteer, shift)
    with app.app_context():
        found = totals.summary(db.session.get(User, volunteer.id))
        by_month = {month.first_day: month.shift_hours for month in found.months}
        assert by_month == {date(2026, 3, 1): 3, date(2026, 10, 1): 5 + 4}
        assert found.hours == 12


def test_no_shows_and_unmarked_bookings_do_not_count(app, make_shift, volunteer):
    worked = make_shift(starts_at=clock.at(date(2026, 11, 2), time(17)), hours=3)
    missed = make_shift(starts_at=clock.at(date(2026, 11, 3), time(17)), hours=2)
    unmarked = make_shift(starts_at=clock.at(date(2026, 11, 4), time(17)), hours=4)
    mark(app, volunteer, worked)
    mark(app, volunteer, missed, BookingStatus.NO_SHOW)
    mark(app, volunteer, unmarked, BookingStatus.BOOKED)
    with app.app_context():
        found = totals.summary(db.session.get(User, volunteer.id))
        assert [b.shift_id for b in found.bookings] == [worked.id]
        assert found.shift_hours == 3


def test_a_period_is_stockholm_days_both_included(app, make_shift, volunteer):
    # 00:30 on 1 November in Stockholm is still 31 October in UTC.
    first = make_shift(starts_at=clock.at(date(2026, 11, 1), time(0, 30)), hours=2)
    last = make_shift(starts_at=clock.at(date(2026, 11, 30), time(23)), hours=1)
    before = make_shift(starts_at=clock.at(date(2026, 10, 31), time(23)), hours=1)
    for shift in (first, last, before):
        mark(app, volunteer, shift)
    with app.app_context():
        found = totals.summary(db.session.get(User, volunteer.id), date(2026, 11, 1), date(2026, 11, 30))
        assert sorted(b.shift_id for b in found.bookings) == sorted([first.id, last.id])
        assert [(m.first_day, m.shift_hours) for m in found.months] == [(date(2026, 11, 1), 3)]


def test_the_hours_page_shows_months_tasks_sites_and_trainings(app, make_shift, make_session, volunteer):
    mark(app, volunteer, make_shift(starts_at=clock.at(date(2026, 10, 6), time(17)), hours=3))
    mark(app, volunteer, make_shift(task="children", site="Mötesplats Centrum",
                                    starts_at=clock.at(date(2026, 11, 10), time(17)), hours=1.5))
    mark(app, volunteer, make_shift(starts_at=clock.at(date(2026, 11, 12), time(17)), hours=2), BookingStatus.NO_SHOW)
    attend(app, volunteer, make_session(starts_at=clock.at(date(2026, 9, 15), time(18)), hours=3))
    client = signed_in(app, volunteer)
    response = client.get("/me/hours")
    text = page_text(response)
    assert response.status_code == 200
    assert "November 2026" in text and "October 2026" in text and "September 2026" in text
    assert 'data-hours="4.5"' in response.get_data(as_text=True)  # shifts: 3 + 1.5, the no-show left out
    assert 'data-hours="7.5"' in response.get_data(as_text=True)  # and the training's 3
    assert "Support conversations" in text and "Activities for children" in text
    assert "Mötesplats Centrum" in text and "Introduktion till evakueringsboende" in text
    with client.session_transaction() as session:
        session["locale"] = "sv"
    swedish = page_text(client.get("/me/hours"))
    assert "7,5" in swedish


def test_the_hours_page_filters_by_period_and_refuses_a_backwards_one(app, make_shift, volunteer):
    mark(app, volunteer, make_shift(starts_at=clock.at(date(2026, 10, 6), time(17)), hours=3))
    mark(app, volunteer, make_shift(starts_at=clock.at(date(2026, 11, 6), time(17)), hours=2))
    client = signed_in(app, volunteer)
    response = client.get("/me/hours?start=2026-11-01&end=2026-11-30")
    assert 'data-hours="2.0"' in response.get_data(as_text=True)
    refused = client.get("/me/hours?start=2026-11-30&end=2026-11-01", headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert field_error(refused, "end") == "The end must come after the start."
    assert client.get("/me/hours?start=not-a-date").status_code == 422


def test_my_shifts_and_my_hours_count_the_same_whole_minutes(app, make_shift, volunteer):
    mark(app, volunteer, night_shift(make_shift, FALL_BACK, start=time(1), end=time(4)))  # four hours really worked
    # An end with seconds (an imported or hand-edited row): the 59 seconds are not a counted minute.
    day = date(2026, 11, 2)
    mark(app, volunteer, make_shift(starts_at=clock.at(day, time(17)), ends_at=clock.at(day, time(19, 0, 59))))
    client = in_english(app, volunteer)
    my_shifts = page_text(client.get("/shifts/mine"))
    my_hours = page_text(client.get("/me/hours"))
    assert "Hours recorded as worked: 6</p>" in my_shifts
    assert '<dd class="hours-total" data-hours="6.0">6</dd>' in my_hours


def test_my_page_links_to_the_hours(app, volunteer):
    response = signed_in(app, volunteer).get("/me")
    assert 'href="/me/hours"' in response.get_data(as_text=True)


@pytest.fixture
def worked_at_two_organisations(app, make_shift, make_user, volunteer):
    other = make_user("other@example.org", full_name="Bo Berg", status=Status.APPROVED, locale="en")
    ours = make_shift(starts_at=clock.at(date(2026, 11, 2), time(17)), hours=3)
    ours_again = make_shift(starts_at=clock.at(date(2026, 11, 9), time(17)), hours=2.5)
    children = make_shift(task="children", starts_at=clock.at(date(2026, 11, 4), time(17)), hours=2)
    theirs = make_shift(site="Röda Korsets mötesplats", organisation="Röda Korset Testby",
                        starts_at=clock.at(date(2026, 11, 5), time(10)), hours=4)
    last_year = make_shift(starts_at=clock.at(date(2025, 12, 1), time(17)), hours=3)
    for shift in (ours, ours_again, theirs, last_year):
        mark(app, volunteer, shift)
    mark(app, other, children)
    mark(app, other, ours, BookingStatus.NO_SHOW)
    return other


def test_a_coordinator_sees_hours_at_their_own_sites_for_the_period(app, coordinator, worked_at_two_organisations):
    response = in_english(app, coordinator).get("/coordinator/hours?start=2026-01-01&end=2026-12-31")
    text = page_text(response)
    assert response.status_code == 200
    assert "Åsa Öberg" in text and "Bo Berg" in text
    assert "Röda Korsets mötesplats" not in text
    assert "Hours in total: 7.5" in text  # 3 + 2.5 for Åsa, 2 for Bo; not last year's, not the Red Cross's


def test_the_csv_has_one_row_per_person_site_and_task_and_is_audited(app, coordinator, worked_at_two_organisations):
    response = in_english(app, coordinator).get("/coordinator/totals.csv?start=2026-01-01&end=2026-12-31")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows == [
        ["Name", "E-mail", "Organisation", "Site", "Task", "Shifts", "Hours"],
        ["Bo Berg", "other@example.org", "FRG Testby", "Boende Testby", "Activities for children", "1", "2"],
        ["Åsa Öberg", "worker@example.org", "FRG Testby", "Boende Testby", "Support conversations", "2", "5.5"],
    ]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hours_exported"))
        assert event.actor_id == coordinator.id and event.details["rows"] == 2


def test_an_admin_sees_every_organisation(app, make_user, worked_at_two_organisations):
    admin = make_user("admin@example.org", status=Status.APPROVED, role=Role.ADMIN)
    text = page_text(signed_in(app, admin).get("/coordinator/hours?start=2026-01-01&end=2026-12-31"))
    assert "Röda Korsets mötesplats" in text


def test_the_report_defaults_to_this_year(app, coordinator, worked_at_two_organisations):
    text = page_text(in_english(app, coordinator).get("/coordinator/hours"))
    assert 'value="2026-01-01"' in text and 'value="2026-11-20"' in text
    assert "Hours in total: 7.5" in text


def test_a_volunteer_may_not_open_the_report(app, volunteer):
    client = signed_in(app, volunteer)
    assert client.get("/coordinator/hours").status_code == 403
    assert client.get("/coordinator/totals.csv").status_code == 403


@pytest.mark.parametrize("query", ["start=9999-12-31&end=9999-12-31", "end=9999-12-31", "start=0001-01-01",
                                   "start=2026-13-45", "start=%00", "end=" + "9" * 500])
def test_odd_periods_get_a_message_not_a_500(app, coordinator, volunteer, query):
    for person, url in ((volunteer, "/me/hours"), (coordinator, "/coordinator/hours"),
                        (coordinator, "/coordinator/totals.csv")):
        response = signed_in(app, person).get(f"{url}?{query}")
        assert response.status_code in (200, 422), (url, query)


def python_report(start, end):
    """The report by the one definition of hours (totals.worked), booking by booking in Python."""
    with_rows = {}
    for booking in db.session.scalars(totals.attended_bookings(start, end)).unique():
        key = (booking.user_id, booking.shift.site_id, booking.shift.task_id)
        shifts, minutes = with_rows.get(key, (0, 0))
        with_rows[key] = (shifts + 1, minutes + totals.worked(booking.shift))
    return with_rows


def test_the_database_sums_the_same_whole_minutes_as_python_across_clock_changes(app, make_shift, make_user,
                                                                                   volunteer):
    other = make_user("other@example.org", full_name="Bo Berg", status=Status.APPROVED)
    shifts = [night_shift(make_shift, SPRING_FORWARD), night_shift(make_shift, FALL_BACK),     # 3 h and 5 h
              night_shift(make_shift, FALL_BACK, start=time(1), end=time(4), task="children"),  # 4 h
              make_shift(starts_at=clock.at(date(2026, 11, 2), time(17)),                 # 2 h and 59 seconds
                         ends_at=clock.at(date(2026, 11, 2), time(19, 0, 59)), site="Mötesplats Centrum"),
              make_shift(starts_at=clock.at(date(2026, 11, 3), time(9, 15)), hours=1.75),
              make_shift(starts_at=clock.at(date(2026, 12, 30), time(20)), hours=26)]    # over midnight and a day
    for n, shift in enumerate(shifts):
        mark(app, volunteer, shift)
        mark(app, other, shift, BookingStatus.ATTENDED if n % 2 else BookingStatus.NO_SHOW)
    from volunteer.hours import aggregates

    with app.app_context():
        for start, end in ((date(2026, 1, 1), date(2026, 12, 31)), (FALL_BACK, FALL_BACK), (date(2026, 3, 1), date(2026, 11, 2))):
            expected = python_report(start, end)
            rows = aggregates.report(None, start, end)
            assert {(r.person.id, r.site.id, r.task.id): (r.shifts, r.minutes) for r in rows} == expected
            summary = aggregates.summary(None, start, end)
            assert summary.minutes == sum(minutes for _, minutes in expected.values())
            assert summary.shifts == sum(shifts for shifts, _ in expected.values())
        year = python_report(date(2026, 1, 1), date(2026, 12, 31))
        assert sum(m for (user, *_), (_, m) in year.items() if user == volunteer.id) == (3 + 5 + 4 + 2 + 1.75 + 26) * 60


@pytest.fixture
def thirty_people(app, make_shift, make_user):
    shift = make_shift(starts_at=clock.at(date(2026, 11, 2), time(17)), hours=2, places=40)
    children = make_shift(task="children", starts_at=clock.at(date(2026, 11, 3), time(17)), hours=1, places=40)
    people = [make_user(f"p{n:02d}@example.org", full_name=f"Person {n:02d}", status=Status.APPROVED)
              for n in range(30)]
    for person in people:
        mark(app, person, shift)
    mark(app, people[0], children)
    return people


def test_the_report_shows_every_total_and_pages_the_people_by_name_keeping_the_period(app, coordinator,
                                                                                      thirty_people):
    client = in_english(app, coordinator)
    first = client.get("/coordinator/hours?start=2026-11-01&end=2026-11-30")
    text = page_text(first)
    assert "Hours in total: 61" in text, "30 people x 2 hours and one hour of children's activities"
    assert "30 volunteers with recorded hours, by name." in text
    assert text.count('<tbody data-person=') == 25 and "Person 24" in text and "Person 25" not in text
    assert '<a rel="next" href="/coordinator/hours?page=2&start=2026-11-01&end=2026-11-30">' in text
    assert "Activities for children" in text  # Person 00's second row, and the per-task table
    second = page_text(client.get("/coordinator/hours?page=2&start=2026-11-01&end=2026-11-30"))
    assert second.count('<tbody data-person=') == 5 and "Person 25" in second and "Person 24" not in second
    assert "Hours in total: 61" in second, "the totals are the period's, not the page's"
    beyond = client.get("/coordinator/hours?page=9&start=2026-11-01&end=2026-11-30")
    assert beyond.status_code == 200 and "Page 9 of 2" in page_text(beyond)


def test_the_csv_still_has_every_row_of_the_period(app, coordinator, thirty_people):
    response = in_english(app, coordinator).get("/coordinator/totals.csv?start=2026-11-01&end=2026-11-30")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + 30 + 1
    assert rows[1][0] == "Person 00" and rows[2][0] == "Person 00" and rows[-1][0] == "Person 29"


def test_the_report_takes_as_many_statements_for_thirty_people_as_for_two(app, coordinator, make_shift, make_user):
    from .helpers import statements_of

    client = in_english(app, coordinator)
    url = "/coordinator/hours?start=2026-11-01&end=2026-11-30"

    def add(names, day):
        shift = make_shift(site=f"Boende {day}", task=("support", "children")[day % 2],
                           starts_at=clock.at(date(2026, 11, day), time(17)), places=40)
        for name in names:
            person = make_user(f"{name}@example.org", full_name=name, status=Status.APPROVED)
            mark(app, person, shift)

    add(["Ann", "Bo"], 2)
    client.get(url)
    with statements_of(app) as few:
        assert client.get(url).status_code == 200
    for day in range(3, 7):
        add([f"P{day}-{n}" for n in range(7)], day)
    with statements_of(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) == HOURS_PAGE_STATEMENTS[db_kind(app)], [s for s, _ in many]


def db_kind(app):
    with app.app_context():
        return db.engine.dialect.name


# The session and person, the coordinator's organisations, the summary (sums, sites, tasks), the page of people and
# their rows; SQLite adds its BEGIN.
HOURS_PAGE_STATEMENTS = {"sqlite": 8, "postgresql": 7}
