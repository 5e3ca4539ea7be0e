"""E-mail in the recipient's language, queued in the outbox in the transaction that causes it.

The delivery worker (delivery.py) sends what is queued: over SMTP when MAIL_SERVER is set, else it prints each
message to the console and saves it under instance/outbox/. Nothing here talks to a mail server."""
import functools
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import delete, select

from . import clock
from .extensions import db
from .i18n.catalog import gettext
from .i18n.languages import text_direction
from .models import MessageStatus, OutboxMessage, User


class _HeaderFactory(HeaderRegistry):
    """The standard library's header registry, remembering what it made. The stock one makes a new class with
    type() for every header of every message, and parses the same From, Subject and MIME headers again for
    each e-mail; headers are immutable, so one made once serves every message."""

    SHARED = frozenset({"subject", "from", "mime-version", "content-type", "content-transfer-encoding",
                        "content-disposition"})

    def __init__(self):
        super().__init__()
        self._classes = {}
        self._made = functools.lru_cache(maxsize=256)(super().__call__)

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def __call__(self, name: str, value):
        # Only the headers that every message repeats: not the recipient's address (personal data, which no
        # cache should keep after the message is gone) nor the unique Message-ID. Other values than text (an
        # Address, say) do not hash: they are parsed each time.
        if name.lower() in self.SHARED and isinstance(value, str):
            return self._made(name, value)
        return super().__call__(name, value)


# email.policy.default, with the factory above: the same headers, the same bytes.
POLICY = policy.default.clone(header_factory=_HeaderFactory())
# As the message is stored and sent: lines end in CRLF (RFC 5322), as SMTP carries them.
WIRE = POLICY.clone(linesep="\r\n")


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail: BASE_URL plus the route's path."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def outbox_dir() -> Path:
    return Path(current_app.config["MAIL_OUTBOX_DIR"] or Path(current_app.instance_path) / "outbox")


def render_email(to: str, locale: str, template: str, subject, attachments=(), **context) -> EmailMessage:
    """email/<template>.txt and .html rendered in the locale, with a Message-ID of its own.

    attachments: (filename, bytes, "type/subtype") triples, e.g. a calendar file."""
    config = current_app.config
    with force_locale(locale):
        context.update(locale=locale, direction=text_direction(locale), contact_email=config["CONTACT_EMAIL"],
                       contact_phone=config["CONTACT_PHONE"])
        message = EmailMessage(policy=POLICY)
        message["Subject"] = str(subject)
        message["From"] = sender(config["MAIL_DEFAULT_SENDER"])
        message["To"] = to
        message["Message-ID"] = make_msgid(domain=config["MAIL_MESSAGE_ID_DOMAIN"])
        message.set_content(render_template(f"email/{template}.txt", **context).rstrip("\n") + "\n\n"
                            + render_template("email/_footer.txt", **context))
        message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    for filename, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        if maintype == "text":  # as text, so that it carries its charset (UTF-8)
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=filename, cte="base64")
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def sender(configured: str) -> str:
    """The From line: the site's name in the language being rendered, with the configured address."""
    return str(Address(display_name=gettext("Volunteers"), addr_spec=parseaddr(configured)[1]))


QUEUED_KEY = "outbox_queued"


def send_after_commit(to: str, locale: str, template: str, subject, *, about: str | None = None,
                      attachments=(), **context) -> OutboxMessage:
    """Queue an e-mail in this transaction: the worker sends it once the transaction commits, never if it rolls
    back. It is rendered now, in the recipient's language; about names what it concerns (e.g. "shift:12")."""
    message = render_email(to, locale, template, subject, attachments, **context)
    now = clock.now()
    row = OutboxMessage(recipient=to, template=template, subject=str(message["Subject"])[:200], about=about,
                        message_id=message["Message-ID"], body=message.as_bytes(policy=WIRE), status=MessageStatus.QUEUED,
                        attempts=0, created_at=now, next_attempt_at=now,
                        give_up_at=now + current_app.config["MAIL_GIVE_UP"])
    db.session.add(row)
    db.session.info[QUEUED_KEY] = True  # the in-process worker (debug) is woken after the commit
    return row


def forget(address: str) -> None:
    """Delete every message kept or waiting for an address (an erasure), in the caller's transaction."""
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == address)
                       .execution_options(synchronize_session=False))


def refused_since(address: str):
    """When the address's mail server refused our mail for good, unless a message got through since: the
    address is then undeliverable. None when it is not."""
    last = db.session.execute(
        select(OutboxMessage.status, OutboxMessage.finished_at)
        .where(OutboxMessage.recipient == address,
               OutboxMessage.status.in_((MessageStatus.SENT, MessageStatus.BOUNCED)))
        .order_by(OutboxMessage.finished_at.desc(), OutboxMessage.id.desc()).limit(1)).first()
    return last.finished_at if last is not None and last.status is MessageStatus.BOUNCED else None


def told_about(about: str) -> list:
    """Everyone e-mailed about something (a shift), each with their latest such message and its delivery state:
    (name or the address, subject, status) rows, in the order they were first told."""
    latest = {}
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.about == about)
                                      .order_by(OutboxMessage.id)):
        latest[message.recipient] = message
    names = dict(db.session.execute(select(User.email, User.full_name).where(User.email.in_(list(latest)))).all()) \
        if latest else {}
    return [(names.get(address, address), message.subject, message.status) for address, message in latest.items()]
