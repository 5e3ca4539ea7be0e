"""No input produces a 500: odd, hostile or oversized values get a clear answer instead."""
import pytest

from volunteer.extensions import db
from volunteer.models import Role, Shift, Status

from .helpers import field_error, signed_in

ODD_VALUES = [
    {"organisations": ["abc"]},
    {"organisations": ["999999"]},
    {"languages": ["xx"]},
    {"availability": ["sometimes"]},
    {"full_name": "x" * 5000},
    {"full_name": "Anna\x00Lindqvist"},
    {"motivation": "\x00" * 10},
    {"email": "a" * 300 + "@example.org"},
    {"email": "anna\x00@example.org"},
    {"phone": "+" * 60},
    {"phone": "070\x00 123 45 67"},
    {"other_languages": "y" * 1000, "languages": ["other"]},
]


@pytest.mark.parametrize("odd", ODD_VALUES, ids=lambda odd: ",".join(odd))
def test_odd_signup_values_never_produce_a_500(client, signup_data, odd):
    signup_data.update(odd)
    response = client.submit("/signup", signup_data)
    assert response.status_code in (303, 422), response.status_code


def test_nul_characters_are_dropped_not_stored(client, signup_data, find_user):
    signup_data.update(full_name="Anna\x00 Lindqvist", phone="070\x00 123 45 67")
    assert client.submit("/signup", signup_data).status_code == 303
    assert find_user("anna@example.org").full_name == "Anna Lindqvist"


def test_a_too_long_name_gets_a_message(client, signup_data):
    signup_data["full_name"] = "x" * 121
    response = client.submit("/signup", signup_data)
    assert response.status_code == 422
    assert field_error(response, "full_name")


@pytest.mark.parametrize("path", ["/sign-in", "/signup/check/email", "/language"])
def test_odd_values_elsewhere_never_produce_a_500(client, path):
    response = client.submit(path, {"email": "\x00" * 20, "locale": "\x00", "next": "\x00"}, page="/")
    assert response.status_code < 500


def test_an_oversized_request_is_refused_politely(client):
    response = client.post("/signup", data={"motivation": "x" * 400_000})
    assert response.status_code == 413


def test_csrf_token_in_the_htmx_header_is_accepted(client):
    token = client.csrf_token("/signup")
    response = client.post("/signup/check/email", data={"email": "a@example.org"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200


PAGED = [("volunteer", "/shifts"), ("coordinator", "/coordinator/applicants"),
         ("coordinator", "/coordinator/shifts"), ("coordinator", "/coordinator/volunteers"),
         ("coordinator", "/coordinator/certificates"), ("admin", "/admin/audit")]


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775807", "-3", "0", "x"])
def test_any_page_number_in_a_list_never_produces_a_500(app, world, page):
    """A page number past what the database's OFFSET can hold was a 500 on PostgreSQL (found by the fuzz test);
    the list past its end is shown empty, a page below one is the first."""
    for who, path in PAGED:
        client = signed_in(app, world.people[who])
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 200, (who, path, page, response.status_code)


HUGE_IDS = (2 ** 31, 9999999999, 2 ** 63, 10 ** 30)


@pytest.mark.parametrize("number", HUGE_IDS)
def test_ids_beyond_what_the_database_holds_are_404(app, make_user, frg, number):
    """Every <int:...> in every route: the database is never asked about a number it cannot hold."""
    coordinator = signed_in(app, make_user("c@example.org", status=Status.APPROVED, role=Role.COORDINATOR,
                                           coordinates=[frg]))
    volunteer = signed_in(app, make_user("v@example.org", status=Status.APPROVED))
    for client, url in ((coordinator, f"/coordinator/people/{number}"), (volunteer, f"/shifts/{number}/calendar.ics"),
                        (coordinator, f"/coordinator/shifts/{number}/roster"),
                        (coordinator, f"/coordinator/sites/{number}/day/2026-10-13")):
        assert client.get(url).status_code == 404, url
    token = volunteer.csrf_token("/shifts")
    for url in (f"/shifts/{number}/book", f"/trainings/{number}/enrol"):
        assert volunteer.post(url, data={"csrf_token": token}).status_code == 404, url


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2100-01-01"])
def test_dates_at_the_edge_of_the_calendar_are_refused_gently(app, make_user, make_shift, frg, day):
    coordinator = signed_in(app, make_user("c@example.org", status=Status.APPROVED, role=Role.COORDINATOR,
                                           coordinates=[frg], locale="en"))
    volunteer = signed_in(app, make_user("v@example.org", status=Status.APPROVED))
    shift = make_shift()
    with app.app_context():
        site_id, task_id = db.session.get(Shift, shift.id).site_id, db.session.get(Shift, shift.id).task_id
    assert coordinator.get(f"/coordinator/sites/{site_id}/day/{day}").status_code == 404
    for query in (f"end={day}", f"start={day}", f"start={day}&end={day}"):
        assert volunteer.get(f"/shifts?{query}").status_code == 200, query
    created = coordinator.submit("/coordinator/shifts/new", {
        "site_id": site_id, "task_id": task_id, "day": day, "start": "17:00", "end": "20:00", "places": "3",
        "qualification_id": "", "notes": "", "weeks": "8"}, page="/coordinator/shifts/new")
    assert created.status_code == 422 and "Choose a date" in field_error(created, "day")
