"""A person's messages on My page: the e-mails the outbox holds for their address, read as plain text."""
from email import message_from_bytes
from typing import NamedTuple

from sqlalchemy import func, select, update

from .. import clock
from ..extensions import db
from ..mail import POLICY
from ..models import OutboxMessage

# One-time links, not messages: shown on a page they would put a live sign-in link on screen, and once used they
# say nothing.
NOT_SHOWN = ("sign_in", "signup_existing", "confirm")


class Shown(NamedTuple):
    subject: str
    text: str
    at: object
    unread: bool
    from_coordinator: bool


def _mine(user):
    return (OutboxMessage.recipient == user.email, OutboxMessage.template.not_in(NOT_SHOWN))


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(*_mine(user), OutboxMessage.read_at.is_(None)))


def page_of(user, page: int, per_page: int):
    """A page of the person's messages, newest first."""
    return db.paginate(select(OutboxMessage).where(*_mine(user))
                       .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def shown(message: OutboxMessage) -> Shown:
    """The message as the page shows it: its plain-text part, to be escaped like any text (never its HTML)."""
    return Shown(message.subject, plain_text(message.body), message.created_at, message.read_at is None,
                 message.template == "message")


def plain_text(body: bytes) -> str:
    part = message_from_bytes(body, policy=POLICY).get_body(preferencelist=("plain",))
    return part.get_content().strip() if part is not None else ""


def mark_read(user, ids) -> None:
    """These messages are read now (in the caller's transaction)."""
    if ids:
        db.session.execute(update(OutboxMessage).where(*_mine(user), OutboxMessage.id.in_(list(ids)),
                                                       OutboxMessage.read_at.is_(None))
                           .values(read_at=clock.now()).execution_options(synchronize_session=False))
