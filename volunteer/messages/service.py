"""Sending a coordinator's message: one e-mail per person in the outbox, in one transaction, audited."""
from dataclasses import dataclass, field

from flask import current_app

from ..audit import audit
from ..mail import send_after_commit
from ..models import User
from .audiences import Audience


@dataclass(frozen=True)
class Composed:
    """What the coordinator wrote: the message in its language, and versions in other languages."""

    language: str
    subject: str
    text: str
    contact: str = ""
    versions: dict = field(default_factory=dict)  # {locale: (subject, text)}

    def for_locale(self, locale: str) -> tuple[str, str, str | None]:
        """(subject, text, the language it was written in when that is not the reader's, else None)."""
        if locale in self.versions:
            return (*self.versions[locale], None)
        return self.subject, self.text, None if locale == self.language else self.language


def too_many(audience: Audience) -> bool:
    return len(audience.people) > current_app.config["MESSAGE_MAX_RECIPIENTS"]


def send(writer: User, audience: Audience, composed: Composed) -> int:
    """Queue the message for everyone in the audience, each in their language; the number queued.

    The audit trail keeps who wrote to whom and how many, never the text."""
    for person in audience.people:
        subject, text, written_in = composed.for_locale(person.locale)
        send_after_commit(person.email, person.locale, "message", subject, about=audience.about, name=person.full_name,
                          text=text, writer=writer.full_name, contact=composed.contact, written_in=written_in)
    audit("message_sent", actor=writer, audience=audience.kind, about=audience.about,
          recipients=len(audience.people), languages=sorted({composed.language, *composed.versions}))
    return len(audience.people)
