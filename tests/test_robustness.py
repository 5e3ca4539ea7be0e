"""No input produces a 500: odd, hostile or oversized values get a clear answer instead."""
import pytest

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
