"""E-mail in the recipient's language: SMTP when MAIL_SERVER is set, else console and instance/outbox."""
import functools
import secrets
import smtplib
import ssl
from datetime import datetime, timezone
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .i18n.languages import text_direction


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


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail: BASE_URL plus the route's path."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def outbox_dir() -> Path:
    return Path(current_app.config["MAIL_OUTBOX_DIR"] or Path(current_app.instance_path) / "outbox")


def send_email(to: str, locale: str, template: str, subject, attachments=(), **context) -> bool:
    """Render email/<template>.txt and .html in the locale and send; False if it could not go out.

    attachments: (filename, bytes, "type/subtype") triples, e.g. a calendar file."""
    with force_locale(locale):
        context.update(locale=locale, direction=text_direction(locale))
        message = EmailMessage(policy=POLICY)
        message["Subject"] = str(subject)
        message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
        message["To"] = to
        message["Message-ID"] = make_msgid(domain="volunteer.local")
        message.set_content(render_template(f"email/{template}.txt", **context))
        message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    for filename, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        if maintype == "text":  # as text, so that it carries its charset (UTF-8)
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=filename, cte="base64")
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if not current_app.config["MAIL_SERVER"]:
        return _save_to_outbox(message, template)
    try:
        _send_smtp(message)
    except (smtplib.SMTPException, OSError):
        current_app.logger.exception("Could not send %s e-mail", template)
        return False
    return True


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        server = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with server:
        if config["MAIL_USE_TLS"]:
            server.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        server.send_message(message)


def _save_to_outbox(message: EmailMessage, template: str) -> bool:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{template}-{secrets.token_hex(3)}.eml"
    path.write_bytes(bytes(message))
    body = message.get_body(("plain",)).get_content()
    print(f"\n--- e-mail to {message['To']}: {message['Subject']} (saved to {path})\n{body}---", flush=True)
    return True


_QUEUE_KEY = "emails_after_commit"


def send_after_commit(to: str, locale: str, template: str, subject, **context) -> None:
    """Send an e-mail once the current transaction commits, and never if it rolls back.

    The context must hold plain values (no database objects): the session cannot load after a commit."""
    db.session.info.setdefault(_QUEUE_KEY, []).append((to, locale, template, subject, context))


@event.listens_for(Session, "after_commit")
def _send_queued(session) -> None:
    for to, locale, template, subject, context in session.info.pop(_QUEUE_KEY, []):
        send_email(to, locale, template, subject, **context)


@event.listens_for(Session, "after_rollback")
def _drop_queued(session) -> None:
    session.info.pop(_QUEUE_KEY, None)
