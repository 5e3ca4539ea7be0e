"""Certificates of volunteer work: issuing one from the recorded hours, its verification code, its wording
and withdrawal.

Who issues it: the volunteer gets the certificate at once (no queue to wait in), and it names as issuer the
coordinator who confirmed most of the hours in the period, since attendance is recorded by coordinators and
that person can vouch for it when an employer calls. If nobody confirmed them (or that person is no longer a
coordinator), a coordinator of the organisation with the most hours is named. Any coordinator of one of the
certificate's organisations can withdraw it."""
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _, lazy_gettext as _l, ngettext
from ..i18n.formats import date_range
from ..i18n.languages import localized
from ..mail import absolute_url
from ..models import Certificate, Organisation, Role, User
from ..web.access import organisation_scope
from . import totals

# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is hard to get wrong.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 random bits
TYPING_MISTAKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
CERTIFICATE_LOCALES = {"sv": _l("Swedish"), "en": _l("English")}


class NothingToCertify(Exception):
    """No attended shift or training in the chosen period."""


class NameNotConfirmed(Exception):
    """No coordinator has confirmed the person's name yet, so there is no name a certificate may carry."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """A code as stored, from what someone typed (any case, spaces or dashes, O for 0); None if it cannot be one."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -\t").translate(TYPING_MISTAKES)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def find(code: str) -> Certificate | None:
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalized))


def issuer(summary: totals.Summary) -> User | None:
    """The coordinator who confirmed most of the hours; else a coordinator of the organisation with the most."""
    confirmed: Counter = Counter()
    for booking in summary.bookings:
        if booking.decided_by_id:
            confirmed[booking.decided_by_id] += totals.booking_minutes(booking)
    for enrolment in summary.enrolments:
        if enrolment.decided_by_id:
            confirmed[enrolment.decided_by_id] += totals.worked(enrolment.session)
    for user_id, _minutes in confirmed.most_common():
        person = db.session.get(User, user_id)
        if person is not None and person.is_coordinator:
            return person
    for total in summary.by_organisation():
        person = db.session.scalar(
            select(User).where(User.role == Role.COORDINATOR,
                               User.coordinated_organisations.any(Organisation.id == total.key.id))
            .order_by(User.full_name, User.id).limit(1))
        if person is not None:
            return person
    return None


def _issuer_facts(person: User | None, organisations: list[Organisation]) -> dict | None:
    if person is None:
        return None
    ours = [org.name for org in person.coordinated_organisations if org in organisations]
    theirs = ours or [org.name for org in person.coordinated_organisations]
    return {"name": person.full_name, "organisation": theirs[0] if theirs else ""}


def issue(user: User, start: date, end: date, locale: str) -> Certificate:
    """Issue a certificate for a person's recorded hours in a period; the facts are kept as they are now.

    It carries the name a coordinator confirmed (at approval or since), never full_name, which the person may
    change at will: otherwise a rename just before issuing would put any name on a genuine certificate."""
    if not user.confirmed_name:
        raise NameNotConfirmed
    found = totals.summary(user, start, end)
    if found.empty:
        raise NothingToCertify
    organisations = [total.key for total in found.by_organisation()]
    person = issuer(found)
    facts = {
        "name": user.confirmed_name,
        "organisations": [org.name for org in organisations],
        "shift_minutes": found.shift_minutes,
        "training_minutes": found.training_minutes,
        "tasks": [{"names": t.key.names, "minutes": t.minutes, "shifts": t.count} for t in found.by_task()],
        "trainings": [{"title": e.session.training.title_in(locale),
                       "organisation": e.session.training.organisation.name,
                       "day": clock.local_day(e.session.starts_at).isoformat(),
                       "minutes": totals.worked(e.session)}
                      for e in found.enrolments],
        "issuer": _issuer_facts(person, organisations),
    }
    certificate = Certificate(code=new_code(), user=user, locale=locale, period_start=start, period_end=end,
                              issued_by_id=person.id if person else None, issued_at=clock.now(), facts=facts,
                              organisations=organisations)
    db.session.add(certificate)
    db.session.flush()
    audit("certificate_issued", actor=user, subject=user, certificate_id=certificate.id, locale=locale,
          start=start.isoformat(), end=end.isoformat(), minutes=found.shift_minutes + found.training_minutes)
    return certificate


