"""Every route, every role: a new route must be placed in an access class, and each route and method is requested
as an anonymous visitor, an applicant, a volunteer, a coordinator of another organisation, the organisation's
own coordinator and an admin, with the ids of real objects that belong to the organisation."""
import re

import pytest

from .helpers import Client
from .world import ROLES, fill

# Routes anyone may open. Everything under /coordinator and /admin is checked by its prefix.
PUBLIC = {"main.home", "main.privacy", "main.accessibility", "main.set_language", "signup.form", "signup.check_field", "signup.sent",
          "signup.confirm", "auth.sign_in", "auth.sent", "auth.redeem", "oidc.start", "oidc.callback", "static",
          "trainings.offer", "shifts.offer", "shifts.call_out", "shifts.feed", "health.healthz", "metrics.metrics",
          "verify.form", "verify.show"}
SIGNED_IN = {"me.page", "me.messages", "me.data", "me.details", "me.export", "me.delete", "main.accept_notice",
             "auth.sign_out", "trainings.page", "trainings.act", "trainings.mine", "shifts.page", "shifts.act",
             "shifts.confirm_cancel", "shifts.confirm_hand_over", "shifts.mine",
             "shifts.ics", "shifts.new_feed", "shifts.revoke_feed", "hours.page", "hours.new_certificate",
             "hours.certificate", "hours.certificate_pdf_download", "check_in.form"}
# Coordinator pages that are the same for every organisation: lists filtered to one's own organisations,
# forms that create something for one of them, and the tasks and qualifications every partner shares.
SHARED = {"coordinator.index", "coordinator.applicants", "directory.volunteers", "directory.languages",
          "directory.lapsing", "directory.export_csv", "rosters.needs", "shift_admin.shifts",
          "shift_admin.new_shift", "shift_admin.sites", "shift_admin.tasks", "shift_admin.edit_task",
          "training_admin.index", "training_admin.grant", "training_admin.qualifications",
          "training_admin.edit_qualification", "hours_report.hours_page", "hours_report.hours_csv",
          "hours_report.certificate_list", "messages.applicants", "hours_report.partnership",
          "hours_report.partnership_csv", "hours_report.partnership_pdf"}
COORDINATOR_PREFIX = "/coordinator"
# A site's day: its lead (tests/world.py's lead leads the organisation's site) and the organisation's coordinators.
LEAD_PREFIX = "/lead"
ADMIN_PREFIX = "/admin"
# Signing out and deleting the account would end the session the rest of the walk needs; tests/test_auth.py
# and tests/test_me.py request them as each kind of person.
ENDS_THE_WALK = {("auth.sign_out", "POST"), ("me.delete", "POST")}
TOKENS = {"token": "not-a-real-token", "field": "email", "filename": "css/site.css", "action": None}
# Requests that mean something only with a value: what a person pressing the button would send.
BODIES = {"rosters.attendance": {"status": "attended"}, "training_admin.attendance": {"status": "attended"},
          "site_lead.note": {"text": "Nils kom inte."}, "check_in.form": {"code": "000000"},
          "site_leads.leads": {"email": "neighbour@example.org", "from_day": "2026-12-07", "until_day": "2099-12-31"}}


def classify(rule) -> str:
    if rule.rule.startswith(ADMIN_PREFIX):
        return "admin"
    if rule.rule.startswith(COORDINATOR_PREFIX):
        return "coordinator"
    if rule.rule.startswith(LEAD_PREFIX):
        return "lead"
    if rule.endpoint in SIGNED_IN:
        return "signed_in"
    if rule.endpoint in PUBLIC:
        return "public"
    return "unclassified"


def shared(rule) -> bool:
    return rule.endpoint in SHARED or (rule.rule.endswith("/new") and not rule.arguments)


def requests_for(app, ids: dict, overrides: dict | None = None):
    """(method, url, class, rule) for every route and method the app serves, with the ids given."""
    for rule in app.url_map.iter_rules():
        values = {**ids, **{k: v for k, v in TOKENS.items() if v}, **(overrides or {}).get(rule.endpoint, {})}
        if "action" in rule.arguments:  # one request per action the route knows
            actions = re.search(r"any\(([^)]*)\)", rule.rule).group(1).replace(" ", "").split(",")
        else:
            actions = [None]
        for action in actions:
            url = fill(rule, {**values, "action": action})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url, classify(rule), rule


def test_every_route_has_an_access_class(app):
    unclassified = {rule.endpoint for rule in app.url_map.iter_rules() if classify(rule) == "unclassified"}
    assert unclassified == set(), "add these endpoints to an access class in this test and guard them"


def test_shared_coordinator_pages_exist(app):
    assert SHARED <= {rule.endpoint for rule in app.url_map.iter_rules()}


def expected(kind: str, rule, role: str, response) -> bool:
    """Whether the response is what this role may get from this class of route."""
    status = response.status_code
    to_sign_in = status == 302 and "/sign-in" in response.location
    if status >= 500:
        return False
    if kind == "public":
        return not to_sign_in and status not in (401, 403)
    if role == "anonymous":
        return to_sign_in
    if kind == "signed_in":  # another person's object is not found (tests/test_ownership.py)
        return not to_sign_in and status not in (401, 403)
    if kind == "admin":
        return status == 403 if role != "admin" else status not in (401, 403, 404)
    if kind == "lead":  # the lead and the site's own coordinators; nobody else, another organisation's neither
        if role in ("applicant", "volunteer"):
            return status == 403
        if role == "other_coordinator" and rule.endpoint != "site_lead.index":
            return status == 404
        return status not in (401, 403, 404)
    if role in ("applicant", "volunteer", "lead"):
        return status == 403
    if role == "other_coordinator" and not shared(rule):
        return status in (403, 404)
    return status not in (401, 403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_class_allows(make_app, world, role):
    app = make_app(WTF_CSRF_ENABLED=False)
    client = Client(app.test_client())
    if role != "anonymous":
        client.sign_in_as(world.people[role])
    # Removing a coordinator needs a coordinator to remove.
    overrides = {"admin.remove_coordinator": {"person_id": world.people["other_coordinator"].id}}
    wrong, checked = [], 0
    for method, url, kind, rule in requests_for(app, world.ids, overrides):
        if (rule.endpoint, method) in ENDS_THE_WALK and role != "anonymous":
            continue
        response = client.open(url, method=method, data=BODIES.get(rule.endpoint) if method == "POST" else None)
        if not expected(kind, rule, role, response):
            wrong.append(f"{method} {url} ({rule.endpoint}): {response.status_code} {response.location or ''}")
        response.close()
        checked += 1
    assert wrong == [], f"as {role}:\n" + "\n".join(wrong)
    assert checked >= 90, checked
    print(f"role matrix: {checked} requests as {role}")
