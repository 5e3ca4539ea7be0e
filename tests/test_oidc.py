"""Staff sign-in with the organisation's OpenID Connect provider, against a small provider the tests run."""
import logging
from urllib.parse import urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Role, Status, User

from .helpers import Client, page_text, sign_in, translated
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Running

ROLE_MAP = {"frg-coordinators": {"organisation": "FRG Testby", "role": "coordinator"},
            "red-cross-admins": {"organisation": "Röda Korset Testby", "role": "admin"},
            "old-partner": {"organisation": "No Such Partner", "role": "coordinator"}}
# What a forger or a confused provider might put in the ID token: another nonce, a token for another site (that
# names this one as the party it was issued to), another issuer, another key.
TAMPERING = {"nonce": lambda: {"nonce": "not-the-nonce-we-sent"},
             "audience": lambda: {"aud": "some-other-site", "azp": CLIENT_ID},
             "issuer": lambda: {"iss": "https://idp.example.org"},
             "signing_key": lambda: {"signing_key": RSAKey.generate_key(2048, parameters={"kid": "live"})}}
KIM = {"email": "Kim.Staff@testby.se", "email_verified": True, "name": "Kim Karlsson"}


@pytest.fixture(scope="module")
def idp():
    running = Running()
    yield running.provider
    running.stop()


@pytest.fixture
def provider(idp):
    """The provider with nobody to sign in and nothing to get wrong."""
    idp.claims, idp.tamper = {}, {}
    return idp


def oidc_settings(provider) -> dict:
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_NAME": "Testby kommun", "OIDC_ROLE_MAP": ROLE_MAP}


@pytest.fixture
def app(make_app, provider):
    return make_app(**oidc_settings(provider))


@pytest.fixture
def partners(make_organisation):
    return make_organisation("FRG Testby"), make_organisation("Röda Korset Testby", kind="red_cross")


