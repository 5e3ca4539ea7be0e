"""Every message in the person's language: a language chosen while signed out reaches the account, the pages a
link opens speak the language of the person the link is for, and every e-mail says who sent it and whom to ask."""
import re
from html import unescape
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import User

from .helpers import Client, page_text, person, request_link, translated

NOW = datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc)
LANG_RE = re.compile(r'<html lang="([a-z]+)"')


def saved_locale(app, address="volunteer@example.org") -> str:
    with app.app_context():
        return db.session.scalar(select(User.locale).where(User.email == address))


def page_locale(response) -> str:
    return LANG_RE.search(response.get_data(as_text=True)).group(1)


def choose(client, locale: str) -> None:
    client.submit("/language", {"locale": locale, "next": "/"})


def test_a_language_chosen_while_signed_out_is_the_sign_in_emails_and_is_saved_at_sign_in(
        app, client, outbox, make_user):
    make_user(locale="sv")
    choose(client, "ar")
    request_link(client, "volunteer@example.org")
    message = outbox.last()
    assert message["Subject"] == translated(app, "ar", "Your sign-in link"), "the link comes in the chosen language"
    assert saved_locale(app) == "sv", "asking for a link changes nothing on the account"
    link = outbox.link(message)
    client.submit(link, page=link)
    assert saved_locale(app) == "ar", "using the link saves the choice"
    later = Client(app.test_client())  # another phone, no choice made there: the account's language now
    request_link(later, "volunteer@example.org")
    assert outbox.last()["Subject"] == translated(app, "ar", "Your sign-in link")


def test_a_link_opened_in_another_browser_still_saves_the_language_it_was_asked_in(app, client, outbox, make_user):
    make_user(locale="sv")
    choose(client, "so")
    request_link(client, "volunteer@example.org")
    link = outbox.link()
    mail_app = Client(app.test_client())  # a mail app's own browser, with Swedish as its language
    page = mail_app.get(link, headers={"Accept-Language": "sv"})
    assert page_locale(page) == "so", "the page is in the language the link was asked in"
    mail_app.submit(link, page=link)
    assert saved_locale(app) == "so"


def test_the_choice_made_where_the_link_is_used_wins(app, client, outbox, make_user):
    make_user(locale="sv")
    choose(client, "so")
    request_link(client, "volunteer@example.org")
    link = outbox.link()
    other = Client(app.test_client())
    choose(other, "uk")
    assert page_locale(other.get(link)) == "uk", "the switcher still decides"
    other.submit(link, page=link)
    assert saved_locale(app) == "uk"


def test_a_sign_in_page_is_in_the_account_language_when_nobody_chose_one(app, outbox, make_user):
    make_user(locale="fa")
    request_link(Client(app.test_client()), "volunteer@example.org")
    link = outbox.link()
    page = Client(app.test_client()).get(link, headers={"Accept-Language": "sv"})
    assert page_locale(page) == "fa" and 'dir="rtl"' in page.get_data(as_text=True)
    assert 'action="/language"' in page.get_data(as_text=True), "the switcher is still there"


def test_a_confirmation_page_is_in_the_applicants_language_and_confirming_keeps_it(
        app, client, outbox, signup_data):
    choose(client, "so")
    client.submit("/signup", signup_data)
    message = outbox.last()
    assert message["Subject"] == translated(app, "so", "Confirm your e-mail address")
    link = outbox.link(message)
    assert link.startswith("/confirm/")
    phone = Client(app.test_client())
    assert page_locale(phone.get(link, headers={"Accept-Language": "sv"})) == "so"
    choose(phone, "en")
    assert page_locale(phone.get(link)) == "en", "an explicit choice wins"
    phone.submit(link, page=link)
    assert saved_locale(app, signup_data["email"].lower()) == "en"


