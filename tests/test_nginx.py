"""deploy/nginx/volunteer.conf in front of two app servers (gunicorn with deploy/gunicorn.conf.py, two workers each)
on the test database, with the rate limits in Redis: the shipped configuration passes `nginx -t` with its TLS
settings, and, run (ports and paths moved, TLS left out), it serves the static files itself with long cache
lifetimes, spreads requests over both servers, and through it: people racing for the last place get one booking
per round; a rate limit holds across both servers; signing out on one ends the session on the other; stopping one
server in the middle of a load loses no GET.

NGINX_RACE_ROUNDS sets the rounds of the race (default 10; CI may ask for 100). Skipped only where nginx is not
installed (`.ci/run` installs it) or Redis does not answer."""
import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

from volunteer.config import Config
from volunteer.models import Status, utcnow

from .helpers import session_cookie, stop
from .test_concurrency import PEOPLE, assert_every_counter_matches, at_once, free_port, ready, request

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "deploy" / "nginx" / "volunteer.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROUNDS = int(os.environ.get("NGINX_RACE_ROUNDS", "10"))
REDIS_DB = 11  # a database of the local Redis of its own, emptied first
SECRET = "nginx-test-secret-that-is-long-enough"
SIGNIN_LIMIT = 6

pytestmark = pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (apt-get install nginx)")


def redis_answers() -> bool:
    try:
        return redis.Redis(db=REDIS_DB, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def main_config(folder: Path, site: str) -> Path:
    """An nginx.conf of the test's own: no root needed, everything under the folder, the site file included."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    (folder / "volunteer.conf").write_text(site)
    config = folder / "nginx.conf"
    config.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    log_format upstreams '$request_method $uri $status $upstream_addr';
    access_log {folder}/access.log upstreams;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/volunteer.conf;
}}
""")
    return config


def replaced(text: str, old: str, new: str, count: int = 1) -> str:
    assert text.count(old) == count, f"the shipped configuration changed: {old!r} found {text.count(old)} times"
    return text.replace(old, new)


