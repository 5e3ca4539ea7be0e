"""A small, complete world for tests that walk every route: two organisations, a person of each role, and real
objects (site, task, shift, booking, training, session, enrolment) so that URLs carry ids that exist."""
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from volunteer.clock import local_day
from volunteer.extensions import db
from volunteer.mail import send_after_commit
from volunteer.models import (Certificate, Enrolment, EnrolmentStatus, MessageStatus, Organisation, Role, Shift,
                              SiteLead, SiteNote, Status, TargetGroup, TrainingSession, User, utcnow)

from .helpers import put_on


ROLES = ["anonymous", "applicant", "volunteer", "lead", "other_coordinator", "coordinator", "admin"]


@dataclass
class World:
    people: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)


def enrol(app, session_id: int, person, status=EnrolmentStatus.ENROLLED) -> int:
    with app.app_context():
        enrolment = Enrolment(session_id=session_id, user_id=person.id, status=status)
        db.session.add(enrolment)
        db.session.get(TrainingSession, session_id).seats_taken += 1
        db.session.commit()
        return enrolment.id


@pytest.fixture
def world(app, make_user, make_organisation, make_shift, make_session) -> World:
    """FRG Testby runs a site, a shift and a training; Röda Korset Testby has its own coordinator."""
    frg = make_organisation("FRG Testby")
    red_cross = make_organisation("Röda Korset Testby", kind="red_cross")
    people = {
        "applicant": make_user("applicant@example.org", full_name="Ali Sökande", status=Status.CONFIRMED),
        "volunteer": make_user("volunteer@example.org", full_name="Vera Volontär", status=Status.APPROVED),
        "neighbour": make_user("neighbour@example.org", full_name="Nils Granne", status=Status.APPROVED),
        # Leads the organisation's site this week (below): its day, check-in and who is here; nothing else.
        "lead": make_user("lead@example.org", full_name="Lea Ledare", status=Status.APPROVED),
        "coordinator": make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED,
                                 role=Role.COORDINATOR, coordinates=[frg]),
        "other_coordinator": make_user("other@example.org", full_name="Otto Annan", status=Status.APPROVED,
                                       role=Role.COORDINATOR, coordinates=[red_cross]),
        "admin": make_user("admin@example.org", full_name="Ada Admin", status=Status.APPROVED, role=Role.ADMIN),
    }
    shift = make_shift(organisation="FRG Testby", places=3,
                       starts_at=utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2))
    session = make_session(organisation="FRG Testby")
    with app.app_context():
        site_id, task_id = (lambda s: (s.site_id, s.task_id))(db.session.get(Shift, shift.id))
        training_id = db.session.get(TrainingSession, session.id).training_id
        # Whom the site serves, inherited by its shift (the partnership report's target groups).
        newcomers = TargetGroup(code="newcomers", names={"sv": "Nyanlända", "en": "Newcomers"})
        stored = db.session.get(Shift, shift.id)
        stored.site.target_groups = [newcomers]
        stored.target_groups = [newcomers]
        db.session.commit()
        target_group_id = newcomers.id
        today = local_day(utcnow())
        lead = SiteLead(site_id=site_id, user_id=people["lead"].id, from_day=today - timedelta(days=1),
                        until_day=today + timedelta(days=7), created_by_id=people["coordinator"].id)
        db.session.add_all([lead, SiteNote(site_id=site_id, shift_id=shift.id, author_id=people["lead"].id,
                                           text="Nils kom inte; ringde och var sjuk.")])
        db.session.commit()
        lead_id = lead.id
    ids = {
        "shift_id": shift.id, "site_id": site_id, "task_id": task_id, "organisation_id": frg.id,
        "training_id": training_id, "session_id": session.id,
        "booking_id": put_on(app, shift, people["neighbour"]),
        "enrolment_id": enrol(app, session.id, people["neighbour"]),
        "person_id": people["applicant"].id, "target_group_id": target_group_id, "lead_id": lead_id,
        "day": local_day(shift.starts_at).isoformat(),
    }
    with app.app_context():  # the applicant applied to FRG Testby, so only its coordinators see them
        applicant = db.session.get(User, people["applicant"].id)
        applicant.preferred_organisations = [db.session.get(Organisation, frg.id)]
        db.session.commit()
    put_on(app, shift, people["volunteer"])
    enrol(app, session.id, people["volunteer"])
    with app.app_context():  # the volunteer's certificate of work for FRG Testby, and a qualification
        certificate = Certificate(
            code="K7QM3XRT9PWDHF2N", user_id=people["volunteer"].id, locale="sv", period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30), issued_by_id=people["coordinator"].id, issued_at=utcnow(),
            organisations=[db.session.get(Organisation, frg.id)],
            facts={"name": "Vera Volontär", "organisations": ["FRG Testby"], "shift_minutes": 180,
                   "training_minutes": 0, "tasks": [], "trainings": [], "issuer": None})
        db.session.add(certificate)
        db.session.commit()
        ids.update(certificate_id=certificate.id, code=certificate.display_code,
                   qualification_id=db.session.get(TrainingSession, session.id).training.qualification_id)
    with app.test_request_context():  # an e-mail to the neighbour that was given up on, for the admins' list
        message = send_after_commit("neighbour@example.org", "sv", "account_deleted", "Ett mejl", name="Nils Granne")
        message.status = MessageStatus.FAILED
        db.session.commit()
        ids["message_id"] = message.id
    return World(people=people, ids=ids)


# Pages that are not HTML for a person to read (downloads), need a one-time token from an e-mail, or send the
# browser to the organisation's identity provider (and are not there at all without its settings).
NOT_PAGES = {"static", "health.healthz", "metrics.metrics", "me.export", "shifts.ics", "shifts.feed",
             "directory.export_csv", "auth.redeem", "signup.confirm", "shifts.offer", "shifts.call_out", "trainings.offer",
             "hours.certificate_pdf_download",
             "hours_report.hours_csv", "hours_report.partnership_csv", "hours_report.partnership_pdf", "oidc.start",
             "oidc.callback"}
SIGNED_IN_PAGES = {"main.accept_notice", "me.page", "me.messages", "me.delete", "me.data", "me.details", "shifts.page",
                   "shifts.mine", "shifts.confirm_cancel", "shifts.confirm_hand_over", "trainings.page", "check_in.form",
                   "trainings.mine", "hours.page", "hours.new_certificate", "hours.certificate"}


def fill(rule, ids: dict) -> str:
    """The rule's URL with every variable taken from the world's ids."""
    return rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]


def who_sees(rule) -> str:
    """The role that opens a page: the least one that may."""
    if rule.rule.startswith("/admin"):
        return "admin"
    if rule.rule.startswith("/coordinator"):
        return "coordinator"
    if rule.rule.startswith("/lead"):
        return "lead"
    return "volunteer" if rule.endpoint in SIGNED_IN_PAGES else "anonymous"


def pages(app, world: World) -> list[tuple[str, str]]:
    """(role, url) for every HTML page the app serves with GET, with real ids."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES:
            found.append((who_sees(rule), fill(rule, world.ids)))
    return sorted(set(found))


def speak(app, world: World, locale: str) -> None:
    """Everyone in the world reads the site in this language (their saved preference)."""
    with app.app_context():
        for person in world.people.values():
            db.session.get(User, person.id).locale = locale
        db.session.commit()
