"""How fast the site answers the pages people use most, against a hello-world Flask app on the same machine.

Usage: .venv/bin/python bench/run.py [--db sqlite|postgres] [--scale 1] [--seconds 5] [--connections 1,10]
[--in-process] (or `make bench`, `make bench DB=postgres`). See bench/README.md for how to read the table."""
import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import g, session  # noqa: E402
from flask_login import login_user  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from flask_wtf.csrf import generate_csrf  # noqa: E402
from sqlalchemy import make_url, select  # noqa: E402

from bench import dataset, floor  # noqa: E402
from bench.mailserver import SLOW_MAIL, deliver_worker, slow_smtp  # noqa: E402
from volunteer import clock, create_app
from volunteer.accounts import device_sessions as sessions
from volunteer.extensions import db  # noqa: E402
from volunteer.models import Shift, Status, User  # noqa: E402
from volunteer.rules import shifts as rules  # noqa: E402
from volunteer.statements import statements_of  # noqa: E402
from volunteer.rules.kinds import decide  # noqa: E402

SECRET = "bench-secret-key-that-is-long-enough-for-signing"
USER_AGENT = "volunteer-bench"
# What a phone's browser sends; the server picks the encoding it supports.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
WORKERS = 2
LUA = Path(__file__).resolve().parent / "load.lua"
CPU_ROUNDS = 20
# The site's own floor (bench/floor.py): a signed-in request that does nothing else.
FLOOR = "signed-in floor"
ASSET_RE = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


