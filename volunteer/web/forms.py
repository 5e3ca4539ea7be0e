"""Flask-WTF forms; every label and message is translatable."""
import unicodedata
from datetime import date, time, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import clock
from ..i18n import formats
from ..i18n.catalog import gettext as _, lazy_gettext as _l
from ..i18n.formats import left_to_right
from ..i18n.locale import SITE_LOCALES
from ..labels import ORGANISATION_KINDS

# Dates this site can have records for (and whose next day, in any time zone, a computer can still count).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def within_reason(form, field):
    """A date from EARLIEST to LATEST: every date field has it, so no calendar edge reaches a computation."""
    if field.data and field.data < EARLIEST:
        raise ValidationError(_l("Choose a date from %(day)s on.", day=EARLIEST.isoformat()))
    if field.data and field.data > LATEST:
        raise ValidationError(_l("Choose a date up to %(day)s.", day=LATEST.isoformat()))


MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalize_email(value: str, check_deliverability: bool | None = None) -> str:
    """The address as stored and compared: NFKC (a full-width "ｅ" is an "e"), validated with the domain
    IDNA-normalised ("example。org" is "example.org"), then lower-cased."""
    if check_deliverability is None:
        check_deliverability = current_app.config["EMAIL_CHECK_DELIVERABILITY"]
    result = validate_email(unicodedata.normalize("NFKC", value).strip(), check_deliverability=check_deliverability)
    return result.normalized.lower()


def address_key(value: str) -> str:
    """One key per mailbox for rate limits: the stored form of a valid address (no DNS), else its NFKC lower case."""
    try:
        return normalize_email(value, check_deliverability=False)
    except EmailNotValidError:
        return unicodedata.normalize("NFKC", value).strip().lower()


def normalize_phone(value: str, region: str = "SE") -> str:
    """A mobile number in E.164; Swedish when written without a country code."""
    number = phonenumbers.parse(value, region)
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValueError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored number as people write it: national for Swedish numbers, international otherwise."""
    number = phonenumbers.parse(e164, "SE")
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 46 \
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


class ValidEmail:
    """Validates with email-validator and keeps the normalized address in field.normalized."""

    def __call__(self, form, field):
        try:
            field.normalized = normalize_email(field.data or "")
        except EmailNotValidError as error:
            raise ValidationError(_l("Write a whole address, for example name@example.se.")) from error


class MobilePhone:
    """Parses with phonenumbers and keeps the E.164 form in field.normalized."""

    def __call__(self, form, field):
        try:
            field.normalized = normalize_phone(field.data or "")
        except (phonenumbers.NumberParseException, ValueError) as error:
            raise ValidationError(_l("Enter a mobile number, for example %(local)s or %(international)s.",
                                     local=left_to_right("070-123 45 67"),
                                     international=left_to_right("+46 70 123 45 67"))) from error


def clean_text(value):
    """Trim text and drop NUL characters, which PostgreSQL text columns cannot hold."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """Base form: every field's input goes through clean_text."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **{**options, "filters": filters})


def missing_time(day: date, wall_clock: time) -> str | None:
    """Why a Stockholm wall-clock time cannot be had on a day (the clocks skip it that night), or None."""
    if clock.exists(day, wall_clock):
        return None
    return _("There is no %(time)s on %(date)s: the clocks go forward an hour that night. Choose another time.",
             time=wall_clock.strftime("%H:%M"), date=formats.day(day))


class WallClockExists:
    """A time field's value exists on the form's day, and on every week's day when the form makes a series."""

    def __call__(self, form, field):
        first = form["day"].data
        if not (first and field.data) or form["day"].errors:  # a day out of range has its own message
            return
        weeks = form["weeks"].data if "weeks" in form and isinstance(form["weeks"].data, int) else 1
        for week in range(max(1, min(weeks, 520))):
            try:
                day = first + timedelta(weeks=week)
            except OverflowError:  # a series running past the calendar's end is refused by its own check
                return
            message = missing_time(day, field.data)
            if message:
                raise ValidationError(message)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes posting a list of values."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(Form):
    """A single button that redeems a one-time link (a GET never uses it up)."""


# Far past the end of any list here, and an OFFSET every database can hold (a 20-digit page was a 500).
MAX_PAGE = 100_000


def page_number() -> int:
    """The list page asked for in the URL (?page=), from 1 to MAX_PAGE; anything else is the first page."""
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def optional_int(value):
    """A select's value as an int; empty means no choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


class OrganisationForm(Form):
    """A partner organisation (admins only)."""

    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Write the organisation's name.")), Length(max=120, message=_l("Write at most %(max)d characters."))])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in ORGANISATION_KINDS.items()],
                       validators=[InputRequired()])
    description = TextAreaField(_l("Description"), validators=[
        Length(max=1000, message=_l("Write at most %(max)d characters."))])


class CoordinatorForm(Form):
    """Grant the coordinator role to an existing account (admins only)."""

    email = EmailField(_l("E-mail of the person's account"), validators=[
        DataRequired(_l("Write the e-mail address.")), ValidEmail()])
    organisations = MultiCheckboxField(_l("Coordinator of"), coerce=int)
    admin = BooleanField(_l("Administrator (sees and manages everything)"))

    def validate_organisations(self, field):
        if not field.data and not self.admin.data:
            raise ValidationError(_l("Choose at least one organisation."))


class NamedInEveryLanguage:
    """Mixin for a form of something everyone reads (a task, a qualification): one name field per site language.
    Swedish is required; a language left empty falls back to it. Build the form class with with_names()."""

    @classmethod
    def with_names(cls):
        fields = {}
        for code in SITE_LOCALES:
            validators = [Length(max=120, message=_l("Write at most %(max)d characters."))]
            if code == "sv":
                validators.insert(0, DataRequired(_l("Write the name in Swedish.")))
            fields[f"name_{code}"] = StringField(code, validators=validators)
        return type(f"{cls.__name__}WithNames", (cls,), fields)

    def fill_names(self, names: dict) -> None:
        for code in SITE_LOCALES:
            self[f"name_{code}"].data = names.get(code, "")

    def names(self) -> dict:
        return {code: self[f"name_{code}"].data for code in SITE_LOCALES if self[f"name_{code}"].data}


class TargetGroupForm(NamedInEveryLanguage, Form):
    """Whom activities serve (admins only), named in every site language."""

    code = StringField(_l("Short code"), validators=[
        DataRequired(_l("Write a short code.")), Length(max=40, message=_l("Write at most %(max)d characters.")),
        Regexp(r"^[a-z0-9_]+$", message=_l("Use small letters a–z, digits and _ only."))])
