"""Where a page spends its time: pyinstrument over requests through the test client, on the benchmark's data set.

Usage: .venv/bin/python bench/profile.py /shifts [--as volunteer|coordinator|nobody] [--requests 50] [--scale 1]
       .venv/bin/python bench/profile.py book   (booking then cancelling a shift with htmx, as in make bench)
(or `make profile PAGE=/shifts`). The data set is built once into bench/.profile.db (delete it to rebuild), or
with --db postgres into the PostgreSQL database volunteer_profile on BENCH_DATABASE_URL's server (--rebuild drops
it first); at `--scale N` (the data set times N) the file is bench/.profile-N.db and the database
volunteer_profile_N; `--html FILE` writes pyinstrument's interactive page instead of the text tree."""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from bench import dataset  # noqa: E402
from bench.run import SECRET, Page, headers_for, open_shifts_for, session_cookie  # noqa: E402
from volunteer import create_app  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import User  # noqa: E402

DATABASE = ROOT / "bench" / ".profile.db"
PG_DATABASE = "volunteer_profile"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a page's path, or 'book' for booking then cancelling")
    parser.add_argument("--as", dest="who", choices=("volunteer", "coordinator", "nobody"), default="volunteer")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--html", help="write pyinstrument's HTML page to this file")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument("--scale", type=int, default=1, help="the data set times N")
    args = parser.parse_args()

    url, fresh = database(args.db, args.rebuild, args.scale)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "MAIL_OUTBOX_DIR": str(ROOT / "bench" / ".profile-outbox"),
                      "RATELIMIT_STORAGE_URI": "memory://", "SINGLE_PROCESS": True, "BASE_URL": "http://localhost"})
    with app.app_context():
        if fresh:
            upgrade(directory=str(ROOT / "migrations"))
            dataset.build(scale=args.scale)
        people = {"volunteer": dataset.VOLUNTEER, "coordinator": dataset.COORDINATOR}
        user_id = db.session.scalar(db.select(User.id).where(User.email == people.get(args.who, "")))
        page = Page(args.path, args.path)
        if args.path == "book":
            page.bookers = open_shifts_for(app, 1)
        elif user_id is not None and args.who != "nobody":
            page.cookie = session_cookie(app, user_id)[0]
        db.engine.dispose()

    client = app.test_client(use_cookies=False)
    request = requester(client, page)
    for _ in range(5):  # warm caches, as a running worker has
        request()
    profiler = Profiler(interval=0.0002)
    started = time.process_time()
    with profiler:
        for _ in range(args.requests):
            request()
    cpu_ms = 1000 * (time.process_time() - started) / args.requests
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{args.path}: {cpu_ms:.2f} ms CPU per request (with the profiler's overhead)")
    return 0


def database(kind: str, rebuild: bool, scale: int = 1) -> tuple[str, bool]:
    """The profile's database URL, and whether it is new (to be migrated and filled)."""
    if kind == "sqlite":
        path = DATABASE if scale == 1 else DATABASE.with_name(f".profile-{scale}.db")
        if rebuild:
            path.unlink(missing_ok=True)
        return f"sqlite:///{path}", not path.exists()
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    name = PG_DATABASE if scale == 1 else f"{PG_DATABASE}_{scale}"
    with psycopg.connect(admin, autocommit=True) as conn:
        if rebuild:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        fresh = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None
        if fresh:
            conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False), fresh


def requester(client, page: Page):
    if page.bookers:
        booker = page.bookers[0]
        headers = headers_for(booker["cookie"], **{"HX-Request": "true", "X-CSRFToken": booker["token"]})

        def book_and_cancel():
            for action in ("book", "cancel"):
                response = client.post(f"/shifts/{booker['shift']}/{action}", headers=headers)
                assert response.status_code == 200, response.status_code
        return book_and_cancel
    headers = headers_for(page.cookie, **{"Accept-Encoding": "gzip"})

    def get():
        response = client.get(page.path, headers=headers)
        assert response.status_code == 200, response.status_code
    return get


if __name__ == "__main__":
    sys.exit(main())