def withdraw(certificate: Certificate, actor: User, reason: str) -> None:
    certificate.withdrawn_at = clock.now()
    certificate.withdrawn_by_id = actor.id
    certificate.withdrawal_reason = reason
    audit("certificate_withdrawn", actor=actor, subject=certificate.user, certificate_id=certificate.id,
          reason=reason)


def in_scope(coordinator: User) -> Select:
    """Certificates naming one of the coordinator's organisations (all of them for an admin), newest first."""
    query = select(Certificate).options(joinedload(Certificate.user)).order_by(
        Certificate.issued_at.desc(), Certificate.id.desc())
    scope = organisation_scope(coordinator)
    if scope is not None:
        query = query.where(Certificate.organisations.any(Organisation.id.in_(scope)))
    return query


def find_in_scope(coordinator: User, certificate_id: int) -> Certificate | None:
    return db.session.scalar(in_scope(coordinator).where(Certificate.id == certificate_id))


def verification_url(certificate: Certificate) -> str:
    """The public page that confirms the certificate: what its QR code holds."""
    return absolute_url("verify.show", code=certificate.display_code)


@dataclass(frozen=True)
class Sheet:
    """A certificate's wording in its own language: what the page and the PDF both print."""

    locale: str
    title: str
    lead: str
    rows: list[tuple[str, list[str]]]
    verify_text: str
    verify_url: str
    code: str


def sheet(certificate: Certificate) -> Sheet:
    """The certificate's text in the language it was issued in, from the facts kept at issue time."""
    with force_locale(certificate.locale):
        return _sheet(certificate, certificate.locale)


def _sheet(certificate: Certificate, locale: str) -> Sheet:
    facts = certificate.facts

    def amount(total_minutes: int) -> str:
        return format_decimal(totals.as_hours(total_minutes), "#,##0.##", locale=locale)

    def long(day: date | datetime) -> str:
        return format_date(day, "long", locale=locale)

    rows = [
        (_("Name"), [facts["name"]]),
        (_("Partner organisations"), facts["organisations"]),
        (_("Period"), [date_range(certificate.period_start, certificate.period_end)]),
        (_("Hours of volunteer work"), [amount(facts["shift_minutes"])]),
        (_("Hours of training"), [amount(facts["training_minutes"])]),
        (_("Hours in total"), [amount(facts["shift_minutes"] + facts["training_minutes"])]),
    ]
    if facts["tasks"]:
        rows.append((_("Tasks"), [
            ngettext("%(task)s: %(hours)s h, %(num)d shift", "%(task)s: %(hours)s h, %(num)d shifts",
                     task["shifts"], task=localized(task["names"], locale), hours=amount(task["minutes"]))
            for task in facts["tasks"]]))
    if facts["trainings"]:
        rows.append((_("Trainings completed"), [
            _("%(training)s, %(organisation)s, %(day)s, %(hours)s h", training=training["title"],
              organisation=training["organisation"], day=long(date.fromisoformat(training["day"])),
              hours=amount(training["minutes"]))
            for training in facts["trainings"]]))
    if facts["issuer"]:
        issued_by = facts["issuer"]
        rows.append((_("Issued by"), [
            _("%(name)s, coordinator, %(organisation)s", **issued_by) if issued_by["organisation"]
            else issued_by["name"]]))
    rows.append((_("Issued on"), [long(clock.local_day(certificate.issued_at))]))
    url = verification_url(certificate)
    return Sheet(
        locale=locale,
        title=_("Certificate of volunteer work"),
        lead=_("%(name)s has volunteered in the reception of refugees, at evacuation housing and meeting places "
               "run together by the partner organisations named below. The hours are those recorded by the "
               "coordinators.", name=facts["name"]),
        rows=rows,
        verify_text=_("Anyone can check that this certificate is genuine at %(url)s or by scanning the QR code. "
                      "Verification code: %(code)s", url=url, code=certificate.display_code),
        verify_url=url,
        code=certificate.display_code,
    )
