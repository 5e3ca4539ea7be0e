"""Command-line tasks and the migrations."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Organisation, Role, Shift, Site, TrainingSession


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_partners_sites_trainings_shifts_and_a_coordinator(app, runner, find_user):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert count(app, Organisation) == 5
    assert count(app, Site) == 3
    assert count(app, TrainingSession) > 0 and count(app, Shift) > 0
    assert find_user("coordinator@example.org").role is Role.COORDINATOR


def test_seed_demo_is_idempotent(app, runner):
    runner.invoke(args=["seed-demo"])
    before = [count(app, model) for model in (Organisation, Site, TrainingSession, Shift, AuditEvent)]
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "nothing new" in result.output
    assert [count(app, model) for model in (Organisation, Site, TrainingSession, Shift, AuditEvent)] == before


def test_create_coordinator_with_organisation_and_admin(app, runner, find_user, make_organisation):
    make_organisation("Röda Korset Testby", "red_cross")
    result = runner.invoke(args=["create-coordinator", "Kim@Example.org", "--name", "Kim Berg",
                                 "--organisation", "Röda Korset Testby"])
    assert result.exit_code == 0, result.output
    user = find_user("kim@example.org")
    assert user.role is Role.COORDINATOR and user.full_name == "Kim Berg"
    result = runner.invoke(args=["create-coordinator", "kim@example.org", "--name", "Kim Berg", "--admin"])
    assert result.exit_code == 0
    assert find_user("kim@example.org").role is Role.ADMIN


def test_create_coordinator_refuses_an_unknown_organisation(app, runner, find_user):
    result = runner.invoke(args=["create-coordinator", "kim@example.org", "--name", "Kim", "--organisation", "Nope"])
    assert result.exit_code != 0 and "Nope" in result.output
    assert find_user("kim@example.org") is None


def test_create_coordinator_refuses_a_bad_address(runner):
    result = runner.invoke(args=["create-coordinator", "not-an-address", "--name", "Kim"])
    assert result.exit_code != 0


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_demo_names_that_everyone_reads_are_in_every_site_language(app, runner):
    from volunteer.i18n.locale import SITE_LOCALES
    from volunteer.models import Qualification, Task, Training

    runner.invoke(args=["seed-demo"])
    with app.app_context():
        for model in (Qualification, Task):
            for row in db.session.scalars(select(model)):
                assert set(SITE_LOCALES) <= set(row.names), row.code
        trainings = db.session.scalars(select(Training)).all()
        assert trainings
        for training in trainings:
            others = set(SITE_LOCALES) - {"sv"}
            assert others <= set(training.titles) and others <= set(training.descriptions), training.title
            assert training.title_in("ar") != training.title and training.description_in("uk") != training.description
