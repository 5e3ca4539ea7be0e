"""Objects belong to people: changing an id in a request never reaches someone else's booking, enrolment,
calendar or data, and a coordinator of one organisation cannot act on another's sites, shifts or people."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import (Booking, BookingStatus, Enrolment, EnrolmentStatus, Shift, Site, Status,
                              TrainingSession, User)

from .helpers import put_on, signed_in
from .world import enrol


@pytest.fixture
def theirs(app, world, make_shift, make_session) -> dict:
    """A shift and a training session that only the neighbour is on."""
    starts = world_shift_start(app, world) + timedelta(days=1)
    shift = make_shift(starts_at=starts, places=2)
    session = make_session(title="Stödsamtal grund", organisation="FRG Testby", qualification=None)
    return {"shift": shift.id, "booking": put_on(app, shift, world.people["neighbour"]),
            "session": session.id, "enrolment": enrol(app, session.id, world.people["neighbour"])}


def world_shift_start(app, world):
    with app.app_context():
        return db.session.get(Shift, world.ids["shift_id"]).starts_at


def booking_status(app, booking_id) -> BookingStatus:
    with app.app_context():
        return db.session.get(Booking, booking_id).status


def enrolment_status(app, enrolment_id) -> EnrolmentStatus:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).status


def test_a_volunteer_cannot_cancel_another_persons_booking_by_its_shift_id(make_app, world, theirs):
    app = make_app(WTF_CSRF_ENABLED=False)
    me = signed_in(app, world.people["volunteer"])
    assert me.post(f"/shifts/{theirs['shift']}/cancel").status_code == 409
    assert booking_status(app, theirs["booking"]) is BookingStatus.BOOKED
    neighbour = signed_in(app, world.people["neighbour"])
    assert neighbour.post(f"/shifts/{theirs['shift']}/cancel").status_code == 303, "the owner can"
    assert booking_status(app, theirs["booking"]) is BookingStatus.CANCELLED


def test_a_volunteer_cannot_cancel_another_persons_enrolment(make_app, world, theirs):
    app = make_app(WTF_CSRF_ENABLED=False)
    me = signed_in(app, world.people["volunteer"])
    assert me.post(f"/trainings/{theirs['session']}/cancel").status_code == 409
    assert enrolment_status(app, theirs["enrolment"]) is EnrolmentStatus.ENROLLED
    neighbour = signed_in(app, world.people["neighbour"])
    assert neighbour.post(f"/trainings/{theirs['session']}/cancel").status_code == 303, "the owner can"
    assert enrolment_status(app, theirs["enrolment"]) is EnrolmentStatus.CANCELLED


def test_a_calendar_file_is_only_for_a_shift_one_is_booked_on(app, world, theirs):
    url = f"/shifts/{theirs['shift']}/calendar.ics"
    assert signed_in(app, world.people["volunteer"]).get(url).status_code == 404
    assert signed_in(app, world.people["neighbour"]).get(url).status_code == 200


def test_a_calendar_feed_lists_only_its_owners_shifts_and_a_changed_address_is_not_found(app, world, theirs):
    me = signed_in(app, world.people["volunteer"])
    neighbour = signed_in(app, world.people["neighbour"])
    for client in (me, neighbour):
        client.submit("/shifts/calendar-feed", page="/shifts/mine")
    with app.app_context():
        mine, others = (db.session.get(User, world.people[who].id).calendar_token for who in ("volunteer", "neighbour"))
    own_feed = me.get(f"/calendar/{mine}.ics").get_data(as_text=True)
    their_feed = me.get(f"/calendar/{others}.ics").get_data(as_text=True)
    assert own_feed.count("BEGIN:VEVENT") == 1, "only the world's shift, not the neighbour's other one"
    assert their_feed.count("BEGIN:VEVENT") == 2
    for guess in (mine[:-1] + ("A" if mine[-1] != "A" else "B"), mine[:-1], mine + "x", str(world.people["neighbour"].id)):
        assert me.get(f"/calendar/{guess}.ics").status_code == 404


def test_the_data_download_holds_only_the_persons_own_data(app, world, theirs):
    me = signed_in(app, world.people["volunteer"])
    for url in ("/me/export", f"/me/export?user_id={world.people['neighbour'].id}",
                f"/me/export?id={world.people['neighbour'].id}"):
        text = me.get(url).get_data(as_text=True)
        assert "volunteer@example.org" in text
        assert "neighbour@example.org" not in text and "Nils Granne" not in text


def snapshot(app, world, theirs) -> dict:
    """What another organisation's coordinator must not be able to change."""
    with app.app_context():
        shift = db.session.get(Shift, world.ids["shift_id"])
        return {
            "shift cancelled": shift.cancelled_at, "shift places": shift.places,
            "site name": db.session.get(Site, world.ids["site_id"]).name,
            "booking": db.session.get(Booking, world.ids["booking_id"]).status,
            "people on the shift": len(db.session.scalars(select(Booking).where(
                Booking.shift_id == shift.id)).all()),
            "applicant": db.session.get(User, world.people["applicant"].id).status,
            "session cancelled": db.session.get(TrainingSession, world.ids["session_id"]).cancelled_at,
            "enrolment": db.session.get(Enrolment, world.ids["enrolment_id"]).status,
        }