def test_an_offer_page_is_in_the_language_of_the_person_it_was_offered_to(app, clock, make_user, make_shift, outbox):
    holder, _ = person(app, make_user, "holder@example.org")
    waiting, _ = person(app, make_user, "waiting@example.org", locale="fa")
    shift = make_shift(places=1, starts_at=NOW + timedelta(days=5))
    for client, action in ((holder, "book"), (waiting, "waitlist"), (holder, "cancel")):
        client.submit(f"/shifts/{shift.id}/{action}", {"next": "/shifts"}, page="/shifts")
    message = outbox.last()
    assert message["To"] == "waiting@example.org"
    link = outbox.link(message)
    assert link.startswith("/shifts/offers/")
    anonymous = Client(app.test_client())
    assert page_locale(anonymous.get(link, headers={"Accept-Language": "sv"})) == "fa"
    choose(anonymous, "en")
    assert page_locale(anonymous.get(link)) == "en"


def test_a_training_offer_page_is_in_the_language_of_the_person_it_was_offered_to(
        app, clock, make_user, make_session, outbox):
    training_session = make_session(seats=1)
    holder, _ = person(app, make_user, "holder@example.org")
    waiting, _ = person(app, make_user, "waiting@example.org", locale="ti")
    for client, action in ((holder, "enrol"), (waiting, "waitlist"), (holder, "cancel")):
        client.submit(f"/trainings/{training_session.id}/{action}", {"next": "/trainings"}, page="/trainings")
    link = outbox.link(outbox.last())
    assert link.startswith("/trainings/offers/")
    assert page_locale(Client(app.test_client()).get(link, headers={"Accept-Language": "sv"})) == "ti"


@pytest.mark.parametrize("locale", ["sv", "en", "ar", "fa", "so", "ti", "uk"])
def test_the_sender_is_the_site_in_the_recipients_language_and_the_footer_says_whom_to_ask(
        make_app, outbox, make_user, locale):
    app = make_app(MAIL_DEFAULT_SENDER="Volontärer <frivillig@kommun.example>", CONTACT_EMAIL="frg@kommun.example",
                   CONTACT_PHONE="010-555 12 00")
    make_user(locale=locale)
    request_link(Client(app.test_client()), "volunteer@example.org")
    message = outbox.last()
    sender = message["From"]
    assert sender.addresses[0].addr_spec == "frivillig@kommun.example"
    assert sender.addresses[0].display_name == translated(app, locale, "Volunteers")
    html = message.get_body(("html",)).get_content()
    for body in (outbox.text(message), unescape(html)):
        assert "frg@kommun.example" in body and "010-555 12 00" in body
    assert 'href="mailto:frg@kommun.example"' in html and 'href="tel:0105551200"' in html


def test_every_email_has_the_contact_footer(app):
    """The text part gets it from render_email, whatever the template; the HTML part from the layout."""
    from volunteer.mail import render_email

    for template in sorted(Path("templates/email").glob("[!_]*.html")):
        assert '{% extends "email/_layout.html" %}' in template.read_text(), template.name
    with app.test_request_context():
        message = render_email("x@example.org", "sv", "sign_in", "Test", link="http://localhost/me",
                               user=User(full_name="Vera", email="x@example.org"))
    text = message.get_body(("plain",)).get_content()
    assert text.rstrip().endswith(translated(app, "sv", "Questions? Write to %(email)s or call %(phone)s.",
                                             email=app.config["CONTACT_EMAIL"], phone=app.config["CONTACT_PHONE"]))


def test_the_sign_up_error_summary_says_what_is_wrong_with_each_field(app, client, signup_data):
    signup_data.update(email="namn@", phone="12")
    response = client.submit("/signup", signup_data, headers={"Accept-Language": "sv"})
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>', page_text(response), re.S).group(0)
    assert "E-post: " + translated(app, "sv", "Write a whole address, for example name@example.se.") in summary
    assert translated(app, "sv", "Mobile phone") + ": " in summary


def test_my_hours_is_in_the_volunteers_menu(app, make_user):
    client, _ = person(app, make_user, "vera@example.org")
    menu = re.search(r'<nav class="site-menu__panel".*?</nav>', client.get("/me").get_data(as_text=True), re.S).group(0)
    assert 'href="/me/hours"' in menu
