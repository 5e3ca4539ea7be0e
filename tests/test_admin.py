"""Admins: partner organisations, the coordinator role and the audit log."""
import re

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Organisation, Role, Status

from .helpers import field_error, page_text


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", full_name="Adam Admin", status=Status.APPROVED, role=Role.ADMIN)


@pytest.fixture
def signed_in(client, admin):
    client.sign_in_as(admin)
    return client


def test_an_admin_adds_and_renames_an_organisation(app, signed_in):
    response = signed_in.submit("/admin/organisations", {"name": "Svenska kyrkan Testby", "kind": "other",
                                                         "description": "Mötesplats"})
    assert (response.status_code, response.location) == (303, "/admin/organisations")
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Svenska kyrkan Testby"))
    url = f"/admin/organisations/{organisation.id}"
    signed_in.submit(url, {"name": "Svenska kyrkan i Testby", "kind": "other"})
    assert "Svenska kyrkan i Testby" in page_text(signed_in.get("/admin/organisations"))
    actions = [e.action for e in _events(app)]
    assert actions == ["organisation_created", "organisation_saved"]


def test_two_organisations_cannot_share_a_name(signed_in, make_organisation):
    make_organisation("FRG Testby")
    response = signed_in.submit("/admin/organisations", {"name": "FRG Testby", "kind": "frg"})
    assert response.status_code == 422
    assert field_error(response, "name") == "Det finns redan en organisation med det namnet."


def test_an_admin_grants_and_removes_the_coordinator_role(app, signed_in, admin, make_user, make_organisation,
                                                           find_user):
    frg = make_organisation("FRG Testby")
    make_user("vera@example.org", full_name="Vera Volontär", status=Status.APPROVED)
    response = signed_in.submit("/admin/coordinators", {"email": "Vera@Example.org", "organisations": [str(frg.id)]})
    assert response.status_code == 303
    vera = find_user("vera@example.org")
    assert vera.role is Role.COORDINATOR and [o.name for o in vera.coordinated_organisations] == ["FRG Testby"]

    signed_in.submit(f"/admin/coordinators/{vera.id}/remove", {}, page="/admin/coordinators")
    vera = find_user("vera@example.org")
    assert vera.role is Role.VOLUNTEER and vera.coordinated_organisations == []
    granted, removed = [e for e in _events(app) if e.action.startswith("coordinator_role")]
    assert (granted.action, granted.actor_id, granted.subject_id) == ("coordinator_role_granted", admin.id, vera.id)
    assert removed.action == "coordinator_role_removed"


def test_granting_needs_an_existing_account_and_an_organisation(signed_in, make_user):
    unknown = signed_in.submit("/admin/coordinators", {"email": "nobody@example.org", "admin": "y"})
    assert unknown.status_code == 422
    assert field_error(unknown, "email") == "Inget konto har den adressen. Be personen att anmäla sig först."
    make_user("vera@example.org", status=Status.APPROVED)
    no_org = signed_in.submit("/admin/coordinators", {"email": "vera@example.org"})
    assert no_org.status_code == 422
    assert field_error(no_org, "organisations") == "Välj minst en organisation."


def test_an_admin_cannot_remove_their_own_role(signed_in, admin, find_user):
    response = signed_in.submit(f"/admin/coordinators/{admin.id}/remove", {}, page="/admin/coordinators")
    assert response.status_code == 303
    assert find_user("admin@example.org").role is Role.ADMIN


def test_the_audit_log_stays_readable_after_people_are_deleted(app, signed_in, client, make_user, admin):
    person = make_user("gone@example.org", full_name="Greta Gone", status=Status.APPROVED)
    signed_in.submit(f"/coordinator/people/{person.id}/status", {"reason": "Slutar"},
                     page=f"/coordinator/people/{person.id}")
    with app.app_context():
        db.session.delete(db.session.get(type(admin), person.id))
        db.session.commit()
    text = page_text(signed_in.get("/admin/audit?action=deactivated"))
    assert f"Raderad volontär (nr {person.id})" in text
    assert "Adam Admin" in text and "reason: Slutar" in text


@pytest.mark.parametrize("typed", ["%00", "nothing_like_this", "deactivated%00x", "x" * 300])
def test_an_unknown_action_in_the_audit_filter_shows_everything(signed_in, typed):
    """PostgreSQL refuses NUL in a text comparison: an action nobody recorded never reaches the database."""
    response = signed_in.get(f"/admin/audit?action={typed}")
    assert response.status_code == 200
    assert 'selected' not in re.search(r'<select[^>]*name="action".*?</select>', page_text(response), re.S).group(0)


def test_coordinators_may_not_open_admin_pages(client, make_user):
    client.sign_in_as(make_user("c@example.org", role=Role.COORDINATOR, status=Status.APPROVED))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/coordinator/applicants").status_code == 200


def _events(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
