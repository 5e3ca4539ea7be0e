"""Property-based attacks: Hypothesis fills every form on every page, and every page's query string, with hostile
values (very long strings, control characters, NUL bytes, mixed-direction text, emoji, wrong types, missing fields,
huge numbers). No response may be a 500 or above, and a rejected form comes back with what was typed still in it.

FUZZ_EXAMPLES sets the examples per page (default 12), to keep the whole suite's time reasonable on two cores."""
import os
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteer import create_app
from volunteer.web.forms import clean_text

from .forms_on_page import forms_on
from .helpers import Client
from .world import NOT_PAGES, fill, who_sees

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# Forms that would end the walk: signing out, deleting the account.
ENDS_THE_WALK = ("/sign-out", "/me/delete")
QUERY_NAMES = ["page", "next", "q", "organisation", "status", "language", "site", "task", "day", "from", "to",
               "my_languages", "skill", "availability", "week", "id", "sort"]

# Counted for the report at the end of the run (see pytest_terminal_summary in conftest.py).
STATS = {"requests": 0, "5xx": 0, "rejected forms checked": 0, "statuses": Counter(), "forms": set()}

NASTY = st.sampled_from([
    "\x00", "a\x00b", "\x00" * 64, "\x01\x02\x1b[31m\x7f", "\r\n\r\nSet-Cookie: x=1", "\t \u00a0 \u200b",
    "\u202eأهلا abc 123\u202c", "שלום hello مرحبا \u2067x\u2069", "😀" * 40, "👩🏽‍🚒🏳️‍🌈", "\ufeff", "\uffff",
    "<script>alert(1)</script>", "\"'><img src=x>", "' OR 1=1 --", "../../../etc/passwd", "%00%0a", "{{7*7}}",
    "-1", "0", "1e309", "NaN", "Infinity", "-0", "0x1F", "9" * 40, str(2 ** 63), str(-(2 ** 63) - 1), "3.5",
    "2026-02-30", "9999-12-31", "0000-00-00", "24:61", "12:00:00.000000001", "true", "null", "[]", "{}",
    " ", "", "x" * 5000,
])
# Numbers beyond what a database column holds, and days at the edges of the calendar: generated, not only listed.
HUGE = st.integers(min_value=2 ** 31, max_value=10 ** 30)
EDGE_DAYS = st.dates().map(lambda day: day.isoformat())
TEXT = st.one_of(NASTY, HUGE.map(str), EDGE_DAYS, st.text(max_size=80), st.text(min_size=200, max_size=3000),
                 st.integers(min_value=-10 ** 40, max_value=10 ** 40).map(str),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr))


def value_for(field):
    """Missing, the page's own value (so other checks pass and deeper code runs), or something hostile."""
    own = st.sampled_from(field.options or [field.value])
    many = st.lists(st.one_of(own, TEXT), min_size=2, max_size=4)
    return st.one_of(st.none(), own, TEXT, many)


def _app_for_collection():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


PAGE_RULES = sorted({rule.endpoint for rule in _app_for_collection().url_map.iter_rules()
                     if "GET" in rule.methods and rule.endpoint not in NOT_PAGES})


def as_person(app, world, role) -> Client:
    client = Client(app.test_client())
    if role != "anonymous":
        client.sign_in_as(world.people[role])
    return client


def send(client, method, url, data=None):
    response = client.open(url, method=method, data=data)
    STATS["requests"] += 1
    STATS["statuses"][response.status_code] += 1
    if response.status_code >= 500:
        STATS["5xx"] += 1
    return response


def assert_typed_values_kept(response, form, data):
    """Every typed field of the form that came back still holds what was typed (cleaned as the form cleans it)."""
    html = response.get_data(as_text=True)
    again = [f for f in forms_on(html, form.action) if urlsplit(f.action).path == urlsplit(form.action).path]
    if not again:
        return
    for name, sent in data.items():
        shown = again[0].fields.get(name)
        if shown is None or not shown.typed or isinstance(sent, list):
            continue
        assert shown.value in (sent, clean_text(sent)), (form.action, name, sent[:80], shown.value[:80])
        STATS["rejected forms checked"] += 1


@pytest.mark.parametrize("endpoint", PAGE_RULES)
def test_hostile_input_to_every_form_and_query_never_fails(make_app, world, endpoint):
    app = make_app(RATELIMIT_ENABLED=False)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "GET" in r.methods)
    url, role = fill(rule, world.ids), who_sees(rule)
    client = as_person(app, world, role)
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    forms = [f for f in forms_on(page.get_data(as_text=True), url)
             if not f.action.startswith(ENDS_THE_WALK) and f.fields]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def attack(data):
        query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES + [f.name for form in forms
                                                                        for f in form.fields.values()]),
                                          st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=4), label="query")
        response = send(client, "GET", f"{url}?{urlencode(query, doseq=True)}")
        assert response.status_code < 500, (url, query, response.status_code)
        if not forms:
            return
        form = data.draw(st.sampled_from(forms), label="form")
        STATS["forms"].add(f"{form.method} {form.action}")
        values = {name: data.draw(value_for(field), label=name) for name, field in form.fields.items()
                  if name != "csrf_token"}
        sent = {name: value for name, value in values.items() if value is not None}
        sent["csrf_token"] = form.fields["csrf_token"].value if "csrf_token" in form.fields else ""
        if form.method == "get":
            response = send(client, "GET", f"{form.action}?{urlencode(sent, doseq=True)}")
        else:
            response = send(client, "POST", form.action, sent)
        assert response.status_code < 500, (form.action, sent, response.status_code)
        if response.status_code == 422:
            assert_typed_values_kept(response, form, sent)

    attack()


ID_RULES = sorted({rule.endpoint for rule in _app_for_collection().url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
                   and any(type(c).__name__ == "IdConverter" for c in rule._converters.values())})


@pytest.mark.parametrize("endpoint", ID_RULES)
def test_every_id_in_a_path_beyond_the_database_and_every_day_is_answered(make_app, world, endpoint):
    """Each page's ids replaced by numbers no database column holds, and any day of the calendar in a path's day:
    404, never a 500."""
    app = make_app(RATELIMIT_ENABLED=False)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "GET" in r.methods)
    client = as_person(app, world, who_sees(rule))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(number=HUGE, day=EDGE_DAYS)
    def attack(number, day):
        values = {name: (number if name.endswith("_id") else day if name == "day" else world.ids[name])
                  for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        response = send(client, "GET", url)
        assert response.status_code == 404, (url, response.status_code)

    attack()


def test_a_rejected_form_that_lost_what_was_typed_would_be_caught(client):
    """The check above can fail: a form that comes back empty is noticed."""
    form = forms_on(client.get("/sign-in").get_data(as_text=True), "/sign-in")[-1]
    emptied = client.submit("/sign-in", {"email": ""})
    with pytest.raises(AssertionError):
        assert_typed_values_kept(emptied, form, {"email": "typed@"})
