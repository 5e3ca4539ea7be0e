"""Fixtures: a database per test run (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), an app per test."""
import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, make_url, select

from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import Organisation, Role, Status, User, UserLanguage, utcnow

from .helpers import Client, MovableClock, Outbox, clock_start

# The world fixture for the tests that walk every route.
pytest_plugins = ["tests.world"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, migrated database for this run; dropped at the end."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        _migrate(url)
        yield url
        return
    import psycopg

    name = f"volunteer_test_{uuid.uuid4().hex[:10]}"
    admin = make_url(server).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def outbox(tmp_path) -> Outbox:
    return Outbox(tmp_path / "outbox")


@pytest.fixture
def make_app(database_url, outbox):
    """Build an app on the test database; rows are removed after the test."""
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": None,
            "MAIL_OUTBOX_DIR": str(outbox.path),
            "BASE_URL": "http://localhost",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SECRET_KEY": "test-secret",
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        outbox.apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
            db.session.commit()
            db.engine.dispose()


@pytest.fixture
def clock(request):
    """The app's clock, moved with advance(): from @pytest.mark.now(moment) or the module's NOW, else None."""
    start = clock_start(request)
    return MovableClock(start) if start is not None else None


@pytest.fixture
def app(make_app, clock):
    """An app with no context pushed: every request gets its own, as in production; it reads the time from clock."""
    return make_app(CLOCK=clock) if clock else make_app()


def detached(instance):
    """Load an instance's columns and lists, then let it outlive its app context."""
    if instance is not None:
        for name in ("languages", "skills", "preferred_organisations", "coordinated_organisations"):
            getattr(instance, name, None)
        db.session.expunge(instance)
    return instance


@pytest.fixture
def find_user(app):
    """The stored account for an address, read in a fresh context (None when there is none)."""

    def finder(address):
        with app.app_context():
            return detached(db.session.scalar(select(User).where(User.email == address)))

    return finder


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


VALID_SIGNUP = {
    "full_name": "Anna Lindqvist",
    "email": "anna@example.org",
    "phone": "070-123 45 67",
    "languages": ["sv", "ar"],
    "availability": ["evenings"],
    "skills": ["teaching"],
    "motivation": "Jag vill hjälpa till på kvällarna.",
    "adult": "y",
    "consent": "y",
}


@pytest.fixture
def signup_data():
    return {key: (list(value) if isinstance(value, list) else value) for key, value in VALID_SIGNUP.items()}


@pytest.fixture
def make_user(app):
    """Create a person directly in the database."""

    def factory(email="volunteer@example.org", status=Status.CONFIRMED, locale="sv", languages=("sv",),
                coordinates=(), **fields):
        """coordinates: organisations (or their ids) this person is a coordinator of."""
        now = utcnow()
        # Seen today, so a signed-in test request does not also record activity (see privacy.note_activity).
        fields.setdefault("last_sign_in_at", (app.config.get("CLOCK") or utcnow)())
        full_name = fields.pop("full_name", "Vera Volontär")
        if status in (Status.APPROVED, Status.INACTIVE):
            fields.setdefault("confirmed_name", full_name)  # as approval confirms it
        with app.app_context():
            user = User(email=email, full_name=full_name,
                        phone=fields.pop("phone", "+46701234567"),
                        status=status, locale=locale, email_confirmed_at=None if status is Status.APPLIED else now,
                        consented_at=now,
                        privacy_version=fields.pop("privacy_version", app.config["PRIVACY_NOTICE_VERSION"]),
                        adult_confirmed=True, languages=[UserLanguage(code=code) for code in languages], **fields)
            for organisation in coordinates:
                user.coordinated_organisations.append(
                    db.session.get(Organisation, getattr(organisation, "id", organisation)))
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            return detached(user)

    return factory


@pytest.fixture
def make_organisation(app):
    def factory(name="FRG Testby", kind="frg"):
        """The organisation of that name, created if it is not there yet."""
        with app.app_context():
            organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
            if organisation is None:
                organisation = Organisation(name=name, kind=kind)
                db.session.add(organisation)
                db.session.commit()
            db.session.refresh(organisation)
            return detached(organisation)

    return factory


INTRO_NAMES = {"sv": "Introduktion till evakueringsboende", "en": "Introduction to evacuation housing",
               "ar": "مقدمة عن سكن الإخلاء", "fa": "آشنایی با اقامتگاه تخلیه"}


@pytest.fixture
def make_session(app):
    """Create a training session (and its organisation, qualification and training when missing)."""

    def factory(title="Introduktion till evakueringsboende", starts_at=None, hours=3, seats=10,
                organisation="Studieförbundet Testby", qualification="intro_housing", validity_months=24,
                language="sv", place="Stortorget 1, Testby", qualification_names=None, description="", titles=None,
                **fields):
        from volunteer.models import Qualification, Training, TrainingSession

        with app.app_context():
            org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
            if org is None:
                org = Organisation(name=organisation, kind="study_association")
                db.session.add(org)
            qual = None
            if qualification:
                qual = db.session.scalar(select(Qualification).where(Qualification.code == qualification))
                if qual is None:
                    qual = Qualification(code=qualification, validity_months=validity_months,
                                         names=qualification_names or INTRO_NAMES)
                    db.session.add(qual)
            training = db.session.scalar(select(Training).where(Training.title == title))
            if training is None:
                training = Training(title=title, organisation=org, qualification=qual, description=description,
                                    titles=titles or {})
                db.session.add(training)
            starts_at = starts_at or (app.config.get("CLOCK") or utcnow)() + timedelta(days=3)
            session = TrainingSession(training=training, starts_at=starts_at,
                                      ends_at=starts_at + timedelta(hours=hours), place=place, language=language,
                                      seats=seats, **fields)
            db.session.add(session)
            db.session.commit()
            db.session.refresh(session)
            db.session.expunge(session)
            return session

    return factory


TASK_NAMES = {"support": {"sv": "Stödsamtal", "en": "Support conversations", "ar": "محادثات دعم",
                          "fa": "گفتگوهای حمایتی"},
              "children": {"sv": "Aktiviteter för barn", "en": "Activities for children", "ar": "أنشطة للأطفال",
                           "fa": "فعالیت برای کودکان"}}


@pytest.fixture
def make_shift(app, make_organisation):
    """Create a shift (and its site, organisation, task and qualification when missing); returns it detached.

    qualification: a code; the qualification is created with INTRO_NAMES if it does not exist."""

    def factory(site="Boende Testby", organisation="FRG Testby", task="support", starts_at=None, hours=3, places=2,
                qualification=None, languages=(), ends_at=None, **fields):
        from volunteer.models import Qualification, Shift, ShiftLanguage, Site, Task

        org = make_organisation(organisation)
        with app.app_context():
            place = db.session.scalar(select(Site).where(Site.name == site))
            if place is None:
                place = Site(name=site, organisation_id=org.id, kind="housing", address="Storgatan 1, Testby",
                             access_notes="Ring på porten, personalen öppnar.", contact_on_duty="Boendets jour 010-123 45 67")
                db.session.add(place)
            kind = db.session.scalar(select(Task).where(Task.code == task))
            if kind is None:
                kind = Task(code=task, names=TASK_NAMES.get(task, {"sv": task, "en": task}))
                db.session.add(kind)
            qual = None
            if qualification:
                qual = db.session.scalar(select(Qualification).where(Qualification.code == qualification))
                if qual is None:
                    qual = Qualification(code=qualification, validity_months=24, names=INTRO_NAMES)
                    db.session.add(qual)
            starts_at = starts_at or (app.config.get("CLOCK") or utcnow)() + timedelta(days=3)
            ends_at = ends_at or starts_at + timedelta(hours=hours)
            shift = Shift(site=place, task=kind, starts_at=starts_at, ends_at=ends_at,
                          places=places, required_qualification=qual,
                          languages=[ShiftLanguage(code=code) for code in languages], **fields)
            db.session.add(shift)
            db.session.commit()
            db.session.refresh(shift)
            shift.languages
            db.session.expunge(shift)
            return shift

    return factory


@pytest.fixture
def frg(make_organisation):
    """The volunteer resource group most coordinator tests act for."""
    return make_organisation("FRG Testby")


@pytest.fixture
def coordinator(make_user, frg):
    """A coordinator of FRG Testby."""
    return make_user("coord@example.org", full_name="Cora Koordinator", status=Status.APPROVED,
                     role=Role.COORDINATOR, coordinates=[frg])


def pytest_terminal_summary(terminalreporter):
    """The figures of the property-based attack (tests/test_fuzz.py), when it ran."""
    import sys

    fuzz = sys.modules.get("tests.test_fuzz")
    if fuzz and fuzz.STATS["requests"]:
        stats = fuzz.STATS
        terminalreporter.write_line(
            f"hostile input: {stats['requests']} generated requests, {stats['5xx']} responses >= 500, "
            f"{stats['rejected forms checked']} typed values checked in rejected forms; {len(stats['forms'])} forms; "
            f"statuses {dict(sorted(stats['statuses'].items()))}")
