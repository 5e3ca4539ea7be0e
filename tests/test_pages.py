"""Public pages, language choice and what every page promises."""
import gzip
import hashlib
import re

import pytest

from .helpers import LOCALES, RTL, html_root, page_text, sign_in, translated

PAGES = ["/", "/signup", "/sign-in", "/privacy", "/signup/sent", "/sign-in/sent"]


@pytest.mark.parametrize("locale", LOCALES)
def test_accept_language_picks_the_language_and_direction(app, client, locale):
    response = client.get("/", headers={"Accept-Language": f"{locale},en;q=0.5"})
    assert html_root(response) == (locale, "rtl" if locale in RTL else "ltr")
    assert translated(app, locale, "Sign up as a volunteer") in page_text(response)


def test_swedish_is_the_default(client):
    assert html_root(client.get("/")) == ("sv", "ltr")
    assert html_root(client.get("/", headers={"Accept-Language": "de-DE,de"})) == ("sv", "ltr")


def test_the_explicit_choice_beats_accept_language(client):
    response = client.submit("/language", {"locale": "fa", "next": "/privacy"})
    assert (response.status_code, response.headers["Location"]) == (303, "/privacy")
    assert html_root(client.get("/", headers={"Accept-Language": "en"})) == ("fa", "rtl")


def test_an_unknown_language_choice_changes_nothing(client):
    client.submit("/language", {"locale": "xx", "next": "/"})
    assert html_root(client.get("/")) == ("sv", "ltr")


def test_a_signed_in_persons_saved_language_is_used_and_updated(app, client, outbox, make_user, find_user):
    make_user(locale="ar")
    sign_in(client, outbox)
    fresh = client.raw.application.test_client()
    fresh.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert html_root(fresh.get("/me", headers={"Accept-Language": "en"})) == ("ar", "rtl")
    client.submit("/language", {"locale": "en", "next": "/me"})
    assert find_user("volunteer@example.org").locale == "en"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_has_a_language_switcher(client, path, locale):
    html = client.get(path, headers={"Accept-Language": locale}).get_data(as_text=True)
    for code in LOCALES:
        assert f'name="locale" value="{code}"' in html
    assert f'name="locale" value="{locale}" lang="{locale}"' in html


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_host(client, path):
    html = client.get(path).get_data(as_text=True)
    assert not re.search(r'(src|href|action)="(https?:)?//', html)
    assert "/static/vendor/htmx-4.0.1.min.js" in html


def test_the_vendored_htmx_is_version_4(client):
    script = client.get("/static/vendor/htmx-4.0.1.min.js")
    assert script.status_code == 200
    assert b'"4.0.1"' in script.data or b"'4.0.1'" in script.data
    script.close()


def test_every_page_sends_the_csrf_token_with_htmx_requests(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<body hx-headers:inherited=\'\{"X-CSRFToken": "[^"]+"\}\'>', html)


def test_every_input_has_a_visible_label(client):
    html = client.get("/signup").get_data(as_text=True)
    ids = set(re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html)) - {"csrf_token"}
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and ids <= labels, ids - labels


def test_home_page_says_what_this_is_and_how_to_join(app, client):
    html = page_text(client.get("/"))
    assert translated(app, "sv", "Volunteer with people who have fled to our municipality") in html
    assert 'href="/signup"' in html


def test_privacy_notice_shows_its_version(app, client):
    html = page_text(client.get("/privacy"))
    assert app.config["PRIVACY_NOTICE_VERSION"] in html


@pytest.mark.parametrize("locale", LOCALES)
def test_not_found_is_a_translated_page(app, client, locale):
    response = client.get("/no-such-page", headers={"Accept-Language": locale})
    assert response.status_code == 404
    assert translated(app, locale, "Page not found") in page_text(response)


def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_my_page_needs_signing_in(client):
    response = client.get("/me")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("status, msgid", [
    ("confirmed", "What happens next"),
    ("approved", "You are approved. Choose a training, and then pick the shifts that suit you."),
    ("rejected", "Your application was not approved this time. Thank you for wanting to help."),
])
def test_my_page_shows_status_and_what_comes_next(app, client, outbox, make_user, status, msgid):
    from volunteer.models import Status

    make_user(status=Status(status), locale="ar")
    sign_in(client, outbox)
    html = page_text(client.get("/me"))
    assert translated(app, "ar", msgid) in html
    assert "070-123 45 67" in html


@pytest.mark.parametrize("locale, expected", [
    ("sv", "17:00–20:00"),
    ("en", "17:00\u2009–\u200920:00"),
    # Digits joined by a dash: a right-to-left paragraph would show "20:00–17:00" unless isolated.
    ("ar", "\u206617:00–20:00\u2069"),
    # Persian joins them with a word of its own, which already reads right to left: no isolate.
    ("fa", "17:00 تا 20:00"),
])
def test_time_ranges_keep_their_order_in_right_to_left_languages(app, locale, expected):
    from datetime import datetime, timezone

    from flask_babel import force_locale

    from volunteer.i18n.formats import left_to_right, time_range

    start, end = datetime(2026, 11, 24, 16, tzinfo=timezone.utc), datetime(2026, 11, 24, 19, tzinfo=timezone.utc)
    with app.test_request_context(), force_locale(locale):
        assert time_range(start, end) == expected
        assert left_to_right("070-123 45 67") == ("\u2066070-123 45 67\u2069" if locale in RTL else "070-123 45 67")


