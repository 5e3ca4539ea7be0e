"""Every route, every role: a new route must be placed in exactly one access class, and each class is checked."""
import re

import pytest

from volunteer.models import Role, Status

from .conftest import Client

# Routes anyone may open. Everything under /coordinator and /admin is checked by its prefix.
PUBLIC = {"main.home", "main.privacy", "main.set_language", "signup.form", "signup.check_field", "signup.sent",
          "signup.confirm", "auth.sign_in", "auth.sent", "auth.redeem", "static",
          "trainings.offer", "shifts.offer", "shifts.feed", "health.healthz"}
SIGNED_IN = {"me.page", "me.export", "me.delete", "auth.sign_out", "trainings.page", "trainings.act",
             "trainings.mine", "shifts.page", "shifts.act", "shifts.mine", "shifts.ics", "shifts.new_feed",
             "shifts.revoke_feed"}
COORDINATOR_PREFIX = "/coordinator"
ADMIN_PREFIX = "/admin"


def classify(rule) -> str:
    if rule.rule.startswith(ADMIN_PREFIX):
        return "admin"
    if rule.rule.startswith(COORDINATOR_PREFIX):
        return "coordinator"
    if rule.endpoint in SIGNED_IN:
        return "signed_in"
    if rule.endpoint in PUBLIC:
        return "public"
    return "unclassified"


def example_url(rule) -> str:
    """The rule with every variable filled with 1 (ids) or a placeholder string."""
    def value(match):
        converter = match.group(1) or ""
        if converter == "int":
            return "1"
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        return "x"

    return re.sub(r"<(?:([^:>]+):)?(\w+)>", value, rule.rule)


def guarded_requests(app):
    """(url, method, class) for every route and method the app serves."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield example_url(rule), method, classify(rule), rule.endpoint


def test_every_route_has_an_access_class(app):
    unclassified = [endpoint for _, _, kind, endpoint in guarded_requests(app) if kind == "unclassified"]
    assert unclassified == [], "add these endpoints to an access class in this test and guard them"


@pytest.fixture
def people(make_user, make_organisation):
    org = make_organisation("FRG Testby")
    return {
        "volunteer": make_user("v@example.org", status=Status.APPROVED),
        "coordinator": make_user("c@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[org]),
        "admin": make_user("a@example.org", status=Status.APPROVED, role=Role.ADMIN),
    }


@pytest.mark.parametrize("role", [None, "volunteer", "coordinator", "admin"])
def test_each_role_gets_what_its_class_allows(make_app, people, role):
    app = make_app(WTF_CSRF_ENABLED=False)
    client = Client(app.test_client())
    if role:
        client.sign_in_as(people[role])
    checked = 0
    for url, method, kind, endpoint in guarded_requests(app):
        # Signing out or deleting the account would end the session the rest of the walk needs.
        if kind in ("public", "unclassified") or endpoint == "auth.sign_out" \
                or (endpoint == "me.delete" and method == "POST" and role):
            continue
        response = client.open(url, method=method)
        where = f"{method} {url} as {role or 'anonymous'}"
        if role is None:
            assert response.status_code == 302 and "/sign-in" in response.location, where
        elif kind == "admin" and role != "admin" or kind == "coordinator" and role == "volunteer":
            assert response.status_code == 403, where
        else:
            assert response.status_code not in (302, 401, 403), where
        checked += 1
    assert checked >= 15