def derived(port: int, app_ports: tuple[int, int]) -> str:
    """The shipped site without its TLS (no certificate here), on a free port, before the test's app servers."""
    text = SHIPPED.read_text()
    preamble, http_only, https = text.split("\nserver {\n")
    assert "return 301 https://" in http_only
    https = replaced(https, "    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{port};\n")
    https = replaced(https, "    listen [::]:443 ssl http2;\n", "")
    https = "\n".join(line for line in https.splitlines() if not line.strip().startswith("ssl_"))
    preamble = replaced(preamble, "server 127.0.0.1:8000 ", f"server 127.0.0.1:{app_ports[0]} ")
    preamble = replaced(preamble, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{app_ports[1]} ")
    https = replaced(https, "alias /srv/volunteer/static/;", f"alias {ROOT}/static/;")
    return preamble + "\nserver {\n" + https


def test_the_request_size_limit_is_the_apps():
    limit = re.search(r"client_max_body_size (\d+)k;", SHIPPED.read_text()).group(1)
    assert int(limit) * 1024 == Config.MAX_CONTENT_LENGTH


def test_the_shipped_configuration_with_its_tls_passes_nginx_t(tmp_path):
    """nginx -t on the file as shipped, only the certificate's paths pointing at one made for the test."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=frivilliga.example.se", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    site = SHIPPED.read_text().replace("/etc/letsencrypt/live/frivilliga.example.se/fullchain.pem",
                                       str(tmp_path / "cert.pem"))
    site = site.replace("/etc/letsencrypt/live/frivilliga.example.se/privkey.pem", str(tmp_path / "key.pem"))
    config = main_config(tmp_path, site)
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr, result.stderr


def started(process, port: int, log: Path, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if request(port, "GET", path, None)[0] == 200:
                return
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, f"did not start:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    """Two app servers and nginx before them; (nginx's port, its folder, the servers' ports and processes)."""
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (apt-get install redis-server)")
    redis.Redis(db=REDIS_DB).flushdb()
    folder = tmp_path_factory.mktemp("nginx")
    port, app_ports = free_port(), (free_port(), free_port())
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "BASE_URL": f"http://127.0.0.1:{port}",
           "TRUSTED_HOSTS": "127.0.0.1", "TRUSTED_PROXIES": "1", "MAIL_OUTBOX_DIR": str(folder / "outbox"),
           "FLASK_DEBUG": "0", "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}",
           "SIGNIN_RATE_LIMIT": f"{SIGNIN_LIMIT} per hour", "SIGNUP_RATE_LIMIT": "1000 per hour"}
    for name in ("PROMETHEUS_MULTIPROC_DIR", "SINGLE_PROCESS", "MAIL_SERVER", "LOG_FORMAT"):
        env.pop(name, None)
    servers = {}
    try:
        for app_port in app_ports:
            log = folder / f"app-{app_port}.log"
            with log.open("w") as output:
                servers[app_port] = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "2",
                     "--bind", f"127.0.0.1:{app_port}", "--access-logfile", "/dev/null", "app:app"],
                    cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        config = main_config(folder, derived(port, app_ports))
        with (folder / "nginx.out").open("w") as output:
            servers["nginx"] = subprocess.Popen(
                [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
                stdout=output, stderr=subprocess.STDOUT)
        for app_port in app_ports:
            started(servers[app_port], app_port, folder / f"app-{app_port}.log")
        started(servers["nginx"], port, folder / "error.log")
        yield port, folder, app_ports, servers
    finally:
        for process in servers.values():
            if process.poll() is None:
                stop(process)


def served(folder: Path, pattern: str, since: int = 0) -> dict[str, int]:
    """How many of the requests nginx logged (from line since on) matching the pattern each app server answered."""
    counts = {}
    for line in (folder / "access.log").read_text().splitlines()[since:]:
        method, uri, _status, upstream = (line.split(" ", 3) + ["", "", ""])[:4]
        if re.fullmatch(pattern, f"{method} {uri}"):
            for address in upstream.split(", "):  # a retried request names every server it was sent to
                counts[address] = counts.get(address, 0) + 1
    return counts


def logged(folder: Path) -> int:
    return len((folder / "access.log").read_text().splitlines())


def test_static_files_come_from_nginx_with_long_cache_lifetimes(site):
    port, _, _, _ = site
    status, css, _ = request(port, "GET", "/static/css/site.css?v=abc123", None)
    assert status == 200 and css == (ROOT / "static" / "css" / "site.css").read_text()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/static/css/site.css?v=abc123")
    response = connection.getresponse()
    response.read()
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy") is None, "the app, which adds it everywhere, was not asked"
    connection.request("GET", "/static/css/site.css")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.getheader("Cache-Control") == "public, max-age=3600", "an address without its version"
    assert request(port, "GET", "/metrics", None)[0] == 404


def test_twenty_people_racing_through_nginx_book_the_last_place_once_per_round(site, make_app, make_user, make_shift):
    port, folder, app_ports, _ = site
    app = make_app(SECRET_KEY=SECRET)
    people = [make_user(f"n{index}@example.org", status=Status.APPROVED) for index in range(PEOPLE)]
    browsers = [ready(port, session_cookie(app, user), "/shifts") for user in people]
    first = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    before, outcomes, started_at = logged(folder), [], time.monotonic()
    for round_ in range(ROUNDS):
        shift = make_shift(places=1, starts_at=first + timedelta(hours=4 * round_), hours=3)
        outcomes.append(sorted(at_once(port, f"/shifts/{shift.id}/book", browsers)))
    print(f"\nthrough nginx: {ROUNDS} rounds x {PEOPLE} people in {time.monotonic() - started_at:.1f} s")
    assert [result for result in outcomes if result != [303] + [409] * (PEOPLE - 1)] == []
    spread = served(folder, r"POST /shifts/\d+/book", before)
    assert set(spread) == {f"127.0.0.1:{app_port}" for app_port in app_ports}, spread
    assert min(spread.values()) >= ROUNDS * PEOPLE // 4, spread
    assert_every_counter_matches(app)


def test_a_rate_limit_holds_across_both_servers(site):
    port, folder, app_ports, _ = site
    cookie, token = ready(port, None, "/sign-in")
    before = logged(folder)
    statuses = [request(port, "POST", "/sign-in", cookie,
                        urlencode({"csrf_token": token, "email": f"limit{index}@example.org"}))[0]
                for index in range(SIGNIN_LIMIT + 4)]
    assert statuses == [303] * SIGNIN_LIMIT + [429] * 4, statuses
    assert set(served(folder, r"POST /sign-in", before)) == {f"127.0.0.1:{app_port}" for app_port in app_ports}, \
        "both servers counted in the one Redis"


def test_signing_out_on_one_server_ends_the_session_on_the_other(site, make_app, make_user):
    port, folder, _, _ = site
    app = make_app(SECRET_KEY=SECRET)
    cookie, token = ready(port, session_cookie(app, make_user("out@example.org", status=Status.APPROVED)), "/me")
    assert [request(port, "GET", "/me", cookie)[0] for _ in range(4)] == [200] * 4
    assert request(port, "POST", "/sign-out", cookie, urlencode({"csrf_token": token}))[0] == 303
    before = logged(folder)
    # The cookie from before signing out, replayed: neither server knows the session any more.
    assert [request(port, "GET", "/me", cookie)[0] for _ in range(4)] == [302] * 4
    assert len(served(folder, r"GET /me", before)) == 2


def test_stopping_one_app_server_in_the_middle_of_a_load_loses_no_get(site):
    port, folder, app_ports, servers = site
    statuses, stopping = [], threading.Event()

    def load():
        while not stopping.is_set():
            statuses.append(request(port, "GET", "/", None)[0])

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    before, since = len(statuses), logged(folder)
    stop(servers[app_ports[0]])  # SIGTERM: gunicorn finishes what it has and closes its socket
    time.sleep(2)
    stopping.set()
    for thread in threads:
        thread.join(timeout=60)
    assert before > 0 and len(statuses) > before, "the load ran before and after the stop"
    assert set(statuses) == {200}, {status: statuses.count(status) for status in set(statuses)}
    assert served(folder, "GET /", since).get(f"127.0.0.1:{app_ports[1]}", 0) > 0, "the other server took over"