def through_provider(client, provider, headers=None, **claims):
    """Press the button, let the provider answer with these claims (over real HTTP), and come back."""
    provider.claims = {**KIM, **claims}
    start = client.get("/sign-in/organisation")
    assert start.status_code == 302 and start.location.startswith(f"{provider.issuer}/authorize?")
    back = requests.get(start.location, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    url = urlsplit(back.headers["Location"])
    assert url.path == "/sign-in/organisation/callback"
    return client.get(f"{url.path}?{url.query}", headers=headers or {"Accept-Language": "en"})


def accept_notice(client) -> None:
    """A new account accepts the privacy notice before anything else, as every account does."""
    assert client.get("/me").location == "/privacy/accept"
    assert client.submit("/privacy/accept").location == "/me"


def account(app, email="kim.staff@testby.se"):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user and (user.role, [org.name for org in user.coordinated_organisations], user.status)


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_mapped_coordinator_signs_in_with_the_role_and_organisations(app, client, provider, partners, caplog):
    caplog.set_level(logging.WARNING)
    response = through_provider(client, provider, groups=["frg-coordinators", "old-partner", "unmapped"])
    assert (response.status_code, response.location) == (303, "/me")
    assert account(app) == (Role.COORDINATOR, ["FRG Testby"], Status.APPROVED)
    assert actions(app) == ["staff_account_created", "coordinator_role_granted", "signed_in_with_oidc"]
    accept_notice(client)
    assert client.get("/coordinator/").status_code == 200
    assert "the site does not know: No Such Partner" in caplog.text


def test_the_role_ends_when_the_provider_stops_granting_it(app, client, provider, partners):
    through_provider(client, provider, groups=["frg-coordinators", "red-cross-admins"])
    accept_notice(client)
    assert account(app) == (Role.ADMIN, ["FRG Testby", "Röda Korset Testby"], Status.APPROVED)
    through_provider(Client(app.test_client()), provider, groups=["frg-coordinators"])
    assert account(app) == (Role.COORDINATOR, ["FRG Testby"], Status.APPROVED)
    assert client.get("/admin/organisations").status_code == 403
    elsewhere = Client(app.test_client())
    refused = through_provider(elsewhere, provider, groups=["unmapped"])
    assert refused.status_code == 403
    assert "gives you no role on this site" in page_text(refused)
    assert account(app) == (Role.VOLUNTEER, [], Status.APPROVED)
    assert client.get("/coordinator/").status_code == 403  # the first browser's session keeps no role either
    assert elsewhere.get("/me").status_code == 302
    assert actions(app)[-2:] == ["coordinator_role_removed", "oidc_sign_in_refused"]


def test_a_role_given_by_hand_stays_when_the_provider_stops_granting_more(app, client, provider, partners, runner):
    result = runner.invoke(args=["create-coordinator", "kim.staff@testby.se", "--name", "Kim Karlsson",
                                 "--organisation", "FRG Testby"])
    assert result.exit_code == 0, result.output
    through_provider(client, provider, groups=["red-cross-admins"])
    assert account(app) == (Role.ADMIN, ["FRG Testby", "Röda Korset Testby"], Status.APPROVED)
    assert through_provider(Client(app.test_client()), provider, groups=[]).status_code == 403
    assert account(app) == (Role.COORDINATOR, ["FRG Testby"], Status.APPROVED)


def test_no_mapped_group_is_refused_without_an_account(app, client, provider, partners):
    response = through_provider(client, provider, groups=["unmapped", "old-partner"])
    assert response.status_code == 403
    assert account(app) is None
    assert client.get("/me").status_code == 302


@pytest.mark.parametrize("tamper", TAMPERING)
def test_a_forged_or_misdirected_id_token_is_refused_calmly(app, client, provider, partners, tamper):
    provider.tamper = TAMPERING[tamper]()
    response = through_provider(client, provider, groups=["frg-coordinators"])
    assert response.status_code == 400
    assert "did not work" in page_text(response)
    assert account(app) is None
    assert client.get("/me").status_code == 302


@pytest.mark.parametrize("verifier", ["wrong", None])
def test_a_wrong_or_missing_pkce_verifier_is_refused_calmly(app, client, provider, partners, verifier):
    provider.claims = {**KIM, "groups": ["frg-coordinators"]}
    start = client.get("/sign-in/organisation")
    with client.session_transaction() as session:
        (key,) = [key for key in session if key.startswith("_state_oidc_")]
        state = session[key]
        if verifier is None:
            del state["data"]["code_verifier"]
        else:
            state["data"]["code_verifier"] = "a-verifier-the-provider-never-saw-" + "x" * 20
        session[key] = state
    back = urlsplit(requests.get(start.location, allow_redirects=False, timeout=5).headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400
    assert account(app) is None


def test_a_callback_this_browser_did_not_start_is_refused_calmly(client, provider):
    response = client.get("/sign-in/organisation/callback?code=abc&state=not-ours", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "did not work" in page_text(response)


def test_an_unverified_address_is_refused(app, client, provider, partners):
    response = through_provider(client, provider, email_verified=False, groups=["frg-coordinators"])
    assert response.status_code == 403
    assert "no verified e-mail address" in page_text(response)
    assert account(app) is None


def test_the_refusal_is_in_the_persons_language(app, client, provider, partners):
    response = through_provider(client, provider, headers={"Accept-Language": "ar"}, groups=[])
    assert translated(app, "ar", "Your organisation's account gives you no role on this site. Volunteers sign in "
                      "with a link sent by e-mail; staff who should be coordinators can ask their organisation to "
                      "add them.") in page_text(response)


def test_the_sign_in_page_offers_the_provider(client):
    text = page_text(client.get("/sign-in", headers={"Accept-Language": "en"}))
    assert "Sign in with Testby kommun" in text


def test_without_settings_there_is_no_button_and_no_route(make_app):
    client = Client(make_app().test_client())
    assert "/sign-in/organisation" not in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sign-in/organisation").status_code == 404
    assert client.get("/sign-in/organisation/callback?code=a&state=b").status_code == 404


def test_half_the_settings_or_a_bad_map_stops_start_up(make_app, provider):
    with pytest.raises(RuntimeError, match="OIDC_CLIENT_SECRET"):
        make_app(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID)
    with pytest.raises(RuntimeError, match="OIDC_ROLE_MAP"):
        make_app(**{**oidc_settings(provider), "OIDC_ROLE_MAP": '{"g": {"organisation": "X", "role": "owner"}}'})


def test_volunteers_still_sign_in_with_the_e_mailed_link(app, client, outbox, make_user):
    make_user()
    sign_in(client, outbox)
    assert client.get("/me").status_code == 200
