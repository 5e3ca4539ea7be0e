"""My page's own-data tools: download and delete."""
import json

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, LoginToken, UserLanguage

from .helpers import sign_in


def test_a_person_can_download_their_data(client, outbox, make_user):
    make_user(languages=("ar", "sv"), other_languages="Tigre")
    sign_in(client, outbox)
    response = client.get("/me/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["email"] == "volunteer@example.org"
    assert data["phone"] == "+46701234567"
    assert data["languages"] == ["ar", "sv"]
    assert data["other_languages"] == "Tigre"
    assert data["privacy_notice_version"] and data["consented_at"]


def test_deleting_an_account_removes_the_person_and_signs_them_out(app, client, outbox, make_user, find_user):
    user = make_user()
    sign_in(client, outbox)
    assert client.get("/me/delete").status_code == 200
    assert find_user("volunteer@example.org") is not None, "the GET only asks"
    response = client.submit("/me/delete", page="/me/delete")
    assert response.status_code == 303
    assert find_user("volunteer@example.org") is None
    assert client.get("/me").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(UserLanguage)).all() == []
        assert db.session.scalars(select(LoginToken)).all() == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_deleted"))
        assert event.subject_id == user.id


def test_data_tools_need_signing_in(client):
    assert client.get("/me/export").status_code == 302
    assert client.get("/me/delete").status_code == 302


def test_my_page_shows_times_in_stockholm_and_lists_in_the_locale(client, outbox, make_user):
    from datetime import datetime, timezone
    make_user(created_at=datetime(2026, 7, 1, 10, 5, tzinfo=timezone.utc), languages=("ar", "fa", "sv"),
              locale="sv")
    sign_in(client, outbox)
    html = client.get("/me").get_data(as_text=True)
    assert "1 juli 2026 12:05" in html
    assert "arabiska, persiska och svenska" in html


def test_the_download_includes_what_coordinators_recorded_and_deletion_removes_it(
        app, client, make_user, find_user):
    from datetime import date

    from volunteer.models import Interview, RecordCheck, Role, Status, StatusChange

    coordinator = make_user("coord@example.org", status=Status.APPROVED, role=Role.COORDINATOR)
    person = make_user(status=Status.CONFIRMED)
    client.sign_in_as(coordinator)
    client.submit(f"/coordinator/people/{person.id}/decision",
                  {f"person{person.id}-held_on": date.today().isoformat(), f"person{person.id}-decision": "approve",
                   f"person{person.id}-notes": "Intern anteckning"}, page="/coordinator/applicants")
    client.submit(f"/coordinator/people/{person.id}/record-check",
                  {"kind": "children_other", "seen_on": date.today().isoformat(), "valid_until": "2099-01-01"},
                  page=f"/coordinator/people/{person.id}")

    client.sign_in_as(person)
    data = json.loads(client.get("/me/export").data)
    assert [step["status"] for step in data["status_history"]] == ["approved"]
    # The right of access covers what coordinators wrote about the person.
    assert data["interviews"] == [{"held_on": date.today().isoformat(), "notes": "Intern anteckning"}]
    assert data["record_extracts_seen"][0]["kind"] == "children_other"

    client.submit("/me/delete", {}, page="/me/delete")
    with app.app_context():
        for model in (Interview, RecordCheck, StatusChange):
            assert db.session.scalars(select(model).where(model.user_id == person.id)).all() == []
    assert find_user("coord@example.org") is not None
