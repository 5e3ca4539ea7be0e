"""The benchmark's in-process half (bench/run.py) on its full data set: every page answers, its statements stay
within the target, and the floor page (bench/floor.py) is served. Timings are the benchmark's job, not this one's."""
from flask_migrate import upgrade

from bench import dataset, floor, run
from volunteer import create_app
from volunteer.extensions import db

ROOT = run.ROOT
# The coordinators' heavy pages (issue 27), each pinned: the data set's size must not change what one request asks.
COORDINATOR_PAGES = {"hours report": 8, "partnership report": 14, "needs overview": 9, "volunteers?q=": 11,
                     "applicants": 11}


def test_the_benchmark_builds_its_data_and_measures_every_page(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "CPU_ROUNDS", 2)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bench.db'}", "SECRET_KEY": run.SECRET,
                      "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"), "RATELIMIT_STORAGE_URI": "memory://",
                      "SINGLE_PROCESS": True, "BASE_URL": "http://localhost", **run.NO_LIMITS})
    floor.add_floor(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        built = dataset.build()
        assert built.counts == {"site": 5, "shift": 3600, "user": 2001, "booking": 15000, "training_session": 40}
        pages = run.scenarios(app, built, 3)
        db.engine.dispose()
    assert [page.name for page in pages][:2] == [run.FLOOR, "home"]
    for page in pages:
        run.measure_in_process(app, page)  # asserts each answer is a 200
        statements = [int(count) for count in page.queries.split("/")]
        if page.bookers:
            assert len(page.bookers) == 3 and page.raw <= 3 * 1024, "one person per connection, a small fragment"
        elif page.name in COORDINATOR_PAGES:
            assert statements == [COORDINATOR_PAGES[page.name]], (page.name, page.queries)
        else:
            assert max(statements) <= 6, (page.name, page.queries)
            assert page.first_load <= 60 * 1024, (page.name, page.first_load)
        run.unbook(app, page)