def without_csrf(body: bytes) -> bytes:
    return re.sub(rb'("X-CSRFToken": "|name="csrf_token" value=")[^"]+"', rb'\1"', body)


def test_pages_and_static_files_are_compressed_for_browsers_that_accept_it(client):
    plain = client.get("/")
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    # The same page, but for the CSRF token, which carries the second it was signed in (two requests can fall
    # on either side of a second: this test failed now and then before it said so).
    assert without_csrf(gzip.decompress(page.data)) == without_csrf(plain.data)
    assert client.get("/", headers={"Accept-Encoding": "br"}).headers["Content-Encoding"] == "br"
    html = plain.get_data(as_text=True)
    for href in re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html):
        asset = client.get(href, headers={"Accept-Encoding": "gzip"})
        assert asset.headers["Content-Encoding"] == "gzip", href
        assert len(asset.data) < len(client.get(href).data) * 0.6, href


def test_static_files_have_versioned_addresses_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'<link rel="stylesheet" href="(/static/css/site\.css\?v=([0-9a-f]{12}))"', html)
    js = re.search(r'<script src="(/static/vendor/htmx-4\.0\.1\.min\.js\?v=[0-9a-f]{12})"', html)
    assert css and js
    for href in (css.group(1), js.group(1)):
        response = client.get(href)
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.public
        assert response.cache_control.immutable
    content = client.get("/static/css/site.css").data
    assert css.group(2) == hashlib.sha256(content).hexdigest()[:12], "the version is the content's hash"
    for stale in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        assert client.get(stale).cache_control.max_age is None, "only the current version is kept for a year"


def test_every_whole_page_names_its_icon():
    """A page that does not extend base.html still links the icon, or the browser asks for /favicon.ico (a 404)."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    whole = [path for path in templates.rglob("*.html")
             if "<html" in path.read_text() and "email" not in path.parts]
    assert len(whole) >= 3
    assert [path.name for path in whole if 'rel="icon"' not in path.read_text()] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_accessibility_statement_is_in_every_language_and_linked_from_every_page(app, client, locale):
    headers = {"Accept-Language": locale}
    for path in PAGES:
        assert 'href="/accessibility"' in client.get(path, headers=headers).get_data(as_text=True), path
    response = client.get("/accessibility", headers=headers)
    text = page_text(response)
    assert response.status_code == 200 and html_root(response)[0] == locale
    for heading in ("Accessibility statement", "What is not accessible yet", "Tell us about a problem", "Supervision"):
        assert translated(app, locale, heading) in text
    assert "WCAG 2.1" in text and "EN 301 549" in text and "DIGG" in text
    assert 'href="mailto:frg@example.org"' in response.get_data(as_text=True)


def test_the_language_menu_names_the_current_language_in_one_control(client):
    html = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    summary = re.search(r'<details class="language-menu">\s*<summary>(.*?)</summary>', html, re.S).group(1)
    assert 'lang="ar" dir="rtl">العربية</span>' in summary


def test_a_signed_in_volunteer_is_led_to_shifts_not_to_signing_up(app, client, outbox, make_user):
    from volunteer.models import Status

    make_user(status=Status.APPROVED, locale="en")
    sign_in(client, outbox)
    actions = re.search(r'<p class="actions">(.*?)</p>', client.get("/").get_data(as_text=True), re.S).group(1)
    assert 'href="/shifts"' in actions and 'href="/shifts/mine"' in actions
    assert "/signup" not in actions


def test_a_signed_in_applicant_is_led_to_what_happens_next(app, client, outbox, make_user):
    make_user(locale="en")
    sign_in(client, outbox)
    actions = re.search(r'<p class="actions">(.*?)</p>', client.get("/").get_data(as_text=True), re.S).group(1)
    assert 'href="/me"' in actions and "What happens next" in actions
    assert "/signup" not in actions and 'href="/shifts"' not in actions


def test_the_home_page_says_what_volunteering_involves_and_whom_to_ask(make_app, make_shift):
    """Time, where (no address), Swedish not required, 18+, the record extract, free training; FRG's phone, hours
    and e-mail from the settings."""
    app = make_app(CONTACT_PHONE="010-765 43 21", CONTACT_HOURS="10:00–15:00", CONTACT_EMAIL="fragor@example.se")
    make_shift()  # a site with an address, which stays off the public page
    html = page_text(app.test_client().get("/", headers={"Accept-Language": "sv"}))
    for msgid in ("What it involves", "You do not need to speak Swedish. Arabic, Dari, Somali, Tigrinya, Ukrainian and "
                  "many other languages are wanted.", "You must be 18 or older.",
                  "The training is free and comes before your first shift."):
        assert translated(app, "sv", msgid) in html
    assert 'href="tel:0107654321"' in html and "010-765 43 21" in html and "10:00–15:00" in html
    assert 'href="mailto:fragor@example.se"' in html
    assert "Storgatan" not in html
