"""E-mail over SMTP, the offline outbox, and failures that must not break the page."""
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from sqlalchemy import select

from volunteer import delivery
from volunteer.extensions import db
from volunteer.models import MessageStatus, OutboxMessage

from .helpers import Client, free_port, page_text, translated


class Sink(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


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
    assert sink.messages == [], "the request only queues the message"
    assert "1 message(s) handled" in app.test_cli_runner().invoke(args=["deliver", "--once"]).output
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "anna@example.org"
    assert message.is_multipart()
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert outbox.messages() == [], "with a MAIL_SERVER nothing is written to the outbox"


def test_a_mail_server_that_is_down_does_not_touch_the_page_and_the_message_waits(make_app, signup_data, find_user):
    port = free_port()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    client = Client(app.test_client())
    response = client.submit("/signup", signup_data, follow_redirects=True)
    assert response.status_code == 200
    assert translated(app, "sv", "Check your e-mail") in page_text(response)
    assert find_user("anna@example.org") is not None, "the application is kept"
    assert "1 message(s) handled" in app.test_cli_runner().invoke(args=["deliver", "--once"]).output
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
    assert (row.status, row.attempts) == (MessageStatus.QUEUED, 1) and "ConnectionRefusedError" in row.last_error


def test_without_a_mail_server_mail_is_saved_and_printed_only_in_debug(make_app, signup_data, outbox, capsys):
    """make run (debug) prints the e-mail with its link; anywhere else the console is a log, which gets neither."""
    debug = make_app(DEBUG=True, MAIL_DELIVERY="worker")  # its worker delivers only when the test says
    Client(debug.test_client()).submit("/signup", signup_data)
    assert delivery.run(debug, once=True) == 1 and len(outbox.messages()) == 1
    printed = capsys.readouterr().out
    assert "anna@example.org" in printed and outbox.link() in printed
    quiet = make_app()
    Client(quiet.test_client()).submit("/signup", dict(signup_data, email="bo@example.org"))
    assert delivery.run(quiet, once=True) == 1 and len(outbox.messages()) == 2
    printed = capsys.readouterr()
    assert "bo@example.org" not in printed.out + printed.err and outbox.link() not in printed.out + printed.err


def test_repeated_headers_are_made_once_but_no_recipient_is_kept():
    from volunteer.mail import POLICY
    factory = POLICY.header_factory
    assert factory("From", "Volontärer <no-reply@example.org>") is factory("From", "Volontärer <no-reply@example.org>")
    assert factory("To", "anna@example.org") is not factory("To", "anna@example.org")
    assert factory("To", "anna@example.org") == "anna@example.org"
