""""Only shifts I can book": the SQL prefilter keeps exactly the shifts the rules call OPEN, at every boundary, and
those the person has booked (issue 29: a booked card stays in the filtered list); the page's count is the number of
cards it lists."""
import re
from datetime import date, datetime, timedelta, timezone


from volunteer import clock as stockholm
from volunteer.extensions import db
from volunteer.models import Booking, BookingStatus, RecordCheck, RecordKind, Shift, User
from volunteer.rules import shifts as rules
from volunteer.rules.kinds import decide
from volunteer.rules.shifts import BookingState
from volunteer.shifts.queries import open_shifts

from .helpers import grant, local, page_text, person

NOW = datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc)


def extract(app, user, valid_until: date):
    with app.app_context():
        db.session.add(RecordCheck(user_id=user.id, kind=RecordKind.CHILDREN_OTHER, seen_on=date(2026, 1, 5),
                                   valid_until=valid_until))
        db.session.commit()


def hold(app, user, shift, status=BookingStatus.BOOKED, **fields):
    with app.app_context():
        db.session.add(Booking(shift_id=shift.id, user_id=user.id, status=status, **fields))
        db.session.commit()


def prefiltered_and_states(app, user, shifts) -> tuple[set[int], dict[int, BookingState]]:
    """The ids the SQL prefilter keeps, and each shift's state by the rules, for the same person and moment."""
    with app.test_request_context():
        person = db.session.get(User, user.id)
        kept = set(db.session.scalars(open_shifts(person, {"bookable": True}, NOW).with_only_columns(Shift.id)))
        states = {shift.id: decide(rules.SHIFTS, person, db.session.get(Shift, shift.id), NOW).state for shift in shifts}
    return kept, states


def assert_agree(app, user, expected: dict):
    """Each shift has the expected state, and the prefilter keeps it exactly when that state is OPEN or BOOKED."""
    kept, states = prefiltered_and_states(app, user, expected)
    assert states == {shift.id: state for shift, state in expected.items()}
    kept_states = (BookingState.OPEN, BookingState.BOOKED)
    assert kept == {shift.id for shift, state in expected.items() if state in kept_states}


def test_a_qualification_counts_only_if_it_runs_out_after_the_shift_ends(app, make_user, make_shift):
    _, user = person(app, make_user, "v@example.org")
    shift = make_shift(starts_at=local(date(2026, 10, 22), 17), qualification="intro_housing")
    grant(app, user, expires_at=shift.ends_at)  # runs out the moment the shift ends: too early
    assert_agree(app, user, {shift: BookingState.NEEDS_QUALIFICATION})
    grant(app, user, expires_at=shift.ends_at + timedelta(minutes=1))
    assert_agree(app, user, {shift: BookingState.OPEN})


def test_a_record_extract_counts_if_it_is_valid_on_the_shifts_day(app, make_user, make_shift):
    _, user = person(app, make_user, "v@example.org")
    shift = make_shift(starts_at=local(date(2026, 10, 23), 13), requires_record_check=True)
    extract(app, user, date(2026, 10, 22))  # valid today, but not on the shift's day
    assert_agree(app, user, {shift: BookingState.NEEDS_RECORD_CHECK})
    extract(app, user, date(2026, 10, 23))  # valid until the shift's day, that day included
    assert_agree(app, user, {shift: BookingState.OPEN})


def test_the_shifts_day_is_the_stockholm_day_it_ends_on(app, make_user, make_shift):
    _, user = person(app, make_user, "v@example.org")
    # 21:00 to 00:30 in Stockholm: it ends on the 23rd, which is still the 22nd in UTC (22:30).
    night = make_shift(starts_at=local(date(2026, 10, 22), 21),
                       ends_at=stockholm.at(date(2026, 10, 23)) + timedelta(minutes=30), requires_record_check=True)
    extract(app, user, date(2026, 10, 22))
    assert_agree(app, user, {night: BookingState.NEEDS_RECORD_CHECK})
    extract(app, user, date(2026, 10, 23))
    assert_agree(app, user, {night: BookingState.OPEN})


def test_what_the_person_already_holds_or_waits_for_is_not_bookable(app, make_user, make_shift):
    _, user = person(app, make_user, "v@example.org")
    booked = make_shift(starts_at=local(date(2026, 10, 22), 9))
    overlapping = make_shift(starts_at=local(date(2026, 10, 22), 10), site="Mötesplats Ost")
    back_to_back = make_shift(starts_at=local(date(2026, 10, 22), 12))
    waitlisted = make_shift(starts_at=local(date(2026, 10, 23), 9), places=1, places_taken=1)
    offered = make_shift(starts_at=local(date(2026, 10, 24), 9))
    lapsed = make_shift(starts_at=local(date(2026, 10, 24), 13))
    cancelled = make_shift(starts_at=local(date(2026, 10, 26), 9))
    hold(app, user, booked)
    hold(app, user, waitlisted, BookingStatus.WAITLISTED)
    hold(app, user, offered, BookingStatus.OFFERED, offer_expires_at=NOW + timedelta(hours=2))
    hold(app, user, lapsed, BookingStatus.OFFERED, offer_expires_at=NOW - timedelta(minutes=1))
    hold(app, user, cancelled, BookingStatus.CANCELLED)
    # A lapsed offer may be booked again, but it holds its place until it is passed on: what overlaps it waits.
    after_lapsed = make_shift(starts_at=local(date(2026, 10, 24), 14))
    assert_agree(app, user, {booked: BookingState.BOOKED, overlapping: BookingState.OVERLAPS,
                             back_to_back: BookingState.OPEN, waitlisted: BookingState.WAITLISTED,
                             offered: BookingState.OFFERED, lapsed: BookingState.OPEN,
                             after_lapsed: BookingState.OVERLAPS, cancelled: BookingState.OPEN})


def test_the_count_is_the_number_of_cards_listed(app, make_user, make_shift):
    client, user = person(app, make_user, "v@example.org")
    free = make_shift(starts_at=local(date(2026, 10, 22), 17))
    booked = make_shift(starts_at=local(date(2026, 10, 23), 9))
    overlapping = make_shift(starts_at=local(date(2026, 10, 23), 10))
    runs_out = make_shift(starts_at=local(date(2026, 10, 24), 9), qualification="intro_housing")
    grant(app, user, expires_at=runs_out.ends_at)
    hold(app, user, booked)
    html = page_text(client.get("/shifts?bookable=y"))
    cards = re.findall(r'<article[^>]*id="shift-(\d+)"', html)
    count = re.search(r'<p class="count"[^>]*>([^<]*)</p>', html).group(1)
    assert (cards, count) == ([str(free.id), str(booked.id)], "2 shifts"), \
        f"{overlapping.id} overlaps, {runs_out.id} needs training"
    assert "shift-card--booked" in html, "the booked shift stays, marked booked"
