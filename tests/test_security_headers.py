"""Security headers on every kind of response, and templates a strict Content-Security-Policy can serve."""
import re
from pathlib import Path

import pytest

from volunteer.models import Status

from .helpers import signed_in


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# E-mails are read in mail programs, not served under the site's policy; they may style inline.
PAGE_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "email" not in p.parts)

INLINE_CODE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on (evaluated code)": re.compile(r"\shx-on", re.I),
}


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def assert_secure(response, where):
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], where
    assert policy["default-src"] == "default-src 'self'", where
    assert policy["frame-ancestors"] == "frame-ancestors 'none'", where
    assert policy["object-src"] == "object-src 'none'", where
    assert "'unsafe-inline'" not in policy["style-src"], where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    assert response.headers["X-Frame-Options"] == "DENY", where


def test_every_kind_of_response_carries_the_headers(app, client, make_user):
    volunteer = signed_in(app, make_user(status=Status.APPROVED))
    token = client.csrf_token("/signup")
    responses = {
        "page": client.get("/"),
        "redirect to sign in": client.get("/me"),
        "not found": client.get("/no-such-page"),
        "static file": client.get("/static/css/site.css"),
        "htmx partial": client.post("/signup/check/email", data={"email": "x"},
                                    headers={"X-CSRFToken": token, "HX-Request": "true"}),
        "csrf refusal": client.post("/sign-in", data={"email": "a@example.org"}),
        "too large": client.post("/signup", data={"motivation": "x" * 400_000}),
        "method not allowed": client.put("/"),
        "signed-in page": volunteer.get("/shifts"),
        "data export": volunteer.get("/me/export"),
    }
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {"page": 200, "redirect to sign in": 302, "not found": 404, "static file": 200,
                        "htmx partial": 200, "csrf refusal": 400, "too large": 413, "method not allowed": 405,
                        "signed-in page": 200, "data export": 200}
    for name, response in responses.items():
        assert_secure(response, name)
        response.close()


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_templates_hold_no_inline_code_or_styles(template):
    text = template.read_text()
    found = [kind for kind, pattern in INLINE_CODE.items() if pattern.search(text)]
    assert found == [], f"{template.name}: move it into static/js or static/css ({', '.join(found)})"


def test_the_inline_code_scan_would_notice(tmp_path):
    samples = ['<script>alert(1)</script>', '<button onclick="go()">', '<p style="color:red">',
               '<style>p{}</style>', '<a href="javascript:void(0)">', '<div hx-on:click="x()">']
    assert all(any(p.search(sample) for p in INLINE_CODE.values()) for sample in samples)
    assert not any(p.search('<script src="/static/js/print.js" defer></script>') for p in INLINE_CODE.values())


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="htmx-config" content=\'{"includeIndicatorCSS": false}\'>' in html


@pytest.mark.parametrize("headers", [{"Host": "evil.example"}, {"Host": "evil.example:5000"},
                                     {"X-Forwarded-Host": "evil.example"}])
def test_a_forged_host_is_refused(make_app, make_user, headers):
    app = make_app(TRUSTED_PROXIES=1)
    volunteer = signed_in(app, make_user(status=Status.APPROVED))
    for path in ("/", "/shifts/mine", "/sign-in"):
        response = volunteer.get(path, headers=headers)
        assert response.status_code == 400, path
        assert "evil" not in response.get_data(as_text=True)
    assert volunteer.get("/shifts/mine").status_code == 200, "the test client's localhost still works"
