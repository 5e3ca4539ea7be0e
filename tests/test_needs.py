"""The needs overview shift by shift: filters for a missing language, free places and 3/7/14 days, the order by
start and then the most places free, red only when urgent, refused filters, and a fixed number of statements."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from volunteer.models import Role, Status

from .helpers import page_text, put_on, signed_in, statements_of

# Monday 5 October 2026, 10:00 in Stockholm.
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=timezone.utc)
URL = "/coordinator/needs"


@pytest.fixture
def client(app, make_user, frg):
    coordinator = make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED,
                            role=Role.COORDINATOR, coordinates=[frg], locale="en")
    return signed_in(app, coordinator)


def volunteer(make_user, email, languages):
    return make_user(email, full_name=email.split("@")[0], status=Status.APPROVED, languages=languages, locale="en")


def shown(html: str) -> list[int]:
    """The shifts' ids in the order their rows are shown."""
    return [int(found) for found in re.findall(r'<tr class="needs__shift[^"]*" data-shift="(\d+)"', html)]


def urgent(html: str) -> set[int]:
    return {int(found) for found in re.findall(r'<tr class="needs__shift needs__shift--urgent" data-shift="(\d+)"', html)}


def test_rows_come_by_start_and_then_by_the_most_places_free(app, client, make_user, make_shift):
    at = NOW + timedelta(days=3)
    late = make_shift(starts_at=at + timedelta(hours=2), places=5)
    one_free = make_shift(starts_at=at, places=2)
    three_free = make_shift(starts_at=at, places=3, task="children")
    full = make_shift(starts_at=at, places=1)
    put_on(app, full, volunteer(make_user, "bo@example.org", ("sv",)))
    put_on(app, one_free, volunteer(make_user, "ada@example.org", ("sv",)))
    early = make_shift(starts_at=at - timedelta(days=1), places=1)

    assert shown(page_text(client.get(URL))) == [early.id, three_free.id, one_free.id, full.id, late.id]


def test_a_missing_language_shows_only_shifts_nobody_coming_speaks_it_on(app, client, make_user, make_shift):
    at = NOW + timedelta(days=4)
    missing = make_shift(starts_at=at, languages=("ti", "ar"))
    covered = make_shift(starts_at=at, languages=("ti",))
    put_on(app, covered, volunteer(make_user, "tesfay@example.org", ("ti",)))
    other = make_shift(starts_at=at, languages=("ar",))
    make_shift(starts_at=at)

    response = client.get(f"{URL}?language=ti")
    assert response.status_code == 200
    html = page_text(response)
    assert shown(html) == [missing.id]
    assert '<option selected value="ti">' in html
    assert shown(page_text(client.get(f"{URL}?language=ar"))) == [missing.id, other.id]


def test_only_shifts_with_free_places_when_asked(app, client, make_user, make_shift):
    at = NOW + timedelta(days=2)
    open_ = make_shift(starts_at=at, places=2)
    full = make_shift(starts_at=at, places=1)
    put_on(app, full, volunteer(make_user, "bo@example.org", ("sv",)))

    assert set(shown(page_text(client.get(URL)))) == {open_.id, full.id}
    html = page_text(client.get(f"{URL}?free=y"))
    assert shown(html) == [open_.id]
    assert re.search(r'<input type="checkbox" name="free" id="free" value="y" checked>', html)


@pytest.mark.parametrize("days, seen", [("3", {"soon"}), ("7", {"soon", "week"}), ("14", {"soon", "week", "fortnight"}),
                                        (None, {"soon", "week", "fortnight"})])
def test_the_horizon_is_3_7_or_14_days_and_14_unless_chosen(app, client, make_shift, days, seen):
    shifts = {"soon": make_shift(starts_at=NOW + timedelta(days=2)),
              "week": make_shift(starts_at=NOW + timedelta(days=6)),
              "fortnight": make_shift(starts_at=NOW + timedelta(days=12)),
              "beyond": make_shift(starts_at=NOW + timedelta(days=15))}
    response = client.get(URL if days is None else f"{URL}?days={days}")
    assert response.status_code == 200
    html = page_text(response)
    assert set(shown(html)) == {shifts[name].id for name in seen}
    assert f"over {days or 14} days from today" in html
    assert f'<option selected value="{days or 14}">' in html


@pytest.mark.parametrize("query, field, message", [
    ("days=5", "days", "Choose 3, 7 or 14 days."), ("days=abc", "days", "Choose 3, 7 or 14 days."),
    ("days=", "days", "Choose 3, 7 or 14 days."), ("days=99999999999999999999", "days", "Choose 3, 7 or 14 days."),
    ("language=xx", "language", "Choose a language from the list."),
    ("language=TI", "language", "Choose a language from the list.")])
def test_a_refused_filter_says_why_next_to_it_and_the_rest_still_shows(app, client, make_shift, query, field, message):
    """Refused, not clamped: 422 with the message at the field; the list shows as if the value had not been given."""
    soon = make_shift(starts_at=NOW + timedelta(days=2))
    fortnight = make_shift(starts_at=NOW + timedelta(days=12))
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    html = page_text(response)
    assert f'<p class="error" id="{field}-error">{message}</p>' in html
    assert set(shown(html)) == {soon.id, fortnight.id}