def actions(world, red_cross_id: int) -> list[tuple[str, dict]]:
    """Real, valid requests a coordinator would send, aimed at FRG Testby's objects."""
    ids = world.ids
    shift, site, applicant = ids["shift_id"], ids["site_id"], world.people["applicant"].id
    return [  # in an order in which each one makes sense after the one before
        (f"/coordinator/shifts/{shift}/edit", {"site_id": site, "task_id": ids["task_id"], "scope": "one",
                                               "day": "2030-01-01", "start": "10:00", "end": "12:00", "places": 9}),
        (f"/coordinator/sites/{site}/edit", {"name": "Taken over", "organisation_id": red_cross_id, "kind": "meeting_place",
                                             "address": "Annan gata 2"}),
        (f"/coordinator/people/{applicant}/decision",
         {f"person{applicant}-held_on": (date.today() - timedelta(days=1)).isoformat(),
          f"person{applicant}-decision": "approve"}),
        (f"/coordinator/shifts/{shift}/roster/{ids['booking_id']}/remove", {}),
        (f"/coordinator/shifts/{shift}/roster/add", {"person_id": world.people["applicant"].id}),
        (f"/coordinator/trainings/sessions/{ids['session_id']}/cancel", {}),
        (f"/coordinator/trainings/sessions/{ids['session_id']}/attendance/{ids['enrolment_id']}",
         {"status": "no_show"}),
        (f"/coordinator/shifts/{shift}/cancel", {"scope": "one"}),
    ]


def test_a_coordinator_of_another_organisation_changes_nothing(make_app, make_organisation, world, theirs):
    app = make_app(WTF_CSRF_ENABLED=False)
    red_cross = make_organisation("Röda Korset Testby")
    before = snapshot(app, world, theirs)
    other = signed_in(app, world.people["other_coordinator"])
    statuses = [other.post(url, data=data).status_code for url, data in actions(world, red_cross.id)]
    assert set(statuses) <= {403, 404}, statuses
    for url, _ in actions(world, red_cross.id):
        assert other.get(url.replace("/attendance/", "/")).status_code in (403, 404, 405), url
    assert snapshot(app, world, theirs) == before


def test_the_organisations_own_coordinator_can_do_the_same(make_app, make_organisation, world, theirs):
    """The control for the test above: the same requests do change things when the coordinator may."""
    app = make_app(WTF_CSRF_ENABLED=False)
    frg = make_organisation("FRG Testby")
    before = snapshot(app, world, theirs)
    own = signed_in(app, world.people["coordinator"])
    for url, data in actions(world, frg.id):
        if "/attendance/" not in url:  # attendance waits for the session to start
            assert own.post(url, data=data).status_code in (200, 303), url
    after = snapshot(app, world, theirs)
    changed = {key for key in before if before[key] != after[key]}
    assert {"shift cancelled", "shift places", "site name", "booking", "people on the shift", "applicant",
            "session cancelled"} <= changed
    assert after["applicant"] is Status.APPROVED
