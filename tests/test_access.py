"""The shared access checks: anonymous visitors sign in first, volunteers are refused, coordinators pass."""
from flask import Blueprint

from volunteer.models import Role, Status
from volunteer.web.access import organisation_scope, require_coordinator

from .helpers import Client


def _app_with_guarded_page(make_app):
    app = make_app()
    guarded = Blueprint("guarded", __name__)
    guarded.before_request(require_coordinator)
    guarded.add_url_rule("/guarded", "page", lambda: "inside")
    app.register_blueprint(guarded)
    return app


def test_coordinator_pages_send_visitors_to_sign_in_and_refuse_volunteers(make_app, make_user):
    app = _app_with_guarded_page(make_app)
    volunteer = make_user("v@example.org", status=Status.APPROVED)
    coordinator = make_user("c@example.org", role=Role.COORDINATOR)
    client = Client(app.test_client())

    response = client.get("/guarded")
    assert response.status_code == 302 and "/sign-in" in response.location

    client.sign_in_as(volunteer)
    assert client.get("/guarded").status_code == 403

    client.sign_in_as(coordinator)
    assert client.get("/guarded").get_data(as_text=True) == "inside"


def test_a_coordinator_acts_for_their_organisations_and_an_admin_for_all(make_user, make_organisation):
    frg = make_organisation("FRG")
    coordinator = make_user("c@example.org", role=Role.COORDINATOR, coordinates=[frg])
    admin = make_user("a@example.org", role=Role.ADMIN)
    assert organisation_scope(coordinator) == {frg.id}
    assert organisation_scope(admin) is None

