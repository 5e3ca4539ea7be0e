"""Signing up: validation, what is stored, the e-mails and confirmation."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from volunteer.extensions import db
from volunteer.models import LoginToken, Status, utcnow

from .helpers import LOCALES, RTL, Client, field_error, page_text, timing_ratio, translated


def test_the_eight_common_languages_come_first_and_the_rest_open_when_one_is_chosen(app, client):
    """The rest of the languages sit in a <details> (no JavaScript needed) that comes back open with a choice in it."""
    page = page_text(client.get("/signup", headers={"Accept-Language": "sv"}))
    first, rest = page.split('<details class="choices-more"')
    for code in ("sv", "en", "ar", "fa", "prs", "so", "ti", "uk"):
        assert f'id="languages-{code}"' in first
    assert 'id="languages-ps"' in rest and 'id="languages-other"' in rest and ">Fler språk</summary>" in rest
    assert rest.startswith(">"), "closed when none of them is chosen"
    response = client.submit("/signup", {"languages": ["ar", "ps"], "email": "x"}, page="/signup")
    assert page_text(response).split('<details class="choices-more"')[1].startswith(" open>")


def test_the_motivation_is_optional(app, client, outbox):
    response = client.submit("/signup", {"full_name": "Hodan Ali", "email": "hodan@example.org",
                                         "phone": "070-123 45 67", "languages": ["so"], "availability": ["weekdays"],
                                         "adult": "y", "consent": "y"})
    assert response.status_code == 303, page_text(response)[:2000]


def test_the_form_lists_spoken_languages_by_their_own_names(client):
    page = page_text(client.get("/signup", headers={"Accept-Language": "sv"}))
    for autonym in ("العربية", "فارسی", "دری", "Soomaali", "ትግርኛ", "українська"):
        assert autonym in page
    assert 'lang="ar" dir="rtl"' in page


@pytest.mark.parametrize("locale", LOCALES)
def test_errors_are_shown_next_to_each_field_in_the_persons_language(app, client, locale):
    client.submit("/language", {"locale": locale, "next": "/signup"})
    response = client.submit("/signup", {"full_name": "Maja", "email": "maja@", "phone": "12",
                                         "motivation": "Vill hjälpa"})
    assert response.status_code == 422
    assert field_error(response, "email") == translated(app, locale,
                                                        "Write a whole address, for example name@example.se.")
    # The example numbers keep their digit groups in order inside Arabic and Persian sentences.
    isolate = (lambda number: f"\u2066{number}\u2069") if locale in RTL else (lambda number: number)  # noqa: E731
    assert field_error(response, "phone") == translated(
        app, locale, "Enter a mobile number, for example %(local)s or %(international)s.",
        local=isolate("070-123 45 67"), international=isolate("+46 70 123 45 67"))
    assert field_error(response, "languages") == translated(app, locale, "Choose at least one language.")
    assert field_error(response, "availability") == translated(
        app, locale, "Choose at least one time that suits you.")
    assert field_error(response, "adult") == translated(app, locale, "You must be 18 or older to volunteer.")
    assert field_error(response, "consent") == translated(
        app, locale, "We need your consent to handle your application.")
    assert field_error(response, "full_name") is None
    # The summary at the top says what is wrong, not only where.
    summary = page_text(response).split('class="error-summary"')[1].split("</div>")[0]
    problem = translated(app, locale, "Write a whole address, for example name@example.se.")
    assert re.search(rf"{re.escape(translated(app, locale, 'E-mail'))}\W+{re.escape(problem)}", summary)


def test_nothing_typed_is_lost_when_the_form_has_errors(client, signup_data):
    signup_data.update(email="not-an-address", other_languages="Tigre", languages=["ar", "other"])
    response = client.submit("/signup", signup_data)
    html = page_text(response)
    assert response.status_code == 422
    assert 'value="Anna Lindqvist"' in html
    assert 'value="not-an-address"' in html
    assert 'value="070-123 45 67"' in html
    assert 'value="Tigre"' in html
    assert "Jag vill hjälpa till på kvällarna." in html
    for box in ("languages-ar", "languages-other", "availability-evenings", "skills-teaching", "adult", "consent"):
        assert f'id="{box}" value=' in html and _checked(html, box), box


def _checked(html: str, box_id: str) -> bool:
    start = html.index(f'id="{box_id}"')
    return "checked" in html[start:html.index(">", start)]


def test_other_language_must_be_named(client, signup_data):
    signup_data["languages"] = ["other"]
    response = client.submit("/signup", signup_data)
    assert response.status_code == 422
    assert field_error(response, "other_languages")


@pytest.mark.parametrize("typed, stored", [
    ("070-123 45 67", "+46701234567"),
    ("0701234567", "+46701234567"),
    ("+46 70 123 45 67", "+46701234567"),
    ("0046701234567", "+46701234567"),
    ("+380 50 123 4567", "+380501234567"),
])
def test_phone_numbers_are_stored_in_e164(client, signup_data, find_user, typed, stored):
    signup_data["phone"] = typed
    assert client.submit("/signup", signup_data).status_code == 303
    assert find_user("anna@example.org").phone == stored


@pytest.mark.parametrize("typed", ["08-123 456 78", "12345", "070-123", "hello"])
def test_numbers_that_are_not_mobile_numbers_are_refused(client, signup_data, typed):
    signup_data["phone"] = typed
    response = client.submit("/signup", signup_data)
    assert response.status_code == 422
    assert field_error(response, "phone")


def test_a_valid_application_is_stored_with_consent_and_status_applied(app, client, signup_data, find_user,
                                                                      make_organisation):
    organisation = make_organisation()
    signup_data.update(email="  Anna@EXAMPLE.org ", organisations=[str(organisation.id)])
    response = client.submit("/signup", signup_data, headers={"Accept-Language": "ar"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/signup/sent"
    user = find_user("anna@example.org")
    assert user.status is Status.APPLIED
    assert user.full_name == "Anna Lindqvist"
    assert user.language_codes == ["ar", "sv"]
    assert user.skill_codes == ["teaching"]
    assert (user.available_weekdays, user.available_evenings, user.available_weekends) == (False, True, False)
    assert [o.name for o in user.preferred_organisations] == ["FRG Testby"]
    assert user.adult_confirmed
    assert user.privacy_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert user.consented_at is not None
    assert user.locale == "ar"


def test_the_confirmation_email_is_in_the_applicants_language(app, client, signup_data, outbox):
    client.submit("/language", {"locale": "fa", "next": "/signup"})
    client.submit("/signup", signup_data)
    message = outbox.last()
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == translated(app, "fa", "Confirm your e-mail address")
    assert translated(app, "fa", "Hello %(name)s,", name="Anna Lindqvist") in outbox.text(message)
    html = message.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and outbox.link(message) in html
    assert outbox.link(message).startswith("/confirm/")


def test_following_the_link_confirms_and_says_what_happens_next(app, client, signup_data, outbox, find_user):
    client.submit("/signup", signup_data)
    link = outbox.link()
    page = client.get(link)
    assert page.status_code == 200
    assert find_user("anna@example.org").status is Status.APPLIED, "a GET must not use the link up"
    response = client.submit(link, page=link)
    assert response.status_code == 303
    me = client.get(response.headers["Location"])
    assert me.status_code == 200
    assert translated(app, "sv", "What happens next") in page_text(me)
    assert find_user("anna@example.org").status is Status.CONFIRMED


def test_a_used_confirmation_link_is_refused(client, signup_data, outbox):
    client.submit("/signup", signup_data)
    link = outbox.link()
    client.submit(link, page=link)
    assert client.get(link).status_code == 400
    assert client.post(link, data={"csrf_token": client.csrf_token()}).status_code == 400


def test_signing_up_with_a_known_address_sends_a_sign_in_link_and_looks_the_same(
        app, client, signup_data, outbox, make_user, find_user):
    make_user(email="known@example.org", full_name="Known Person", locale="en")
    fresh = client.submit("/signup", signup_data)
    signup_data.update(email="known@example.org", full_name="Someone Else")
    known = client.submit("/signup", signup_data)
    assert (known.status_code, known.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    message = outbox.last()
    assert message["To"] == "known@example.org"
    assert message["Subject"] == "You already have an account"
    assert outbox.link(message).startswith("/sign-in/")
    assert find_user("known@example.org").full_name == "Known Person"


def test_an_unconfirmed_address_signing_up_again_gets_a_new_confirmation(app, client, signup_data, outbox):
    client.submit("/signup", signup_data)
    assert client.submit("/signup", signup_data).status_code == 303
    assert len(outbox.messages()) == 1, "sent again at once (a double tap, a reload): no second e-mail"
    with app.app_context():  # a while later
        db.session.execute(update(LoginToken).values(created_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    client.submit("/signup", signup_data)
    first, second = outbox.messages()
    assert outbox.link(first).startswith("/confirm/") and outbox.link(second).startswith("/confirm/")
    assert outbox.link(first) != outbox.link(second)


def test_live_check_returns_just_the_field_with_its_message(app, client):
    response = client.submit("/signup/check/email", {"email": "anna@"}, page="/signup",
                             headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="field field--error" id="email-field">')
    assert "<html" not in html
    assert field_error(response, "email") == translated(app, "sv", "Write a whole address, for example name@example.se.")
    assert 'value="anna@"' in html


def test_live_check_of_a_good_value_clears_the_message(client):
    response = client.submit("/signup/check/phone", {"phone": "0701234567"}, page="/signup",
                             headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="phone-field"' in response.get_data(as_text=True)
    assert field_error(response, "phone") is None


def test_live_check_of_an_unknown_field_is_not_found(client):
    assert client.submit("/signup/check/consent", {}, page="/signup").status_code == 404


def test_htmx_submit_with_errors_gets_the_form_alone_with_422(client, signup_data):
    signup_data["email"] = "x"
    response = client.submit("/signup", signup_data, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith('<form id="signup-form"')
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_submit_that_succeeds_redirects_the_browser(client, signup_data):
    response = client.submit("/signup", signup_data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/signup/sent"


def test_a_form_without_csrf_token_is_refused(app, client, signup_data, find_user):
    response = client.post("/signup", data=signup_data)
    assert response.status_code == 400
    assert translated(app, "sv", "The form had expired") in page_text(response)
    assert find_user("anna@example.org") is None


def test_too_many_signups_from_one_address_are_limited(make_app, signup_data):
    app = make_app(SIGNUP_RATE_LIMIT="3 per hour")
    client = Client(app.test_client())
    statuses = []
    for n in range(4):
        signup_data["email"] = f"person{n}@example.org"
        statuses.append(client.submit("/signup", signup_data).status_code)
    assert statuses == [303, 303, 303, 429]
    assert translated(app, "sv", "Too many attempts") in page_text(client.submit("/signup", signup_data))


def test_new_and_known_addresses_take_as_long_to_answer(make_app, make_user, outbox, signup_data):
    """A known address's sign-up writes the same rows (rolled back) and mails a sign-in link instead."""
    app = make_app(SIGNUP_RATE_LIMIT="1000 per minute")
    rounds = 30
    for n in range(rounds):
        make_user(f"known{n}@example.org")
    client = Client(app.test_client())
    token = client.csrf_token("/signup")
    answers = {}

    def sign_up(address):
        response = client.post("/signup", data=dict(signup_data, email=address, csrf_token=token))
        answers.setdefault(address.startswith("known"), set()).add((response.status_code, response.headers["Location"]))

    ratio = timing_ratio(lambda n: sign_up(f"known{n}@example.org"), lambda n: sign_up(f"new{n}@example.org"), rounds)
    print(f"sign-up, new/known time: {ratio:.2f}")
    assert 0.6 < ratio < 1.67  # measured 0.95-1.18
    assert answers[True] == answers[False] == {(303, "/signup/sent")}
    assert "could not" not in page_text(client.get("/signup/sent"))
    subjects = [message["Subject"] for message in outbox.messages()]
    assert subjects.count("Bekräfta din e-postadress") == subjects.count("Du har redan ett konto") == rounds
