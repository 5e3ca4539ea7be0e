"""A live server on a free port and Debian's Chromium driven by Playwright at a phone's size."""
import os
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from volunteer.models import utcnow

from ..helpers import MovableClock, clock_start
from .helpers import PHONE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run should have installed Debian's chromium")
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@contextmanager
def serving(make_app, **config):
    """An app served over HTTP in a thread on a free port, with BASE_URL pointing at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    app = make_app(BASE_URL=base, **config)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = base
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(make_app):
    """The app served over HTTP in a thread, with BASE_URL pointing at it."""
    with serving(make_app) as app:
        yield app


@pytest.fixture
def clock(request):
    """The time the served app sees: the test's now marker or module's NOW, else now on the hour; tests move it."""
    return MovableClock(clock_start(request, default=utcnow().replace(minute=0, second=0, microsecond=0)))


@pytest.fixture
def served(make_app, clock):
    """Like live_server, with a clock the test moves forward."""
    with serving(make_app, CLOCK=clock) as app:
        yield app


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (no cookies), JavaScript on."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="sv-SE", timezone_id="Europe/Stockholm")
    yield context
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot for people to look at (not compared)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shoot