@dataclass
class Page:
    """One thing a person does: a GET of a page, or booking then cancelling a shift in place (htmx)."""

    name: str
    path: str
    cookie: str | None = None
    bookers: list[dict] = field(default_factory=list)  # for the booking POST: a person and a shift per connection
    form: str = ""  # a form to post (urlencoded) with token, instead of a GET
    token: str = ""
    slow_mail: bool = False  # served by the site whose mail server takes SLOW_MAIL seconds per message
    queries: str = ""
    cpu_ms: float = 0.0  # CPU time per request in this process (test client): steadier than req/s on a busy machine
    wall_ms: float = 0.0  # the same requests' elapsed time: with PostgreSQL, what the database spends is in it
    raw: int = 0
    gzipped: int = 0
    first_load: int = 0
    runs: dict = field(default_factory=dict)  # connections -> wrk's figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default=os.environ.get("BENCH_DB", "sqlite"))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "6")))
    parser.add_argument("--connections", default=os.environ.get("BENCH_CONNECTIONS", "1,10"))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--scale", type=int, default=int(os.environ.get("BENCH_SCALE", "1")),
                        help="the data set times N (30: 108,000 shifts, 60,000 volunteers, 450,000 bookings)")
    parser.add_argument("--in-process", action="store_true",
                        help="only CPU ms and statements per request through the test client: no gunicorn, no wrk")
    parser.add_argument("--rounds", type=int, default=CPU_ROUNDS,
                        help="requests per page for CPU ms/req (fewer for a page that takes seconds)")
    parser.add_argument("--only", help="measure only the pages whose names contain one of these words "
                                       "(comma-separated, e.g. --only shifts,book); hello is always measured")
    args = parser.parse_args()
    connections = [int(value) for value in args.connections.split(",")]
    wrk = None if args.in_process else find_wrk()

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="volunteer-bench-")))
        url = stack.enter_context(fresh_database(args.db, work))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                          "MAIL_OUTBOX_DIR": str(work / "outbox"), "RATELIMIT_STORAGE_URI": "memory://",
                          "SINGLE_PROCESS": True, "BASE_URL": "http://localhost", **NO_LIMITS})
        floor.add_floor(app)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            started = time.monotonic()
            built = dataset.build(scale=args.scale)
            print(f"data set at scale {args.scale}: {built.counts} in {time.monotonic() - started:.1f}s on "
                  f"{args.db}, {database_size(args.db, url)}", flush=True)
            pages = scenarios(app, built, max(connections))
            if args.only:
                pages = [page for page in pages if any(word in page.name for word in args.only.split(","))]
            db.engine.dispose()
        for page in pages:
            measure_in_process(app, page, args.rounds)
        if args.in_process:
            print()
            print(cpu_table(pages, args.db, args.scale, args.rounds))
            return 0

        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "MAIL_OUTBOX_DIR": str(work / "outbox"),
               "FLASK_DEBUG": "0", "PYTHONPATH": str(ROOT), "BASE_URL": "http://127.0.0.1",
               # No page the benchmark loads is rate-limited, so per-worker counts change nothing here.
               "RATELIMIT_STORAGE_URI": "memory://", "SINGLE_PROCESS": "1", **NO_LIMITS}
        hello_port = stack.enter_context(gunicorn("bench.hello:app", env, work / "hello.log"))
        app_port = stack.enter_context(gunicorn("app:app", env, work / "app.log"))
        floor_port = stack.enter_context(gunicorn("bench.floor:create()", env, work / "floor.log"))
        if any(page.slow_mail for page in pages):
            # The same site with a mail server that takes SLOW_MAIL seconds to accept each message, and a
            # delivery worker sending to it: the requests only queue, so they should not feel it.
            mail_env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(stack.enter_context(slow_smtp()))}
            slow_port = stack.enter_context(gunicorn("app:app", mail_env, work / "app-slow-mail.log"))
            stack.enter_context(deliver_worker(mail_env, work / "deliver.log"))
        hello = Page("hello (ceiling)", "/")
        for page in [hello, *pages]:
            port = {"hello (ceiling)": hello_port, FLOOR: floor_port}.get(page.name, app_port)
            port = slow_port if page.slow_mail else port
            load(wrk, port, page, 2, min(connections), warm_up=True)
            for count in connections:
                unbook(app, page)
                load(wrk, port, page, args.seconds, count)
                print(f"  {page.name} at {count}: {page.runs[count]['rps']:.0f} req/s", flush=True)
        # The ceiling again at the end: other work on the machine moves it, and each page is compared with the
        # mean of the two.
        again = Page(hello.name, hello.path)
        for count in connections:
            load(wrk, hello_port, again, args.seconds, count)
            run = hello.runs[count]
            run["rps_start"], run["rps_end"] = run["rps"], again.runs[count]["rps"]
            run["rps"] = (run["rps_start"] + run["rps_end"]) / 2
        rss = {"app": peak_rss(app_port), "hello": peak_rss(hello_port)}

    print()
    print(table(hello, pages, connections, rss, args.db, args.seconds))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "db": args.db, "seconds": args.seconds, "rss_mb": rss,
            "pages": [page.__dict__ for page in [hello, *pages]]}, indent=2, default=str))
    return 0


def find_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is not installed: run `sudo apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`.")
    return wrk


