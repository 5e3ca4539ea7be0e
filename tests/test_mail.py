"""E-mail over SMTP, the offline outbox, and failures that must not break the page."""
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from .helpers import Client, page_text, translated


class Sink(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


def test_mail_goes_out_over_smtp_as_text_and_html(make_app, smtp_sink, signup_data, outbox):
    controller, sink = smtp_sink
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    client = Client(app.test_client())
    client.submit("/signup", signup_data, headers={"Accept-Language": "ar"})
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "anna@example.org"
    assert message.is_multipart()
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert outbox.messages() == [], "with a MAIL_SERVER nothing is written to the outbox"


def test_a_failing_mail_server_gives_a_friendly_message_not_a_500(make_app, signup_data, find_user):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    client = Client(app.test_client())
    response = client.submit("/signup", signup_data, follow_redirects=True)
    assert response.status_code == 200
    assert translated(app, "sv", "We could not send the e-mail just now. Please try again in a while.") in \
        page_text(response)
    assert find_user("anna@example.org") is not None, "the application is kept"


def test_without_a_mail_server_mail_is_printed_and_saved(client, signup_data, outbox, capsys):
    client.submit("/signup", signup_data)
    assert len(outbox.messages()) == 1
    printed = capsys.readouterr().out
    assert "anna@example.org" in printed and outbox.link() in printed


def test_repeated_headers_are_made_once_but_no_recipient_is_kept():
    from volunteer.mail import POLICY
    factory = POLICY.header_factory
    assert factory("From", "Volontärer <no-reply@example.org>") is factory("From", "Volontärer <no-reply@example.org>")
    assert factory("To", "anna@example.org") is not factory("To", "anna@example.org")
    assert factory("To", "anna@example.org") == "anna@example.org"
