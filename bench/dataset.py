"""The benchmark's data set, inserted in bulk: 5 sites x 90 days x 8 shifts, 2,000 volunteers, 15,000 bookings,
40 training sessions and a year of audit log, all times the scale (`--scale 30`: 150 sites, 108,000 shifts,
60,000 volunteers, 450,000 bookings, 1,200 training sessions).

Rows go in with one executemany per table (no ORM objects one by one), so the whole set takes seconds on
SQLite and PostgreSQL alike. The numbers are deterministic: the same run makes the same rows."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import func, insert, select

from volunteer.clock import at, local_day
from volunteer.extensions import db
from volunteer.models import (AuditEvent, Booking, BookingStatus, Enrolment, EnrolmentStatus, Organisation, PersonQualification,
                              Qualification, RecordCheck, RecordKind, Role, Shift, ShiftLanguage, Site, Status, Task,
                              Training, TrainingSession, User, UserLanguage, coordinator_organisations)
from volunteer.models import utcnow

# Per unit of scale; the days, the shifts of a site's day and the places stay as they are.
SITES = 5
DAYS = 90
SHIFTS_PER_DAY = 8
VOLUNTEERS = 2000
BOOKINGS = 15000
SESSIONS = 40
AUDIT_PER_DAY = 20
AUDIT_DAYS = 365
PLACES = 6
# The window of shifts: a month back (attended) and two months ahead (booked).
DAYS_BACK = 30
LANGUAGES = ("ar", "fa", "prs", "so", "ti", "uk", "en", "ru")
TASK_CODES = ("support_conversations", "language_practice", "children_activities", "homework_help",
              "authority_contacts", "civic_information", "leisure_activities", "reception")
SHIFT_STARTS = (time(8), time(9), time(10, 30), time(12), time(13, 30), time(15), time(17), time(18, 30))
VOLUNTEER = "volunteer-0@bench.example.org"
COORDINATOR = "coordinator@bench.example.org"


@dataclass(frozen=True)
class Built:
    """What the benchmark needs to know about the rows it made."""

    volunteer_id: int
    coordinator_id: int
    busy_site_id: int
    busy_day: date
    counts: dict
    scale: int = 1


def _insert(model, rows: list[dict]) -> None:
    # In slices: one statement of half a million rows holds them all (and their parameters) in memory at once.
    for first in range(0, len(rows), 50_000):
        db.session.execute(insert(model), rows[first:first + 50_000])


def build(now: datetime | None = None, scale: int = 1) -> Built:
    """Fill an empty, migrated database (inside an app context) with scale times the rows, and commit."""
    now = now or utcnow()
    sites, volunteers = SITES * scale, VOLUNTEERS * scale
    today = local_day(now)
    first_day = today - timedelta(days=DAYS_BACK)

    _insert(Organisation, [{"id": 1, "name": "Benchby kommun", "kind": "municipality", "description": ""},
                           {"id": 2, "name": "Röda Korset Benchby", "kind": "red_cross", "description": ""}])
    _insert(Qualification, [
        {"id": 1, "code": "intro_housing", "validity_months": 24,
         "names": {"sv": "Introduktion till evakueringsboende", "en": "Introduction to evacuation housing"}},
        {"id": 2, "code": "support_conversations", "validity_months": None,
         "names": {"sv": "Stödsamtal", "en": "Support conversations"}}])
    _insert(Task, [{"id": index + 1, "code": code, "names": {"sv": code.replace("_", " "), "en": code}}
                   for index, code in enumerate(TASK_CODES)])
    _insert(Site, [{"id": index + 1, "organisation_id": 1 + index % 2, "name": f"Boende {index + 1}",
                    "kind": "evacuation_housing", "address": f"Storgatan {index + 1}, Benchby",
                    "access_notes": "Ring på porten.", "contact_on_duty": "Jour, 010-123 40 00"}
                   for index in range(sites)])

    created = now - timedelta(days=200)
    notice = current_app.config["PRIVACY_NOTICE_VERSION"]  # everyone has read the current notice
    people = [{"id": 1, "email": COORDINATOR, "full_name": "Cora Koordinator", "role": Role.COORDINATOR,
               "status": Status.APPROVED, "locale": "sv", "phone": "+46701234000", "created_at": created,
               "privacy_version": notice}]
    people += [{"id": 2 + index, "email": f"volunteer-{index}@bench.example.org",
                "full_name": f"Volontär {index:04d}", "role": Role.VOLUNTEER,
                "status": Status.APPROVED if index % 10 else Status.CONFIRMED, "locale": ("sv", "en", "ar")[index % 3],
                "phone": f"+4670{index:07d}", "created_at": created, "email_confirmed_at": created,
                "privacy_version": notice, "consented_at": created, "adult_confirmed": True}
               for index in range(volunteers)]
    _insert(User, people)
    db.session.execute(insert(coordinator_organisations), [{"user_id": 1, "organisation_id": 1},
                                                           {"user_id": 1, "organisation_id": 2}])
    _insert(UserLanguage, [{"user_id": 2 + index, "code": code} for index in range(volunteers)
                           for code in ("sv", LANGUAGES[index % len(LANGUAGES)])])
    _insert(PersonQualification, [{"user_id": 2 + index, "qualification_id": 1 + index % 2,
                                   "granted_at": created, "expires_at": None, "reason": ""}
                                  for index in range(0, volunteers, 2)])
    _insert(RecordCheck, [{"user_id": 2 + index, "kind": RecordKind.CHILDREN_OTHER, "seen_on": today,
                           "valid_until": today + timedelta(days=365), "created_at": now}
                          for index in range(0, volunteers, 4)])

    shifts, wanted = [], []
    for day_index in range(DAYS):
        day = first_day + timedelta(days=day_index)
        for site_index in range(sites):
            for slot, start in enumerate(SHIFT_STARTS):
                shift_id = 1 + len(shifts)
                starts_at = at(day, start).astimezone(timezone.utc)
                shifts.append({
                    "id": shift_id, "site_id": site_index + 1, "task_id": 1 + (slot + site_index) % len(TASK_CODES),
                    "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2), "places": PLACES,
                    "places_taken": 0, "required_qualification_id": 1 if slot % 4 == 1 else None,
                    "requires_record_check": slot == 6, "notes": "", "created_at": created, "created_by_id": 1})
                wanted.append({"shift_id": shift_id, "code": LANGUAGES[(shift_id * 3) % len(LANGUAGES)]})
                if slot % 2:
                    wanted.append({"shift_id": shift_id, "code": "sv"})

    bookings = []
    per_shift = BOOKINGS * scale // len(shifts)
    extra = BOOKINGS * scale - per_shift * len(shifts)
    for index, shift in enumerate(shifts):
        past = shift["ends_at"] <= now
        for place in range(per_shift + (1 if index < extra else 0)):
            # Spread people over the shifts; the stride keeps one person to one place per shift.
            volunteer = (index * 7 + place * 311) % volunteers
            status = (BookingStatus.ATTENDED if past else BookingStatus.BOOKED)
            bookings.append({"shift_id": shift["id"], "user_id": 2 + volunteer, "status": status,
                             "created_at": created, "updated_at": created})
        shift["places_taken"] = per_shift + (1 if index < extra else 0)
    _insert(Shift, shifts)
    _insert(ShiftLanguage, wanted)
    _insert(Booking, bookings)

    _insert(Training, [{"id": 1, "organisation_id": 2, "title": "Introduktion", "description": "",
                        "qualification_id": 1},
                       {"id": 2, "organisation_id": 2, "title": "Stödsamtal", "description": "",
                        "qualification_id": 2}])
    sessions, enrolments = [], []
    for index in range(SESSIONS * scale):
        starts_at = at(first_day + timedelta(days=index * 2 % DAYS), time(18)).astimezone(timezone.utc)
        sessions.append({"id": index + 1, "training_id": 1 + index % 2, "starts_at": starts_at,
                         "ends_at": starts_at + timedelta(hours=3), "place": "Folkets hus", "language": "sv",
                         "seats": 20, "seats_taken": 10, "created_at": created})
        status = EnrolmentStatus.ATTENDED if starts_at < now else EnrolmentStatus.ENROLLED
        enrolments += [{"session_id": index + 1, "user_id": 2 + (index * 50 + seat) % volunteers, "status": status,
                        "created_at": created, "updated_at": created} for seat in range(10)]
    _insert(TrainingSession, sessions)
    _insert(Enrolment, enrolments)
    _insert(AuditEvent, audit_log(now, scale))
    db.session.commit()
    _sync_sequences()
    _analyze()

    busy_day = today + timedelta(days=2)
    counts = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Site, Shift, User, Booking, TrainingSession)}
    return Built(volunteer_id=2, coordinator_id=1, busy_site_id=1, busy_day=busy_day, counts=counts, scale=scale)


def audit_log(now: datetime, scale: int) -> list[dict]:
    """A year of what people did (coordinators opening people's pages, bookings), spread over the days."""
    per_day = AUDIT_PER_DAY * scale
    return [{"created_at": now - timedelta(days=AUDIT_DAYS - day, minutes=entry * 7 % 1440), "actor_id": 1,
             "subject_id": 2 + (day * per_day + entry) % (VOLUNTEERS * scale),
             "action": "profile_viewed" if entry % 5 else "shift_booked", "details": {}}
            for day in range(AUDIT_DAYS) for entry in range(per_day)]


def _analyze() -> None:
    """PostgreSQL plans by statistics that autovacuum gathers within a minute of a bulk load; a run that starts
    at once would measure plans for empty tables, which a running site never has. SQLite has no such daemon
    (nor, by default, statistics), so it is left as a site on SQLite would be."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def _sync_sequences() -> None:
    """PostgreSQL's id sequences do not move for explicit ids: point them past the rows just made."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
            db.session.execute(db.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
    db.session.commit()