@contextmanager
def fresh_database(kind: str, work: Path):
    """An empty database for this run: a SQLite file, or a PostgreSQL database created and dropped."""
    if kind == "sqlite":
        yield f"sqlite:///{work / 'bench.db'}"
        return
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") \
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"volunteer_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def session_cookie(app, user_id: int) -> tuple[str, str]:
    """The session cookie and CSRF token a person has after signing in and opening a page."""
    with app.test_request_context(headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        g.pop("csrf_token", None)  # generate_csrf caches the token on g, which an outer app context shares
        session.permanent = True
        user = db.session.get(User, user_id)
        login_user(user)
        session["_user_id"] = sessions.open_session(user)  # sessions live on the server, as after a sign-in link
        user.last_sign_in_at = clock.now()  # as the sign-in link records it
        db.session.commit()
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return cookie, token


def database_size(kind: str, url: str) -> str:
    """How much room the data set takes: the SQLite file, or the PostgreSQL database with its indexes."""
    if kind == "sqlite":
        size = Path(make_url(url).database).stat().st_size
    else:
        size = db.session.scalar(db.text("SELECT pg_database_size(current_database())"))
    return f"{size / 2**20:.0f} MB"


# The coordinators' heavy pages (issue 27); their statement counts are pinned in tests/test_bench.py.
SEARCH = "Volontär 0123"


def scenarios(app, built: dataset.Built, bookers: int) -> list[Page]:
    volunteer, _ = session_cookie(app, built.volunteer_id)
    coordinator, _ = session_cookie(app, built.coordinator_id)
    booking = open_shifts_for(app, bookers)
    visitor, token = anonymous_form(app)
    with app.app_context():
        known = db.session.get(User, built.volunteer_id).email
    sign_in = {"known": f"email={known}", "unknown": "email=nobody-here%40example.org"}
    return [
        Page(FLOOR, floor.PATH, volunteer),
        Page("home", "/"),
        Page("/shifts", "/shifts", volunteer),
        Page("/shifts?my_languages", "/shifts?my_languages=y", volunteer),
        Page("/shifts/mine", "/shifts/mine", volunteer),
        Page("roster of a day", f"/coordinator/sites/{built.busy_site_id}/day/{built.busy_day.isoformat()}",
             coordinator),
        Page("hours report", "/coordinator/hours", coordinator),
        Page("partnership report", "/coordinator/reports/partnership", coordinator),
        Page("needs overview", "/coordinator/needs", coordinator),
        Page("volunteers?q=", f"/coordinator/volunteers?q={SEARCH.replace(' ', '+')}", coordinator),
        Page("applicants", "/coordinator/applicants", coordinator),
        Page("book + cancel (htmx)", "/shifts/{shift}/book", bookers=booking),
        Page(f"book + cancel (htmx), mail server {SLOW_MAIL} s", "/shifts/{shift}/book", bookers=booking,
             slow_mail=True),
        *(Page(f"sign-in link, {who} address{mail}", "/sign-in", visitor, form=form, token=token, slow_mail=slow)
          for who, form in sign_in.items() for slow, mail in ((False, ""), (True, f", mail server {SLOW_MAIL} s"))),
    ]


# Signing in and signing up are rate-limited per address and network; the benchmark is one address.
NO_LIMITS = {"SIGNIN_RATE_LIMIT": "1000000 per minute", "SIGNIN_PER_ADDRESS_LIMIT": "1000000 per minute",
             "SIGNUP_RATE_LIMIT": "1000000 per minute"}


def anonymous_form(app) -> tuple[str, str]:
    """A visitor's session cookie and the CSRF token of a form on the page they opened."""
    with app.test_request_context(headers={"User-Agent": USER_AGENT}):
        g.pop("csrf_token", None)
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return cookie, token




def open_shifts_for(app, count: int) -> list[dict]:
    """Approved people, each with a shift of their own they may book, a few days ahead (no late cancelling)."""
    with app.test_request_context():
        now = clock.now()
        people = db.session.scalars(
            select(User).where(User.status == Status.APPROVED, User.email.like("volunteer-%")).order_by(User.id))
        shifts = db.session.scalars(
            dataset_shifts().where(Shift.starts_at > now + timedelta(days=3),
                                   Shift.places_taken < Shift.places)).all()
        taken, found = set(), []
        for person in people:
            known = rules.shift_standing(person, shifts, now)
            shift = next((s for s in shifts if s.id not in taken
                          and decide(rules.SHIFTS, person, s, now, known).state is rules.BookingState.OPEN), None)
            if shift is not None:
                taken.add(shift.id)
                cookie, token = session_cookie(app, person.id)
                found.append({"cookie": cookie, "token": token, "shift": shift.id})
            if len(found) == count:
                return found
    raise RuntimeError("not enough open shifts for the booking scenario")


def dataset_shifts():
    return select(Shift).order_by(Shift.starts_at, Shift.id).limit(400)


def headers_for(cookie: str | None, **extra) -> dict:
    headers = {"User-Agent": USER_AGENT, **extra}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    return headers


def served_size(client, path: str, headers: dict) -> tuple[bytes, int]:
    """The body as the app makes it, and how many bytes go on the wire to a browser that accepts gzip."""
    plain = client.get(path, headers=headers)
    wire = client.get(path, headers={**headers, "Accept-Encoding": "gzip"})
    return plain.get_data(), len(wire.get_data())


def measure_in_process(app, page: Page, rounds: int | None = None) -> None:
    """SQL statements per request, HTML size and first-load weight, through the test client."""
    rounds = rounds or CPU_ROUNDS
    client = app.test_client(use_cookies=False)
    if page.bookers:
        booker = page.bookers[0]
        headers = headers_for(booker["cookie"], **{"HX-Request": "true", "X-CSRFToken": booker["token"]})
        counts, sizes = [], []
        for action in ("book", "cancel"):
            with statements_of(app) as statements:
                response = client.post(f"/shifts/{booker['shift']}/{action}", headers=headers)
            assert response.status_code == 200, (action, response.status_code, response.get_data(as_text=True))
            counts.append(len(statements))
            sizes.append(response.get_data())
        page.queries = "/".join(str(count) for count in counts)
        started = time.process_time()
        for _ in range(max(rounds // 2, 1)):
            for action in ("book", "cancel"):
                client.post(f"/shifts/{booker['shift']}/{action}", headers=headers)
        page.cpu_ms = 1000 * (time.process_time() - started) / (max(rounds // 2, 1) * 2)
        page.raw = max(len(body) for body in sizes)
        page.gzipped = max(len(gzip.compress(body)) for body in sizes)
        page.first_load = page.gzipped
        return
    headers = headers_for(page.cookie)
    if page.form:
        measure_form(app, client, page, {**headers, "X-CSRFToken": page.token,
                                         "Content-Type": "application/x-www-form-urlencoded"})
        return
    with statements_of(app) as statements:
        status = client.get(page.path, headers=headers).status_code
    assert status == 200, (page.path, status)
    page.queries = str(len(statements))
    started, elapsed = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        client.get(page.path, headers=headers)
    page.cpu_ms = 1000 * (time.process_time() - started) / rounds
    page.wall_ms = 1000 * (time.perf_counter() - elapsed) / rounds
    body, wire = served_size(client, page.path, headers)
    page.raw, page.gzipped = len(body), len(gzip.compress(body))
    assets = [wire]
    for href in ASSET_RE.findall(body.decode()):
        assets.append(served_size(client, href, {})[1])
    page.first_load = sum(assets)


def measure_form(app, client, page: Page, headers: dict) -> None:
    """A form post (asking for a sign-in link): statements and CPU time; it answers with a redirect."""
    with statements_of(app) as statements:
        status = client.post(page.path, data=page.form, headers=headers).status_code
    assert status == 303, (page.path, status)
    page.queries = str(len(statements))
    started = time.process_time()
    for _ in range(CPU_ROUNDS):
        client.post(page.path, data=page.form, headers=headers)
    page.cpu_ms = 1000 * (time.process_time() - started) / CPU_ROUNDS


def unbook(app, page: Page) -> None:
    """Each booker starts unbooked: a run that stopped between booking and cancelling left some booked, and
    the next run's first "book" would be refused (a 409 counted as an error)."""
    client = app.test_client(use_cookies=False)
    for booker in page.bookers:
        headers = headers_for(booker["cookie"], **{"HX-Request": "true", "X-CSRFToken": booker["token"]})
        client.post(f"/shifts/{booker['shift']}/cancel", headers=headers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(target: str, env: dict, log: Path):
    """gunicorn with two workers, as in production; stopped (by its process group) at the end."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", target], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {target} did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def load(wrk: str, port: int, page: Page, seconds: int, connections: int, warm_up: bool = False) -> None:
    """wrk, a second process, for a bounded time; one thread per connection (each booker is one connection)."""
    env = {**os.environ, "BENCH_PATH": page.path, "BENCH_ACCEPT_ENCODING": ACCEPT_ENCODING,
           "BENCH_USER_AGENT": USER_AGENT, "BENCH_COOKIE": page.cookie or "",
           "BENCH_BOOKERS": json.dumps(page.bookers), "BENCH_FORM": page.form, "BENCH_TOKEN": page.token}
    output = subprocess.run(
        [wrk, f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
         f"http://127.0.0.1:{port}"], env=env, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output[output.index("BENCH-JSON ") + len("BENCH-JSON "):].splitlines()[0])
    if not warm_up:
        figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
        page.runs[connections] = figures


def peak_rss(port_or_pid) -> list[float]:
    """The peak resident memory (VmHWM) of each worker of the gunicorn listening on that port, in MB."""
    workers = []
    for master in _masters(port_or_pid):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        for child in children:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    workers.append(round(int(line.split()[1]) / 1024, 1))
    return workers


def _masters(port: int) -> list[int]:
    """gunicorn masters started by this run whose command line binds to the port."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"gunicorn" in b" ".join(command) and f"127.0.0.1:{port}".encode() in command \
                    and os.getppid() != int(entry.name):
                found.append(int(entry.name))
    return [pid for pid in found if _parent(pid) not in found]


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def table(hello: Page, pages: list[Page], connections: list[int], rss: dict, db_kind: str, seconds: int) -> str:
    """The figures as a Markdown table."""
    head = ["page"]
    for count in connections:
        head += [f"req/s c={count}", f"p50 ms c={count}", f"p99 ms c={count}", f"% hello c={count}"]
    head += ["CPU ms/req", "SQL/req", "HTML raw", "HTML gz", "first load gz", "errors"]
    rows = [head, ["---"] * len(head)]
    for page in [hello, *pages]:
        row = [page.name]
        errors, statuses = 0, {}
        for count in connections:
            run = page.runs[count]
            ratio = 100 * run["rps"] / hello.runs[count]["rps"]
            row += [f"{run['rps']:.0f}", f"{run['p50_us'] / 1000:.1f}", f"{run['p99_us'] / 1000:.1f}", f"{ratio:.0f}%"]
            errors += run["errors"]
            for code, number in run.get("statuses", {}).items():
                statuses[code] = statuses.get(code, 0) + number
        if page is hello:
            row += ["-", "-", "-", "-", "-"]
        else:
            row += [f"{page.cpu_ms:.1f}", page.queries, kb(page.raw), kb(page.gzipped), kb(page.first_load)]
        row.append(str(errors) + (f" ({', '.join(f'HTTP {code}: {n}' for code, n in sorted(statuses.items()))})"
                                  if statuses else ""))
        rows.append(row)
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append(f"Peak RSS per worker: site {', '.join(f'{mb} MB' for mb in rss['app'])}; "
                 f"hello {', '.join(f'{mb} MB' for mb in rss['hello'])}. "
                 f"{db_kind}, gunicorn {WORKERS} sync workers, wrk {seconds}s per row and connection count. "
                 "Hello at the start and at the end: " + ", ".join(
                     f"{hello.runs[count]['rps_start']:.0f} and {hello.runs[count]['rps_end']:.0f} req/s at {count}"
                     for count in connections) + "; % hello compares with their mean.")
    return "\n".join(lines)


def cpu_table(pages: list[Page], db_kind: str, scale: int, rounds: int) -> str:
    """The in-process figures alone, as a Markdown table."""
    lines = [f"{db_kind}, scale {scale}, {rounds} requests per page through the test client", "",
             "| page | CPU ms/req | wall ms/req | SQL/req | HTML gz |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {page.name} | {page.cpu_ms:.1f} | {page.wall_ms:.1f} | {page.queries} | {kb(page.gzipped)} |"
              for page in pages]
    return "\n".join(lines)


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


if __name__ == "__main__":
    sys.exit(main())