def test_odd_values_of_the_checkbox_and_page_are_no_error(client, make_shift):
    make_shift(starts_at=NOW + timedelta(days=2))
    for query in ("free=maybe", "free=", "page=-3&free=y", "days=7&days=3", "language="):
        assert client.get(f"{URL}?{query}").status_code == 200, query


def test_red_only_when_it_starts_within_48_hours_and_misses_a_place_or_a_language(app, client, make_user,
                                                                                 make_shift):
    speaker = volunteer(make_user, "amal@example.org", ("ar",))
    free_soon = make_shift(starts_at=NOW + timedelta(hours=47), places=2)
    full_soon = make_shift(starts_at=NOW + timedelta(hours=30), places=1, languages=("ar",))
    put_on(app, full_soon, speaker)
    language_soon = make_shift(starts_at=NOW + timedelta(hours=20), places=1, languages=("ti",))
    put_on(app, language_soon, volunteer(make_user, "bo@example.org", ("sv",)))
    free_later = make_shift(starts_at=NOW + timedelta(hours=49), places=2, languages=("ti",))
    under_way = make_shift(starts_at=NOW - timedelta(hours=1), places=2)

    html = page_text(client.get(URL))
    assert set(shown(html)) == {free_soon.id, full_soon.id, language_soon.id, free_later.id, under_way.id}
    assert urgent(html) == {free_soon.id, language_soon.id}
    assert html.count('<span class="tag needs__urgent">Urgent</span>') == 2
    assert ' style="' not in html[html.index('id="needs-filters"'):]


def test_each_shift_with_free_places_that_has_not_started_links_to_its_call_out(app, client, make_user, make_shift):
    free = make_shift(starts_at=NOW + timedelta(days=1), places=2)
    full = make_shift(starts_at=NOW + timedelta(days=1), places=1)
    put_on(app, full, volunteer(make_user, "bo@example.org", ("sv",)))
    under_way = make_shift(starts_at=NOW - timedelta(hours=1), places=2)
    html = page_text(client.get(URL))
    assert f'href="/coordinator/messages/call-outs/shifts/{free.id}"' in html
    for shift in (full, under_way):
        assert f"/call-outs/shifts/{shift.id}" not in html


def test_the_filters_travel_with_the_pages_and_the_organisations(app, make_user, make_shift, make_organisation, frg):
    red_cross = make_organisation("Röda Korset Testby", kind="red_cross")
    client = signed_in(app, make_user("coord@example.org", full_name="Cora", status=Status.APPROVED,
                                      role=Role.COORDINATOR, coordinates=[frg, red_cross], locale="en"))
    for n in range(1, 7):
        make_shift(site=f"Boende {n}", starts_at=NOW + timedelta(days=2), places=3)
    make_shift(site="Mötesplats", organisation="Röda Korset Testby", starts_at=NOW + timedelta(days=2))
    html = page_text(client.get(f"{URL}?days=7&free=y"))
    assert 'href="/coordinator/needs?page=2&days=7&free=y"' in html
    assert f'href="/coordinator/needs?organisation={red_cross.id}&days=7&free=y"' in html
    theirs = page_text(client.get(f"{URL}?organisation={red_cross.id}&days=7"))
    assert f'<input type="hidden" name="organisation" value="{red_cross.id}">' in theirs
    assert "None" not in theirs[theirs.index('id="needs-filters"'):]


def test_the_filtered_overview_reads_as_often_for_30_shifts_as_for_3(app, client, make_user, make_shift):
    people = [volunteer(make_user, f"p{n}@example.org", ("sv", "ar")) for n in range(3)]

    def add_shifts(count, site):
        for n in range(count):
            shift = make_shift(site=site, starts_at=NOW + timedelta(days=1 + n % 6, hours=n % 5), places=3,
                               languages=("ar", "ti"))
            put_on(app, shift, people[n % 3])

    def counted(url) -> int:
        with statements_of(app) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    urls = (URL, f"{URL}?language=ti&free=y&days=7", f"{URL}?days=3")
    add_shifts(3, "Boende Testby")
    few = [counted(url) for url in urls]
    add_shifts(27, "Mötesplats Centrum")
    assert [counted(url) for url in urls] == few
    assert few[1] == few[0], "the filters add no statement"


@pytest.mark.now(NOW)
def test_the_filters_are_folded_until_one_is_used_or_refused(client, make_shift):
    make_shift(starts_at=NOW + timedelta(days=1), places=2)
    fold = re.compile(r'<details class="filters__more"\s*(open)?>')
    assert fold.search(page_text(client.get(URL))).group(1) is None, "folded on a first visit"
    for query in ("?free=y", "?days=3", "?language=ar", "?days=5"):
        assert fold.search(page_text(client.get(URL + query))).group(1) == "open", query
    assert fold.search(page_text(client.get(URL + "?days=14"))).group(1) is None
